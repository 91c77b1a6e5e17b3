package planner

import (
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

type rekeyResult struct {
	node *Rekey
	// desc describes each key expression in messages (qualified, as
	// ksqlDB's "must include the partitioning expression ABS(INPUT.ID)").
	desc []string
}

// planRekey plans PARTITION BY over node.
func (p *stmtPlanner) planRekey(q *parser.Query, node Node, sc *scope, gen *aliasGen) (*rekeyResult, error) {
	if len(q.PartitionBy) == 0 {
		return nil, rqlerr.At(rqlerr.BindInvalid, q.Pos, "PARTITION BY requires at least one expression")
	}
	b := &binder{reg: p.reg, scope: sc, clause: "PARTITION BY"}
	in := node.Schema()
	out := &sqltypes.Schema{}
	for _, c := range in.Columns {
		if c.NS == sqltypes.NSKey {
			c.NS = sqltypes.NSValue
		}
		out.Columns = append(out.Columns, c)
	}
	rk := &Rekey{Input: node, Out: out, RepartitionTopic: "<query>-repartition"}
	res := &rekeyResult{node: rk}
	src := sc.qualifiers[0]
	for _, e := range q.PartitionBy {
		if l, ok := e.(*parser.Literal); ok && l.Kind == parser.LitNull {
			if len(q.PartitionBy) > 1 {
				return nil, rqlerr.At(rqlerr.BindInvalid, e.Position(), "Cannot PARTITION BY multiple columns including NULL")
			}
			return res, nil
		}
		k, err := b.bind(e)
		if err != nil {
			return nil, clauseErr("PARTITION BY", err)
		}
		if k.Type().Kind == sqltypes.KindNull {
			return nil, rqlerr.At(rqlerr.BindType, e.Position(), "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
		}
		name := ""
		switch x := e.(type) {
		case *parser.ColumnRef:
			name = x.Name
		case *parser.Deref:
			name = x.Field
		}
		if name == "" {
			name = gen.nextName()
		}
		rk.Keys = append(rk.Keys, k)
		out.Columns = append(out.Columns, sqltypes.Column{Name: name, Type: k.Type(), NS: sqltypes.NSKey})
		res.desc = append(res.desc, FormatExpr(e, src))
	}
	return res, nil
}
