package planner

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/udf"
)

// applyForTest applies the catalog part of a plan, as the driver does.
func applyForTest(cat *Catalog, p StatementPlan) {
	switch x := p.(type) {
	case *CreateSourcePlan:
		if !x.Noop {
			cat.PutSource(x.Source)
		}
	case *CreateAsSelectPlan:
		if !x.Noop {
			cat.PutSource(x.Sink)
			cat.AddQuery(&PersistentQuery{ID: x.Query.ID, Plan: x.Query, Sink: x.Sink.Name, Sources: x.Query.Sources})
		}
	case *CreateTypePlan:
		if !x.Noop {
			cat.PutType(x.Name, x.Type)
		}
	}
}

func planAll(t *testing.T, cat *Catalog, reg *udf.Registry, sql string) ([]StatementPlan, error) {
	t.Helper()
	stmts, err := parser.Parse(sql, parser.ParseOptions{})
	if err != nil {
		return nil, err
	}
	var out []StatementPlan
	for _, s := range stmts {
		p, err := PlanStatement(cat, reg, s, nil)
		if err != nil {
			return out, err
		}
		applyForTest(cat, p)
		out = append(out, p)
	}
	return out, nil
}

func errText(err error) string {
	s := "error"
	if c := rqlerr.CodeOf(err); c != "" {
		s += " " + string(c)
	}
	return s + ": " + err.Error() + "\n"
}

// TestDataDriven runs the files under testdata:
//
//	exec-ddl            plan and apply statements (CREATE STREAM/TABLE/TYPE, CSAS)
//	explain             plan a query statement and print its EXPLAIN tree
//	schema              plan statements and print the schema of every created source
//	error               plan statements and print the first error
func TestDataDriven(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		cat := NewCatalog(nil)
		reg := udf.Builtins()
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "exec-ddl":
				if _, err := planAll(t, cat, reg, d.Input); err != nil {
					return errText(err)
				}
				return ""
			case "explain":
				ps, err := planAll(t, NewCatalogFrom(cat), reg, "EXPLAIN "+d.Input)
				if err != nil {
					return errText(err)
				}
				return ps[len(ps)-1].(*ExplainPlan).Text
			case "schema":
				scratch := NewCatalogFrom(cat)
				ps, err := planAll(t, scratch, reg, d.Input)
				if err != nil {
					return errText(err)
				}
				var b strings.Builder
				for _, p := range ps {
					switch x := p.(type) {
					case *CreateSourcePlan:
						fmt.Fprintf(&b, "%s: %s\n", x.Source.Name, x.Source.Schema)
					case *CreateAsSelectPlan:
						fmt.Fprintf(&b, "%s: %s (key %s, value %s, topic %s)\n", x.Sink.Name, x.Sink.Schema,
							x.Sink.KeyFormat, x.Sink.ValueFormat, x.Sink.Topic)
					}
				}
				return b.String()
			case "error":
				_, err := planAll(t, NewCatalogFrom(cat), reg, d.Input)
				if err == nil {
					return "ok\n"
				}
				return errText(err)
			}
			d.Fatalf(t, "unknown command %s", d.Cmd)
			return ""
		})
	})
}
