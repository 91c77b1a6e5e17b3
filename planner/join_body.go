package planner

import (
	"sort"
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// planJoinBody plans a query whose FROM is a join: the join tree, WHERE,
// then an aggregation or the projection with ksqlDB's join key rules (the
// result is keyed by the join expression; the projection must select one
// of the columns equal to it, or the synthetic ROWKEY).
func (p *stmtPlanner) planJoinBody(q *parser.Query, j *parser.Join, sinkName string, persistent bool, tsCol string) (*queryShape, error) {
	t, err := p.planJoinTree(j)
	if err != nil {
		return nil, err
	}
	sc := t.scope
	finishJoinScope(t)
	var node Node = t.node
	res := *t.leaves[0].src
	res.Kind = parser.KindStream
	mode := Append
	if t.table {
		res.Kind = parser.KindTable
		mode = Upsert
	}
	var sources []string
	for _, lf := range t.leaves {
		sources = append(sources, lf.src.Name)
	}
	if len(q.Enrich) > 0 {
		// ENRICH applies to the joined rows, before WHERE, as after a
		// single source.
		if node, sc, err = p.planEnrich(q.Enrich, node, sc); err != nil {
			return nil, err
		}
	}

	if q.Where != nil {
		pred, err := p.bindWhere(q.Where, sc)
		if err != nil {
			return nil, err
		}
		f := &Filter{Input: node, Pred: pred}
		if t.table {
			f.PassedStore = queryPlaceholder + "-Join-filter-passed"
		}
		node = f
	}
	if p.isAggregateQuery(q) {
		if q.Window != nil {
			// ksqlDB cannot read window bounds of an aggregation over a join.
			for _, it := range q.Select {
				var bad *parser.ColumnRef
				walkAST(it.Expr, func(x parser.Expr) {
					if c, ok := x.(*parser.ColumnRef); ok && bad == nil && (c.Name == "WINDOWSTART" || c.Name == "WINDOWEND") {
						bad = c
					}
				})
				if bad != nil {
					return nil, rqlerr.At(rqlerr.BindUnknownColumn, bad.Pos, "SELECT column '%s' cannot be resolved.", bad.Name)
				}
			}
		}
		shape, err := p.planAggBody(q, node, sc, &res, sinkName, persistent, tsCol)
		if err != nil {
			return nil, err
		}
		shape.sources = sources
		return shape, nil
	}
	if q.PartitionBy != nil {
		return p.planJoinPartition(q, t, node, &res, sources, sinkName, persistent, tsCol)
	}

	width := len(node.Schema().Columns)
	b := &binder{reg: p.reg, scope: sc, clause: "SELECT", allowTable: !t.table, tableBase: width}
	proj, err := p.bindSelect(b, q.Select, sc, &res, false)
	if err != nil {
		if t.table && strings.Contains(err.Error(), "Table functions can only") {
			return nil, rqlerr.At(rqlerr.BindInvalid, q.Pos, "Table source is not supported with table functions")
		}
		return nil, err
	}
	node = withTableCalls(node, b.tableCalls)
	if err := nameItems(proj, newAliasGen(sc, q.Select)); err != nil {
		return nil, err
	}
	shape := &queryShape{source: &res, sources: sources}
	if !persistent {
		shape.root = transientProject(node, proj, mode)
		return shape, nil
	}
	if err := checkSinkItems(proj, tsCol); err != nil {
		return nil, err
	}
	keys, err := markJoinKeys(proj, t, sinkName)
	if err != nil {
		return nil, atPos(err, q.Pos)
	}
	out := &sqltypes.Schema{}
	var exprs []Expr
	for _, it := range keys {
		out.Columns = append(out.Columns, sqltypes.Column{Name: it.name, Type: it.expr.Type(), NS: sqltypes.NSKey})
		exprs = append(exprs, it.expr)
	}
	exprs, err = addValueColumns(out, exprs, proj, q.Pos)
	if err != nil {
		return nil, err
	}
	if err := checkDuplicateColumns(out, q.Pos); err != nil {
		return nil, err
	}
	shape.root = &Project{Input: node, Exprs: exprs, Out: out, Mode: mode}
	return shape, nil
}

// finishJoinScope names the join's columns as ksqlDB does: a reference to
// a column whose name only one source has keeps the name, others become
// ALIAS_NAME; and attaches the join's star expansion.
func finishJoinScope(t *joinTree) {
	sc := t.scope
	count := map[string]int{}
	for _, c := range sc.cols {
		if len(c.Qualifiers) > 0 {
			count[c.Name]++
		}
	}
	for i := range sc.cols {
		c := &sc.cols[i]
		if len(c.Qualifiers) == 0 {
			continue
		}
		if count[c.Name] > 1 {
			c.OutName = c.Qualifiers[len(c.Qualifiers)-1] + "_" + c.Name
		} else {
			c.OutName = c.Name
		}
	}
	js := &joinScope{leaves: t.leaves, cols: t.cols}
	out := t.node.Schema()
	for _, k := range t.keyCols {
		js.keys = append(js.keys, k)
		js.keyNames = append(js.keyNames, out.Columns[k].Name)
		js.keyTypes = append(js.keyTypes, out.Columns[k].Type)
	}
	sc.join = js
}

// markJoinKeys finds the projection items that carry the join's key and
// checks ksqlDB's rules; it returns them in key order with their
// expressions reading the key column.
func markJoinKeys(proj []*projItem, t *joinTree, sink string) ([]*projItem, error) {
	out := t.node.Schema()
	refs := func(idx int) []*projItem {
		var items []*projItem
		for _, it := range proj {
			if c, ok := it.expr.(*ColRef); ok && c.Index == idx {
				items = append(items, it)
			}
		}
		return items
	}
	dup := func(name string, items []*projItem) error {
		names := make([]string, len(items))
		for i, it := range items {
			names[i] = it.name
		}
		sort.Strings(names)
		return rqlerr.New(rqlerr.BindInvalid, "The projection contains a key column (`%s`) more than once, aliased as: %s.", name, strings.Join(names, " and "))
	}
	setKey := func(it *projItem, k int) {
		it.key = true
		it.expr = &ColRef{P: it.pos, Index: k, Name: it.name, T: out.Columns[k].Type}
	}
	if t.leafKey {
		return markLeafKeys(proj, t, sink, refs, dup, setKey)
	}
	if t.fk {
		var keys []*projItem
		var missing []string
		for k, kc := range t.keyCols {
			items := append(refs(kc), refs(t.members[k])...)
			if len(items) > 1 {
				return nil, dup(out.Columns[kc].Name, items)
			}
			if len(items) == 0 {
				missing = append(missing, "`"+leafColName(t, t.members[k])+"`")
				continue
			}
			setKey(items[0], kc)
			keys = append(keys, items[0])
		}
		if len(missing) > 0 {
			what, col := "Primary key column missing", "column"
			if len(missing) > 1 {
				what, col = "Primary key columns missing", "columns"
			}
			return nil, rqlerr.New(rqlerr.BindInvalid, "%s in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (`%s`). Missing %s: %s.", what, t.leaves[0].src.Name, col, strings.Join(missing, ", "))
		}
		return keys, nil
	}
	cands := append([]int{t.keyCols[0]}, t.members...)
	for _, c := range cands {
		items := refs(c)
		if len(items) == 0 {
			continue
		}
		if len(items) > 1 {
			name := out.Columns[c].Name
			return nil, dup(name, items)
		}
		setKey(items[0], t.keyCols[0])
		return items[:1], nil
	}
	if t.synthetic {
		return nil, rqlerr.New(rqlerr.BindInvalid, "Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\nThe query used to build `%s` must include the join expression ROWKEY in its projection (eg, SELECT ROWKEY...).\nROWKEY was added as a synthetic key column because the join criteria did not match any source column. This expression must be included in the projection and may be aliased.", sink)
	}
	what := "join expression"
	if len(t.desc) > 1 {
		what += "s"
	}
	return nil, rqlerr.New(rqlerr.BindInvalid, "The query used to build `%s` must include the %s %s in its projection (eg, SELECT %s...).", sink, what, joinOr(t.desc), t.desc[0])
}

// markLeafKeys checks the key of a result keyed like a single stream (a
// global-table join keeps its left stream's key): each key column must be
// selected exactly once, as in a query over the stream alone.
func markLeafKeys(proj []*projItem, t *joinTree, sink string, refs func(int) []*projItem,
	dup func(string, []*projItem) error, setKey func(*projItem, int)) ([]*projItem, error) {
	out := t.node.Schema()
	var keys []*projItem
	missing := false
	for k, kc := range t.keyCols {
		items := append(refs(kc), refs(t.members[k])...)
		if len(items) > 1 {
			return nil, dup(out.Columns[kc].Name, items)
		}
		if len(items) == 0 {
			missing = true
			continue
		}
		setKey(items[0], kc)
		keys = append(keys, items[0])
	}
	if missing {
		what := "key column"
		if len(t.desc) > 1 {
			what += "s"
		}
		return nil, rqlerr.New(rqlerr.BindInvalid, "The query used to build `%s` must include the %s %s in its projection (eg, SELECT %s...).",
			sink, what, strings.Join(t.desc, " and "), strings.Join(t.desc, ", "))
	}
	return keys, nil
}

// leafColName is a join column's name in its source.
func leafColName(t *joinTree, idx int) string {
	for _, c := range t.scope.cols {
		if c.Index == idx {
			return c.Name
		}
	}
	return ""
}

// planJoinPartition plans PARTITION BY over a join's (stream) result: a
// Rekey appends the new key columns; the projection must select each
// partitioning expression once, which becomes the key.
func (p *stmtPlanner) planJoinPartition(q *parser.Query, t *joinTree, node Node, res *Source, sources []string, sinkName string, persistent bool, tsCol string) (*queryShape, error) {
	if t.table {
		return nil, rqlerr.At(rqlerr.BindUnsupported, q.PartitionBy[0].Position(), "PARTITION BY on a table is not supported yet")
	}
	sc := t.scope
	gen := newAliasGen(sc, q.Select)
	width := len(node.Schema().Columns)
	rk, err := p.planRekey(q, node, sc, gen)
	if err != nil {
		return nil, err
	}
	node = rk.node
	subst := map[string]Expr{}
	var keyIdx []int
	var keyDesc, keyNames []string
	for i, k := range rk.node.Keys {
		idx := width + i
		keyIdx = append(keyIdx, idx)
		keyDesc = append(keyDesc, rk.desc[i])
		keyNames = append(keyNames, FormatExpr(q.PartitionBy[i], ""))
		subst[k.String()] = &ColRef{P: k.Pos(), Index: idx, Name: rk.node.Out.Columns[idx].Name, T: k.Type()}
	}
	b := &binder{reg: p.reg, scope: sc, clause: "SELECT", subst: subst}
	proj, err := p.bindSelect(b, q.Select, sc, res, true)
	if err != nil {
		return nil, err
	}
	if err := nameItems(proj, gen); err != nil {
		return nil, err
	}
	shape := &queryShape{source: res, sources: sources}
	if !persistent {
		shape.root = transientProject(node, proj, Append)
		return shape, nil
	}
	if err := checkTimestampItem(proj, tsCol); err != nil {
		return nil, err
	}
	if err := markKeys(proj, keyIdx, keyDesc, keyNames, sinkName, true, false); err != nil {
		return nil, atPos(err, q.Pos)
	}
	out := &sqltypes.Schema{}
	var exprs []Expr
	for _, ki := range keyIdx {
		for _, it := range proj {
			if c, ok := it.expr.(*ColRef); ok && it.key && c.Index == ki {
				out.Columns = append(out.Columns, sqltypes.Column{Name: it.name, Type: it.expr.Type(), NS: sqltypes.NSKey})
				exprs = append(exprs, it.expr)
			}
		}
	}
	exprs, err = addValueColumns(out, exprs, proj, q.Pos)
	if err != nil {
		return nil, err
	}
	shape.root = &Project{Input: node, Exprs: exprs, Out: out, Mode: Append}
	return shape, nil
}
