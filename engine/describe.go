package engine

import (
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
)

// describe renders DESCRIBE as the driver does (the catalog is the same).
func describe(p *planner.DescribePlan) Result {
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

// explain renders EXPLAIN as the driver does.
func explain(p *planner.ExplainPlan) Result {
	res := Result{Kind: "EXPLAIN", Columns: []string{"PLAN"}, Message: p.Text}
	for _, line := range strings.Split(strings.TrimRight(p.Text, "\n"), "\n") {
		res.Rows = append(res.Rows, []string{line})
	}
	return res
}
