package planner

import (
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// Pull query properties (ksqlDB's names and defaults).
const (
	PropPullTableScan   = "ksql.query.pull.table.scan.enabled"   // default true
	PropPullRangeScan   = "ksql.query.pull.range.scan.enabled"   // default true
	PropPullLimitClause = "ksql.query.pull.limit.clause.enabled" // default true
)

// pullHelp ends ksqlDB's pull query errors (PullQueryValidator).
const pullHelp = " See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query."

func (p *stmtPlanner) propEnabled(name string) bool {
	return !strings.EqualFold(strings.TrimSpace(p.prop(name)), "false")
}

func pullErr(pos rqlerr.Pos, msg string) error {
	return rqlerr.At(rqlerr.BindUnsupported, pos, "%s", msg+pullHelp)
}

// pullQuery plans SELECT ... FROM source [WHERE ...] [LIMIT n] without EMIT.
func (p *stmtPlanner) pullQuery(s *parser.SelectStmt) (StatementPlan, error) {
	q := s.Query
	p.persistent = false
	switch {
	case isJoin(q.From):
		return nil, pullErr(q.From.Position(), "Pull queries don't support JOIN clauses.")
	case q.Window != nil:
		return nil, pullErr(q.Window.Pos, "Pull queries don't support WINDOW clauses.")
	case len(q.GroupBy) > 0:
		return nil, pullErr(q.GroupBy[0].Position(), "Pull queries don't support GROUP BY clauses.")
	case q.PartitionBy != nil:
		return nil, pullErr(q.PartitionBy[0].Position(), "Pull queries don't support PARTITION BY clauses.")
	case q.Having != nil:
		return nil, pullErr(q.Having.Position(), "Pull queries don't support HAVING clauses.")
	case len(q.Enrich) > 0:
		return nil, pullErr(q.Enrich[0].Pos, "Pull queries don't support ENRICH clauses.")
	}
	limit := int64(-1)
	if q.Limit != nil {
		if !p.propEnabled(PropPullLimitClause) {
			return nil, pullErr(s.StmtPos, "LIMIT clause in pull queries is currently disabled. You can enable them by setting ksql.query.pull.limit.clause.enabled=true.")
		}
		if *q.Limit < 0 {
			return nil, pullErr(s.StmtPos, "Pull queries don't support negative integers in the LIMIT clause.")
		}
		limit = *q.Limit
	}
	if err := p.checkPullColumns(q); err != nil {
		return nil, err
	}
	tbl := q.From.(*parser.Table)
	src, ok := p.cat.SourceByName(tbl.Name)
	if !ok {
		return nil, rqlerr.At(rqlerr.BindUnknownSource, tbl.Pos, "Source `%s` does not exist.", tbl.Name)
	}
	if src.Kind == parser.KindStream {
		return p.pullStream(q, src, limit)
	}
	store, err := p.pullStore(src, tbl.Pos)
	if err != nil {
		return nil, err
	}
	quals := []string{src.Name}
	if tbl.Alias != "" {
		quals = append(quals, tbl.Alias)
	}
	sc := scopeOf(src.Schema, quals...)
	sc.windowed = src.Window != nil
	plan := &PullPlan{Source: src, Store: store, Limit: limit}
	if q.Where != nil {
		pred, err := p.bindWhere(q.Where, sc)
		if err != nil {
			return nil, err
		}
		plan.Filter = pred
	}
	lk, err := p.pullLookup(src, plan.Filter, s.StmtPos)
	if err != nil {
		return nil, err
	}
	plan.Lookup = lk
	if err := p.pullSelect(plan, q.Select, sc, src); err != nil {
		return nil, err
	}
	return plan, nil
}

func isJoin(r parser.Relation) bool {
	_, ok := r.(*parser.Join)
	return ok
}

// checkPullColumns rejects ROWPARTITION and ROWOFFSET, which state does not
// keep (ksqlDB's wording).
func (p *stmtPlanner) checkPullColumns(q *parser.Query) error {
	bad := func(exprs []parser.Expr) (string, rqlerr.Pos) {
		var names []string
		var pos rqlerr.Pos
		for _, e := range exprs {
			walkAST(e, func(x parser.Expr) {
				c, ok := x.(*parser.ColumnRef)
				if !ok {
					return
				}
				if ps, ok := pseudoByName(c.Name); ok && (ps == PseudoRowpartition || ps == PseudoRowoffset) {
					if len(names) == 0 {
						pos = c.Pos
					}
					names = append(names, ps.String())
				}
			})
		}
		return strings.Join(names, ", "), pos
	}
	var sel []parser.Expr
	for _, it := range q.Select {
		if it.Expr != nil {
			sel = append(sel, it.Expr)
		}
	}
	if names, pos := bad(sel); names != "" {
		return pullErr(pos, "Pull queries don't support the following columns in SELECT clauses: "+names+"\n")
	}
	if q.Where != nil {
		if names, pos := bad([]parser.Expr{q.Where}); names != "" {
			return pullErr(pos, "Pull queries don't support the following columns in WHERE clauses: "+names+"\n")
		}
	}
	return nil
}

// pullStore finds the state holding a table's rows: the aggregation state
// of a CTAS that aggregates, the Materialize table of any other CTAS or of
// a CREATE SOURCE TABLE. A plain CREATE TABLE is not materialized.
func (p *stmtPlanner) pullStore(src *Source, pos rqlerr.Pos) (*PullStore, error) {
	if src.QueryID == "" {
		if src.ReadOnly {
			id := SourceTableQueryID(src.Name)
			return &PullStore{Kind: StoreRows, Table: MaterializeStore(id), QueryID: id}, nil
		}
		return nil, pullErr(pos, "The `"+src.Name+"` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_"+src.Name+" AS SELECT * FROM "+src.Name+"'.")
	}
	pq, ok := p.cat.Query(src.QueryID)
	if !ok || pq.Plan == nil {
		return nil, pullErr(pos, "The `"+src.Name+"` table isn't queryable: the query writing it ("+src.QueryID+") is not running.")
	}
	agg, view := aggregateView(pq.Plan)
	if agg == nil {
		return &PullStore{Kind: StoreRows, Table: MaterializeStore(pq.ID), QueryID: pq.ID}, nil
	}
	if agg.EmitFinal {
		return nil, pullErr(pos, "Pull queries on `"+src.Name+"` are not supported: tables built with EMIT FINAL keep only their open windows in state.")
	}
	st := &PullStore{Kind: StoreAggregate, Table: agg.StateTable, QueryID: pq.ID, Aggregate: agg, View: view.Exprs}
	for i := range agg.GroupBy {
		st.GroupKeys = append(st.GroupKeys, -1)
		for j, e := range view.Exprs {
			if c, ok := e.(*ColRef); ok && c.Qualifier == aggMark && c.Index == i && j < len(src.Schema.Columns) && src.Schema.Columns[j].NS == sqltypes.NSKey {
				st.GroupKeys[i] = j
				break
			}
		}
	}
	return st, nil
}

// pullSelect binds the select list over the table's columns. SELECT * on a
// windowed table lists the key, WINDOWSTART, WINDOWEND, then the values, as
// ksqlDB's pull queries do.
func (p *stmtPlanner) pullSelect(plan *PullPlan, items []parser.SelectItem, sc *scope, src *Source) error {
	gen := newAliasGen(sc, items)
	b := &binder{reg: p.reg, scope: sc, clause: "SELECT"}
	var proj []*projItem
	for _, it := range items {
		if it.Star && (it.Qualifier == "" || sc.hasQualifier(it.Qualifier)) {
			stars := starItems(sc, false, it.Pos)
			nkeys := 0
			for _, si := range stars {
				if c, ok := si.expr.(*ColRef); ok && sc.cols[c.Index].NS == sqltypes.NSKey {
					nkeys++
				}
			}
			for i, si := range stars {
				proj = append(proj, si)
				if src.Window != nil && i == nkeys-1 {
					proj = append(proj,
						&projItem{name: "WINDOWSTART", aliased: true, pos: it.Pos, expr: &PseudoRef{P: it.Pos, Col: PseudoWindowstart}},
						&projItem{name: "WINDOWEND", aliased: true, pos: it.Pos, expr: &PseudoRef{P: it.Pos, Col: PseudoWindowend}})
				}
			}
			continue
		}
		got, err := p.bindSelect(b, []parser.SelectItem{it}, sc, src, false)
		if err != nil {
			return err
		}
		proj = append(proj, got...)
	}
	if err := nameItems(proj, gen); err != nil {
		return err
	}
	plan.Out = &sqltypes.Schema{}
	for _, it := range proj {
		plan.Out.Columns = append(plan.Out.Columns, sqltypes.Column{Name: it.name, Type: it.expr.Type()})
		plan.Exprs = append(plan.Exprs, it.expr)
	}
	return nil
}

// pullStream plans a pull query on a stream: a scan of the topic's current
// records through the transient query planner.
func (p *stmtPlanner) pullStream(q *parser.Query, src *Source, limit int64) (StatementPlan, error) {
	shape, err := p.planBody(q, "", false, "")
	if err != nil {
		return nil, err
	}
	qp := &QueryPlan{Kind: QueryTransient, Root: shape.root, Sources: shape.sources, Limit: limit}
	return &PullPlan{Source: src, Stream: qp, Exprs: shape.root.Exprs, Out: shape.root.Out, Limit: limit}, nil
}
