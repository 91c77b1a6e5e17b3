package planner

import (
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// The steps shared by the query bodies (plain, join, aggregate) and pull
// queries: binding WHERE, the FlatMap of table functions, and the final
// projection's columns and checks.

// bindWhere binds a WHERE clause over sc (aggregate calls in it are
// errors in ksqlDB's words); it must be BOOLEAN (or NULL).
func (p *stmtPlanner) bindWhere(where parser.Expr, sc *scope) (Expr, error) {
	b := &binder{reg: p.reg, scope: sc, clause: "WHERE", aggHook: p.whereAggregate(sc)}
	pred, err := b.bind(where)
	if err != nil {
		return nil, clauseErr("WHERE", err)
	}
	if k := pred.Type().Kind; k != sqltypes.KindBoolean && k != sqltypes.KindNull {
		return nil, rqlerr.At(rqlerr.BindType, where.Position(), "Type error in WHERE expression: Should evaluate to boolean but is %s (%s) instead.", pred, pred.Type())
	}
	return pred, nil
}

// withTableCalls puts a FlatMap over node for the table functions calls
// (their columns appended to node's); node itself when there are none.
func withTableCalls(node Node, calls []*TableCall) Node {
	if len(calls) == 0 {
		return node
	}
	out := &sqltypes.Schema{Columns: append([]sqltypes.Column(nil), node.Schema().Columns...)}
	for i, c := range calls {
		out.Columns = append(out.Columns, sqltypes.Column{Name: synthName(i), Type: c.Fn.Return})
	}
	return &FlatMap{Input: node, Calls: calls, Out: out}
}

// transientProject is a transient query's projection: every item a value
// column, no key.
func transientProject(node Node, proj []*projItem, mode ChangelogMode) *Project {
	out := &sqltypes.Schema{}
	var exprs []Expr
	for _, it := range proj {
		out.Columns = append(out.Columns, sqltypes.Column{Name: it.name, Type: it.expr.Type()})
		exprs = append(exprs, it.expr)
	}
	return &Project{Input: node, Exprs: exprs, Out: out, Mode: mode}
}

// checkSinkItems checks a persistent query's projection: every item has a
// type (a bare NULL has none), and the WITH clause's TIMESTAMP column
// (tsCol, when set) is one of them.
func checkSinkItems(proj []*projItem, tsCol string) error {
	for _, it := range proj {
		if it.expr.Type().Kind == sqltypes.KindNull {
			return rqlerr.At(rqlerr.BindType, it.pos, "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
		}
	}
	return checkTimestampItem(proj, tsCol)
}

// checkTimestampItem checks that the WITH clause's TIMESTAMP column
// (tsCol, when set) is in the projection.
func checkTimestampItem(proj []*projItem, tsCol string) error {
	if tsCol != "" && !hasItem(proj, tsCol) {
		return rqlerr.New(rqlerr.StmtInvalidProps, "The TIMESTAMP column set in the WITH clause does not exist in the schema: '%s'", tsCol)
	}
	return nil
}

// addValueColumns appends the projection's non-key items to out and
// exprs (after the key columns already there); there must be one at
// least (else an error at pos).
func addValueColumns(out *sqltypes.Schema, exprs []Expr, proj []*projItem, pos rqlerr.Pos) ([]Expr, error) {
	nval := 0
	for _, it := range proj {
		if it.key {
			continue
		}
		nval++
		out.Columns = append(out.Columns, sqltypes.Column{Name: it.name, Type: it.expr.Type()})
		exprs = append(exprs, it.expr)
	}
	if nval == 0 {
		return nil, rqlerr.At(rqlerr.BindInvalid, pos, "The projection contains no value columns.")
	}
	return exprs, nil
}

// checkDuplicateColumns rejects a projection schema with two columns of
// one name (an error at pos).
func checkDuplicateColumns(out *sqltypes.Schema, pos rqlerr.Pos) error {
	seen := map[string]bool{}
	for _, c := range out.Columns {
		if seen[c.Name] {
			return rqlerr.At(rqlerr.BindInvalid, pos, "Duplicate column names in projection: `%s`", c.Name)
		}
		seen[c.Name] = true
	}
	return nil
}
