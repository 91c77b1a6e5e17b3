package planner

import (
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// planAggBody plans the rest of an aggregating query over node (the input
// after WHERE): the Aggregate, then the projection. The result is a table
// (windowed when the query has a WINDOW) keyed by the grouping expressions.
func (p *stmtPlanner) planAggBody(q *parser.Query, node Node, sc *scope, src *Source, sinkName string, persistent bool, tsCol string) (*queryShape, error) {
	for _, it := range q.Select {
		if it.Expr != nil && p.hasTableCall(it.Expr) {
			return nil, rqlerr.At(rqlerr.BindInvalid, it.Pos, "Table functions cannot be used with aggregations.")
		}
	}
	ap, err := p.planAggregate(q, node, sc, src, "CREATE TABLE")
	if err != nil {
		return nil, err
	}
	proj := ap.items
	if err := nameItems(proj, newAliasGen(sc, q.Select)); err != nil {
		return nil, err
	}
	result := *src
	result.Kind = parser.KindTable
	result.Window = q.Window
	shape := &queryShape{source: &result, sources: []string{src.Name}}
	agg := ap.node
	if !persistent {
		shape.root = transientProject(agg, proj, Upsert)
		return shape, nil
	}
	if err := checkSinkItems(proj, tsCol); err != nil {
		return nil, err
	}
	if err := markGroupKeys(proj, agg.GroupBy, sinkName); err != nil {
		return nil, atPos(err, q.Pos)
	}
	out := &sqltypes.Schema{}
	var exprs []Expr
	for i := range agg.GroupBy {
		for _, it := range proj {
			if c, ok := it.expr.(*ColRef); ok && it.key && c.Index == i {
				out.Columns = append(out.Columns, sqltypes.Column{Name: it.name, Type: it.expr.Type(), NS: sqltypes.NSKey})
				exprs = append(exprs, it.expr)
			}
		}
	}
	names := map[string]bool{}
	for _, c := range out.Columns {
		names[c.Name] = true
	}
	nval := 0
	for _, it := range proj {
		if it.key {
			continue
		}
		if names[it.name] {
			return nil, rqlerr.At(rqlerr.BindInvalid, it.pos, "Duplicate value columns found in schema: `%s` %s", it.name, it.expr.Type())
		}
		names[it.name] = true
		nval++
		out.Columns = append(out.Columns, sqltypes.Column{Name: it.name, Type: it.expr.Type()})
		exprs = append(exprs, it.expr)
	}
	if nval == 0 {
		return nil, rqlerr.At(rqlerr.BindInvalid, q.Pos, "The projection contains no value columns.")
	}
	shape.root = &Project{Input: agg, Exprs: exprs, Out: out, Mode: Upsert}
	return shape, nil
}

// hasTableCall reports whether an AST expression calls a table function.
func (p *stmtPlanner) hasTableCall(e parser.Expr) bool {
	found := false
	walkAST(e, func(x parser.Expr) {
		if c, ok := x.(*parser.Call); ok {
			if def, ok := p.reg.Lookup(c.Name); ok && def.Kind == udf.Table {
				found = true
			}
		}
	})
	return found
}
