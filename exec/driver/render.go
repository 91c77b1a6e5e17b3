package driver

import (
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// The results of DESCRIBE, DESCRIBE FUNCTION and EXPLAIN depend on their
// plan (and the registry) only: the driver and the Kafka engine render
// them with these functions.

// DescribeResult renders DESCRIBE [EXTENDED]: a row per column of each
// source (Source, Field, Type; keys, primary keys and headers marked
// after the type), then, when extended, its topic and formats.
func DescribeResult(p *planner.DescribePlan) Result {
	res := Result{Kind: "DESCRIBE", Columns: []string{"Source", "Field", "Type"}}
	for _, s := range p.Sources {
		for _, c := range s.Schema.Columns {
			t := c.Type.String()
			switch c.NS {
			case sqltypes.NSKey:
				if s.Kind == parser.KindTable {
					t += " (primary key)"
				} else {
					t += " (key)"
				}
			case sqltypes.NSHeaders:
				if c.HeaderKey != "" {
					t += " (header('" + c.HeaderKey + "'))"
				} else {
					t += " (headers)"
				}
			}
			res.Rows = append(res.Rows, []string{s.Name, c.Name, t})
		}
		if p.Extended {
			res.Rows = append(res.Rows,
				[]string{s.Name, "Kafka topic", s.Topic},
				[]string{s.Name, "Key format", s.KeyFormat},
				[]string{s.Name, "Value format", s.ValueFormat})
		}
	}
	return res
}

// DescribeFunctionResult renders DESCRIBE FUNCTION name: a row per
// variant of the function in reg (none when it is unknown), its
// description as the Message.
func DescribeFunctionResult(reg *udf.Registry, name string) Result {
	res := Result{Kind: "DESCRIBE_FUNCTION", Columns: []string{"Name", "Kind", "Variant", "Returns", "Description"}}
	def, ok := reg.Lookup(name)
	if !ok {
		return res
	}
	for _, v := range def.Variants {
		ps := make([]string, len(v.Params))
		vi := v.VariadicIndex()
		for i, p := range v.Params {
			ps[i] = udf.SignatureType(p.Type) + " " + p.Name
			if i == vi {
				ps[i] += "..."
			}
		}
		ret := ""
		if v.Return != nil {
			ret = udf.SignatureType(v.Return)
		}
		res.Rows = append(res.Rows, []string{def.Name, def.Kind.String(), "(" + strings.Join(ps, ", ") + ")", ret, v.Description})
	}
	res.Message = def.Description
	return res
}

// ExplainResult renders EXPLAIN: the plan's text as the Message and a
// row a line, and the explained query's ID when it is a query.
func ExplainResult(p *planner.ExplainPlan) Result {
	res := Result{Kind: "EXPLAIN", Columns: []string{"PLAN"}, Message: p.Text}
	for _, line := range strings.Split(strings.TrimRight(p.Text, "\n"), "\n") {
		res.Rows = append(res.Rows, []string{line})
	}
	if p.Query != nil {
		res.QueryID = p.Query.ID
	}
	return res
}
