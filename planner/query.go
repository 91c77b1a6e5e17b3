package planner

import (
	"strconv"
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// queryShape is the planned body of a query before its sink: the top node
// (a Project) and what the checks on sinks need.
type queryShape struct {
	root    *Project
	source  *Source
	sources []string
}

// projItem is one output column being planned.
type projItem struct {
	name    string
	expr    Expr
	key     bool
	aliased bool
	// deref marks names derived from A->B, which must not clash with
	// source columns either.
	deref bool
	pos   rqlerr.Pos
}

// planBody plans FROM ... WHERE ... PARTITION BY ... SELECT. sinkName names
// the sink in messages; persistent says whether ksqlDB's key rules apply.
func (p *stmtPlanner) planBody(q *parser.Query, sinkName string, persistent bool, tsCol string) (*queryShape, error) {
	p.persistent = persistent
	if j, ok := q.From.(*parser.Join); ok {
		return p.planJoinBody(q, j, sinkName, persistent, tsCol)
	}
	tbl, ok := q.From.(*parser.Table)
	if !ok {
		return nil, rqlerr.At(rqlerr.BindUnsupported, q.From.Position(), "unsupported FROM item")
	}
	src, ok := p.cat.SourceByName(tbl.Name)
	if !ok {
		return nil, rqlerr.At(rqlerr.BindUnknownSource, tbl.Pos, "Source `%s` does not exist.", tbl.Name)
	}
	if src.Window != nil && persistent && src.Kind == parser.KindTable {
		return nil, rqlerr.At(rqlerr.BindUnsupported, tbl.Pos, "KSQL does not support persistent queries on windowed tables.")
	}
	quals := []string{src.Name}
	if tbl.Alias != "" {
		quals = append(quals, tbl.Alias)
	}
	mode := Append
	if src.Kind == parser.KindTable {
		mode = Upsert
	}
	var node Node = &Scan{Source: src, Alias: tbl.Alias, P: Props{Mode: mode, Key: keyIndexes(src.Schema)}}
	sc := scopeOf(src.Schema, quals...)
	sc.windowed = src.Window != nil
	if len(q.Enrich) > 0 {
		var err error
		if node, sc, err = p.planEnrich(q.Enrich, node, sc); err != nil {
			return nil, err
		}
	}

	if q.Where != nil {
		pred, err := p.bindWhere(q.Where, sc)
		if err != nil {
			return nil, err
		}
		node = &Filter{Input: node, Pred: pred}
	}
	if p.isAggregateQuery(q) {
		return p.planAggBody(q, node, sc, src, sinkName, persistent, tsCol)
	}

	// Key expressions the projection must carry (persistent queries).
	items := q.Select
	gen := newAliasGen(sc, items)
	var keyIdx []int
	var keyDesc, keyNames []string
	partition := false
	subst := map[string]Expr{}
	if q.PartitionBy != nil {
		if src.Kind == parser.KindTable {
			return nil, rqlerr.At(rqlerr.BindUnsupported, q.PartitionBy[0].Position(), "PARTITION BY on a table is not supported yet")
		}
		rk, err := p.planRekey(q, node, sc, gen)
		if err != nil {
			return nil, err
		}
		node = rk.node
		partition = true
		for i, k := range rk.node.Keys {
			idx := len(sc.cols) + i
			keyIdx = append(keyIdx, idx)
			keyDesc = append(keyDesc, rk.desc[i])
			keyNames = append(keyNames, FormatExpr(q.PartitionBy[i], ""))
			subst[k.String()] = &ColRef{P: k.Pos(), Index: idx, Name: rk.node.Out.Columns[idx].Name, T: k.Type()}
		}
		old := sc
		sc = scopeOf(rk.node.Out, quals...)
		sc.windowed = old.windowed
		sc.enrich = old.enrich
		for i := range old.cols {
			sc.cols[i].wasKey = old.cols[i].NS == sqltypes.NSKey
		}
		// New key columns are referenced through the PARTITION BY
		// expressions; hide them from name lookup unless their names are new.
		for i := len(old.cols); i < len(sc.cols); i++ {
			if _, err := old.lookup("", sc.cols[i].Name, rqlerr.Pos{}); err == nil {
				if c, _ := old.lookup("", sc.cols[i].Name, rqlerr.Pos{}); c != nil {
					sc.cols[i].Name = "\x00" + sc.cols[i].Name
				}
			}
		}
	} else {
		for _, i := range keyIndexes(src.Schema) {
			keyIdx = append(keyIdx, i)
			keyDesc = append(keyDesc, src.Schema.Columns[i].Name)
			keyNames = append(keyNames, src.Schema.Columns[i].Name)
		}
	}

	b := &binder{reg: p.reg, scope: sc, clause: "SELECT", subst: subst, allowTable: true, tableBase: len(sc.cols)}
	if src.Kind == parser.KindTable {
		b.allowTable = false
	}
	proj, err := p.bindSelect(b, items, sc, src, partition)
	if err != nil {
		if src.Kind == parser.KindTable && strings.Contains(err.Error(), "Table functions can only") {
			return nil, rqlerr.At(rqlerr.BindInvalid, q.Pos, "Table source is not supported with table functions")
		}
		return nil, err
	}
	node = withTableCalls(node, b.tableCalls)
	if err := nameItems(proj, gen); err != nil {
		return nil, err
	}
	if !persistent {
		return &queryShape{root: transientProject(node, proj, mode), source: src, sources: []string{src.Name}}, nil
	}
	if err := checkSinkItems(proj, tsCol); err != nil {
		return nil, err
	}
	allowMissing := p.prop("ksql.new.query.planner.enabled") == "true" && !partition
	if err := markKeys(proj, keyIdx, keyDesc, keyNames, sinkName, partition, allowMissing); err != nil {
		return nil, atPos(err, q.Pos)
	}
	out := &sqltypes.Schema{}
	var exprs []Expr
	// Key columns first: in PARTITION BY order, else in projection order.
	if partition {
		for _, ki := range keyIdx {
			for _, it := range proj {
				if it.key && it.expr.(*ColRef).Index == ki {
					out.Columns = append(out.Columns, sqltypes.Column{Name: it.name, Type: it.expr.Type(), NS: sqltypes.NSKey})
					exprs = append(exprs, it.expr)
				}
			}
		}
	} else {
		for _, it := range proj {
			if it.key {
				out.Columns = append(out.Columns, sqltypes.Column{Name: it.name, Type: it.expr.Type(), NS: sqltypes.NSKey})
				exprs = append(exprs, it.expr)
			}
		}
	}
	exprs, err = addValueColumns(out, exprs, proj, q.Pos)
	if err != nil {
		return nil, err
	}
	if err := checkDuplicateColumns(out, q.Pos); err != nil {
		return nil, err
	}
	return &queryShape{root: &Project{Input: node, Exprs: exprs, Out: out, Mode: mode}, source: src, sources: []string{src.Name}}, nil
}

func hasItem(proj []*projItem, name string) bool {
	for _, it := range proj {
		if it.name == name {
			return true
		}
	}
	return false
}

// clauseErr prefixes type errors with the clause, as ksqlDB does.
func clauseErr(clause string, err error) error {
	e, ok := err.(*rqlerr.Error)
	if !ok || e.Code != rqlerr.BindType || strings.HasPrefix(e.Msg, "Invalid ") {
		return err
	}
	c := *e
	c.Msg = "Error in " + clause + " expression: " + e.Msg
	return &c
}

// markKeys finds the projection items that carry the key and checks
// ksqlDB's rules: each key exactly once.
func markKeys(proj []*projItem, keyIdx []int, keyDesc, keyNames []string, sink string, partition, allowMissing bool) error {
	var missing []string
	for n, ki := range keyIdx {
		var names []string
		for _, it := range proj {
			if c, ok := it.expr.(*ColRef); ok && c.Index == ki {
				it.key = true
				names = append(names, it.name)
			}
		}
		if len(names) == 0 {
			missing = append(missing, keyDesc[n])
		}
		if len(names) > 1 {
			return rqlerr.New(rqlerr.BindInvalid, "The projection contains a key column (`%s`) more than once, aliased as: %s.", keyNames[n], strings.Join(names, " and "))
		}
	}
	if len(missing) == 0 || allowMissing {
		return nil
	}
	// ksqlDB lists every key column when any is missing.
	missing = keyDesc
	what := "key column"
	if partition {
		what = "partitioning expression"
	}
	if len(missing) > 1 {
		what += "s"
		if partition {
			what = "partitioning expressions"
		}
	}
	list := strings.Join(missing, " and ")
	if len(missing) > 2 {
		list = strings.Join(missing[:len(missing)-1], ", ") + " and " + missing[len(missing)-1]
	}
	return rqlerr.New(rqlerr.BindInvalid, "The query used to build `%s` must include the %s %s in its projection (eg, SELECT %s...).", sink, what, list, strings.Join(missing, ", "))
}

// aliasGen generates KSQL_COL_n names that clash with no source column.
type aliasGen struct {
	next    int
	taken   map[string]bool
	srcCols map[string]bool
}

func newAliasGen(sc *scope, items []parser.SelectItem) *aliasGen {
	g := &aliasGen{taken: map[string]bool{}, srcCols: map[string]bool{}}
	for _, c := range sc.cols {
		g.taken[c.Name] = true
		g.srcCols[c.Name] = true
	}
	for _, it := range items {
		if it.Alias != "" {
			g.taken[it.Alias] = true
		}
	}
	return g
}

func (g *aliasGen) nextName() string {
	for {
		n := "KSQL_COL_" + strconv.Itoa(g.next)
		g.next++
		if !g.taken[n] {
			g.taken[n] = true
			return n
		}
	}
}

// nameItems gives every unaliased item its ksqlDB name: a column keeps its
// name, A->B is B, anything else KSQL_COL_n; clashes of derived names get
// _1, _2 suffixes.
func nameItems(proj []*projItem, gen *aliasGen) error {
	used := map[string]bool{}
	for _, it := range proj {
		if it.aliased {
			used[it.name] = true
		}
	}
	for _, it := range proj {
		if it.aliased {
			continue
		}
		if it.name == "" {
			it.name = gen.nextName()
			used[it.name] = true
			continue
		}
		base, n := it.name, it.name
		for i := 1; used[n] || (it.deref && gen.srcCols[n]); i++ {
			n = base + "_" + strconv.Itoa(i)
		}
		it.name = n
		used[n] = true
	}
	return nil
}

// derivedName is the name ksqlDB gives an unaliased select expression
// ("" when it generates one).
func derivedName(ast parser.Expr, e Expr) string {
	switch x := ast.(type) {
	case *parser.ColumnRef:
		if c, ok := e.(*ColRef); ok {
			return strings.TrimPrefix(c.Name, "\x00")
		}
		return x.Name
	}
	if c, ok := e.(*ColRef); ok && !strings.HasPrefix(c.Name, "KSQL_SYNTH_") && c.Qualifier != aggMark {
		return c.Name
	}
	switch x := ast.(type) {
	case *parser.Deref:
		if !x.Star {
			return x.Field
		}
	}
	return ""
}
