package planner

import (
	"strconv"
	"strings"

	"github.com/rql/rql/format"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// joinTree is a planned FROM item: one source, or a join of a joinTree
// (left) and a source (right) — joins nest to the left.
type joinTree struct {
	node  Node
	scope *scope // over node's schema
	table bool
	// windowed is the window of a windowed source (leaves only).
	window *parser.Window
	leaves []*joinLeaf
	cols   []joinCol
	// keyCols are node's key columns.
	keyCols []int
	// members are the columns of node whose value is the key's (its
	// equivalence class, in source order); desc prints each (S1.ID).
	members []int
	desc    []string
	// synthetic marks a join key that is no source column (ROWKEY).
	synthetic bool
	keyName   string
	fk        bool
	isJoin    bool
	// leafKey marks a result keyed like a single stream (a global-table
	// join keeps its left input's key): the projection must select each
	// key column, as a plain query's.
	leafKey bool
	// partitions is the node's partition count (0: unknown).
	partitions int
	// keyExprs are the expressions whose value is the key (the join
	// expressions of every join so far), each read with its column
	// indexes shifted by shift into node's schema.
	keyExprs []shiftedExpr
}

type shiftedExpr struct {
	e     Expr
	shift int
}

// isKeyed reports whether e (bound over t's schema) is t's single key.
func (t *joinTree) isKeyed(e Expr) bool {
	if len(t.keyCols) != 1 {
		return false
	}
	if c, ok := e.(*ColRef); ok {
		if c.Index == t.keyCols[0] {
			return true
		}
		for _, m := range t.members {
			if m == c.Index {
				return true
			}
		}
	}
	ce := canonExpr(e, 0)
	for _, k := range t.keyExprs {
		if canonExpr(k.e, k.shift) == ce {
			return true
		}
	}
	return false
}

// keyRef reads t's single key column.
func (t *joinTree) keyRef(e Expr) Expr {
	k := t.keyCols[0]
	return &ColRef{P: e.Pos(), Index: k, Name: t.node.Schema().Columns[k].Name, T: t.node.Schema().Columns[k].Type}
}

// canonExpr prints e with every column as its index (+shift), so that
// expressions bound over different scopes of one row compare equal.
func canonExpr(e Expr, shift int) string {
	var refs []*ColRef
	var names []string
	Walk(e, func(x Expr) bool {
		if c, ok := x.(*ColRef); ok {
			refs = append(refs, c)
			names = append(names, c.Name)
			c.Name = "$" + strconv.Itoa(c.Index+shift)
		}
		return true
	})
	s := e.String()
	for i, c := range refs {
		c.Name = names[i]
	}
	return s
}

// metaCount is the number of pseudo columns a join appends for a leaf.
func metaCount(t *joinTree) int {
	if t.isJoin {
		return 0
	}
	if t.window != nil {
		return 5
	}
	return 3
}

func (p *stmtPlanner) planJoinTree(rel parser.Relation) (*joinTree, error) {
	switch x := rel.(type) {
	case *parser.Table:
		return p.joinLeafTree(x)
	case *parser.Join:
		return p.planJoin(x)
	}
	return nil, rqlerr.At(rqlerr.BindUnsupported, rel.Position(), "unsupported FROM item %T", rel)
}

func (p *stmtPlanner) joinLeafTree(tbl *parser.Table) (*joinTree, error) {
	src, ok := p.cat.SourceByName(tbl.Name)
	if !ok {
		return nil, rqlerr.At(rqlerr.BindUnknownSource, tbl.Pos, "Source `%s` does not exist.", tbl.Name)
	}
	quals := []string{src.Name}
	prefix := src.Name
	if tbl.Alias != "" {
		quals = append(quals, tbl.Alias)
		prefix = tbl.Alias
	}
	mode := Append
	if src.Kind == parser.KindTable {
		mode = Upsert
	}
	sc := scopeOf(src.Schema, quals...)
	sc.windowed = src.Window != nil
	t := &joinTree{node: &Scan{Source: src, Alias: tbl.Alias, P: Props{Mode: mode, Key: keyIndexes(src.Schema)}},
		scope: sc, table: src.Kind == parser.KindTable, window: src.Window,
		leaves: []*joinLeaf{{src: src, prefix: prefix, quals: quals}}, keyCols: keyIndexes(src.Schema),
		partitions: src.Partitions}
	for i, c := range src.Schema.Columns {
		t.cols = append(t.cols, joinCol{index: i, name: prefix + "_" + c.Name})
	}
	if len(t.keyCols) == 1 {
		k := t.keyCols[0]
		c := src.Schema.Columns[k]
		t.keyExprs = []shiftedExpr{{e: &ColRef{Index: k, Name: c.Name, T: c.Type}}}
		t.members = []int{k}
		t.desc = []string{prefix + "." + src.Schema.Columns[k].Name}
		t.keyName = prefix + "_" + src.Schema.Columns[k].Name
	}
	return t, nil
}

// joinOperand is one side of the ON equality.
type joinOperand struct {
	ast  parser.Expr
	side int  // 0 left, 1 right
	comb Expr // bound over the combined scope
	expr Expr // bound over the side's scope
	text string
}

// planJoin plans one JOIN: both inputs, the criteria, the join kind and,
// when a stream side is not keyed by its join expression, a repartition.
func (p *stmtPlanner) planJoin(j *parser.Join) (*joinTree, error) {
	l, err := p.planJoinTree(j.Left)
	if err != nil {
		return nil, err
	}
	rt, ok := j.Right.(*parser.Table)
	if !ok {
		return nil, rqlerr.At(rqlerr.BindUnsupported, j.Right.Position(), "a join's right side must be a stream or table")
	}
	r, err := p.joinLeafTree(rt)
	if err != nil {
		return nil, err
	}
	rs := r.leaves[0].src
	for _, ll := range l.leaves {
		if ll.src.Name != rs.Name {
			continue
		}
		if len(l.leaves) == 1 {
			return nil, rqlerr.At(rqlerr.BindInvalid, j.Pos, "Can not join '%s' to '%s': self joins are not yet supported.", ll.src.Name, rs.Name)
		}
		return nil, rqlerr.At(rqlerr.BindInvalid, j.Pos, "N-way joins do not support multiple occurrences of the same source. Source: '%s'", rs.Name)
	}

	// The combined scope: left columns, left meta, right columns, right
	// meta, at their places in the join's row (before the key columns).
	lw, rw := len(l.node.Schema().Columns), len(r.node.Schema().Columns)
	lm, rm := metaCount(l), metaCount(r)
	rightOff := lw + lm
	comb := &scope{}
	addSide := func(t *joinTree, off, width, meta int) {
		for _, c := range t.scope.cols {
			if len(c.Qualifiers) == 0 {
				continue // a nested join's synthetic ROWKEY
			}
			c.Index += off
			comb.cols = append(comb.cols, c)
		}
		comb.qualifiers = append(comb.qualifiers, t.scope.qualifiers...)
		if meta > 0 {
			lf := t.leaves[0]
			for k := 0; k < meta; k++ {
				ps := MetaColumns[k]
				comb.cols = append(comb.cols, scopeCol{Qualifiers: lf.quals, Name: ps.String(), Index: off + width + k,
					Type: pseudoType(ps), NS: sqltypes.NSValue, QualOnly: true})
			}
		}
	}
	addSide(l, 0, lw, lm)
	addSide(r, rightOff, rw, rm)
	leaves := append(append([]*joinLeaf(nil), l.leaves...), r.leaves...)
	comb.join = &joinScope{leaves: leaves}
	comb.windowed = l.scope.windowed || r.scope.windowed

	ops, err := p.joinOperands(j, comb, l, r, rightOff, leaves)
	if err != nil {
		return nil, err
	}
	lo, ro := ops[0], ops[1]
	got := func() string { return ops[2].text + " = " + ops[3].text } // in written order

	// Join kinds and their rules.
	lname, rname := leafNameOf(l, lo), r.leaves[0].prefix
	joinText := func() string { return lname + " " + joinTypeText(j.Type) + " " + rname }
	var kind JoinKind
	switch {
	case l.table && !r.table:
		return nil, rqlerr.At(rqlerr.BindInvalid, j.Pos, "Invalid join order: table-stream joins are not supported; only stream-table joins. Got %s.", joinText())
	case !l.table && !r.table:
		kind = JoinStreamStream
	case !l.table:
		kind = JoinStreamTable
		if r.leaves[0].src.Global {
			kind = JoinGlobalTable
		}
	default:
		kind = JoinTableTable
	}
	if err := checkKafkaValueFormat(leaves); err != nil {
		return nil, err
	}
	switch kind {
	case JoinStreamStream:
		if j.Within == nil {
			return nil, rqlerr.At(rqlerr.BindInvalid, j.Pos, "Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select")
		}
	case JoinStreamTable, JoinGlobalTable:
		if j.Within != nil {
			return nil, rqlerr.At(rqlerr.BindInvalid, j.Within.Pos, "A window definition was provided for a Stream-Table join. These joins are not windowed. Please drop the window definition (ie. the WITHIN clause) and try to submit your query again.")
		}
		if j.Type == parser.JoinFull || j.Type == parser.JoinRight {
			what := "full-outer"
			if j.Type == parser.JoinRight {
				what = "right-outer"
			}
			return nil, rqlerr.At(rqlerr.BindInvalid, j.Pos, "Invalid join type: %s join not supported for stream-table join. Got %s.", what, joinText())
		}
		if len(r.keyCols) != 1 || !r.isKeyed(ro.expr) {
			return nil, rqlerr.At(rqlerr.BindInvalid, j.Pos, "Invalid join condition: stream-table joins require to join on the table's primary key. Got %s.", got())
		}
	case JoinTableTable:
		if j.Within != nil {
			return nil, rqlerr.At(rqlerr.BindInvalid, j.Within.Pos, "A window definition was provided for a Table-Table join. These joins are not windowed. Please drop the window definition (ie. the WITHIN clause) and try to submit your query again.")
		}
		if len(r.keyCols) != 1 || !r.isKeyed(ro.expr) {
			return nil, rqlerr.At(rqlerr.BindInvalid, j.Pos, "Invalid join condition: table-table joins require to join on the primary key of the right input table. Got %s.", got())
		}
		if !l.isKeyed(lo.expr) {
			if l.isJoin {
				return nil, rqlerr.At(rqlerr.BindInvalid, j.Pos, "Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got %s.", got())
			}
			if j.Type == parser.JoinRight || j.Type == parser.JoinFull {
				return nil, rqlerr.At(rqlerr.BindInvalid, j.Pos, "Invalid join type: %s not supported for foreign-key table-table join. Got %s.", joinTypeText(j.Type), joinText())
			}
			kind = JoinForeignKey
		}
	}
	lt, rtp := lo.expr.Type(), ro.expr.Type()
	if !lt.Equal(rtp) {
		return nil, rqlerr.At(rqlerr.BindType, j.Pos, "Invalid join condition: types don't match. Got %s{%s} = %s{%s}.", ops[2].text, ops[2].expr.Type(), ops[3].text, ops[3].expr.Type())
	}
	if kind != JoinForeignKey && format.ContainsMap(lt) {
		name := l.keyName
		if c, ok := lo.comb.(*ColRef); ok {
			name = colName(comb, c.Index)
		}
		return nil, rqlerr.At(rqlerr.BindInvalid, j.Pos, "Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `%s`. Column type: %s. See https://github.com/confluentinc/ksql/issues/6621 for more.", name, lt)
	}
	if kind == JoinStreamStream {
		if err := checkWindowed(l, r); err != nil {
			return nil, err
		}
	}

	// Repartition stream sides not keyed by their join expression; keyed
	// sides read their key column (tombstones carry only the key).
	n := strconv.Itoa(len(l.leaves))
	left, right := l.node, r.node
	lkeyed, rkeyed := l.isKeyed(lo.expr), r.isKeyed(ro.expr)
	if kind != JoinForeignKey && kind != JoinGlobalTable && !lkeyed {
		if l.window != nil || r.window != nil {
			return nil, rqlerr.At(rqlerr.BindInvalid, j.Pos, "Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.")
		}
		left = &Repartition{Input: left, Keys: []Expr{lo.expr}, Topic: queryPlaceholder + "-Join" + n + "-left-repartition"}
	}
	if !rkeyed {
		if l.window != nil || r.window != nil {
			return nil, rqlerr.At(rqlerr.BindInvalid, j.Pos, "Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.")
		}
		right = &Repartition{Input: right, Keys: []Expr{ro.expr}, Topic: queryPlaceholder + "-Join" + n + "-right-repartition"}
	}

	parts, err := coPartitions(kind, l, r, left != l.node, right != r.node, leafSourceName(l, lname), r.leaves[0].src.Name, j.Pos)
	if err != nil {
		return nil, err
	}

	// The result's key and layout.
	t := &joinTree{table: l.table && r.table, leaves: leaves, isJoin: true, fk: kind == JoinForeignKey,
		partitions: parts}
	out := &sqltypes.Schema{}
	var nkey int
	if kind == JoinGlobalTable {
		nkey = globalKey(t, l, comb, out)
	} else if kind == JoinForeignKey {
		nkey = len(l.keyCols)
		for _, k := range l.keyCols {
			c := l.node.Schema().Columns[k]
			out.Columns = append(out.Columns, sqltypes.Column{Name: colName(comb, k), Type: c.Type, NS: sqltypes.NSKey})
			t.members = append(t.members, nkey+k)
		}
		t.desc = descOfCols(comb, l.keyCols)
	} else {
		nkey = 1
		members, desc := sideMembers(l, lo, comb, leaves, 0)
		rmem, rdesc := sideMembers(r, ro, comb, leaves, rightOff)
		members, desc = append(members, rmem...), append(desc, rdesc...)
		if j.Type == parser.JoinFull || len(members) == 0 {
			t.synthetic = true
			t.keyName = "ROWKEY"
		} else {
			t.keyName = colName(comb, members[0])
			for _, m := range members {
				t.members = append(t.members, m+nkey)
			}
			t.desc = desc
		}
		out.Columns = append(out.Columns, sqltypes.Column{Name: t.keyName, Type: lt, NS: sqltypes.NSKey})
	}
	for k := 0; k < nkey; k++ {
		t.keyCols = append(t.keyCols, k)
	}
	appendCols := func(side *joinTree, meta int) {
		for _, c := range side.node.Schema().Columns {
			if c.NS == sqltypes.NSKey && side.isJoin {
				c.Name = "\x00" + c.Name
			}
			c.NS = sqltypes.NSValue
			out.Columns = append(out.Columns, c)
		}
		for k := 0; k < meta; k++ {
			ps := MetaColumns[k]
			out.Columns = append(out.Columns, sqltypes.Column{Name: side.leaves[0].prefix + "_" + ps.String(), Type: pseudoType(ps)})
		}
	}
	appendCols(l, lm)
	appendCols(r, rm)
	if !l.isJoin {
		renameLeafCols(out, nkey, l.leaves[0].prefix, lw)
	}
	renameLeafCols(out, nkey+rightOff, r.leaves[0].prefix, rw)

	// The result's scope and columns, shifted past the key columns.
	sc := &scope{qualifiers: comb.qualifiers, windowed: comb.windowed}
	for _, c := range comb.cols {
		c.Index += nkey
		sc.cols = append(sc.cols, c)
	}
	if t.synthetic {
		sc.cols = append(sc.cols, scopeCol{Name: "ROWKEY", Index: 0, Type: lt, NS: sqltypes.NSKey})
	}
	t.scope = sc
	for _, c := range l.cols {
		c.index += nkey
		t.cols = append(t.cols, c)
	}
	if lm > 0 {
		for k := 0; k < lm; k++ {
			t.cols = append(t.cols, joinCol{index: nkey + lw + k, leaf: 0, name: l.leaves[0].prefix + "_" + MetaColumns[k].String(), meta: true})
		}
	}
	for _, c := range r.cols {
		c.index += nkey + rightOff
		c.leaf = len(l.leaves)
		t.cols = append(t.cols, c)
	}
	for k := 0; k < rm; k++ {
		t.cols = append(t.cols, joinCol{index: nkey + rightOff + rw + k, leaf: len(l.leaves), name: r.leaves[0].prefix + "_" + MetaColumns[k].String(), meta: true})
	}
	for k := 0; k < nkey; k++ {
		out.Columns[k].Name = trimHidden(out.Columns[k].Name)
	}
	lkey, rkey := lo.expr, ro.expr
	if lkeyed && kind != JoinForeignKey {
		lkey = l.keyRef(lkey)
	}
	if rkeyed {
		rkey = r.keyRef(rkey)
	}
	jn := &Join{Kind: kind, Type: j.Type, Criteria: got(), Left: left, Right: right, LeftKey: lkey, RightKey: rkey,
		LeftMeta: lm, RightMeta: rm, Out: out}
	jn.Partitions = parts
	if kind == JoinGlobalTable {
		for _, k := range l.keyExprs {
			t.keyExprs = append(t.keyExprs, shiftedExpr{e: k.e, shift: k.shift + nkey})
		}
	} else if j.Type == parser.JoinFull {
		// A full outer join's key is no source column: either side's
		// expression may be NULL where the key is not.
	} else if kind != JoinForeignKey {
		if lkeyed {
			for _, k := range l.keyExprs {
				t.keyExprs = append(t.keyExprs, shiftedExpr{e: k.e, shift: k.shift + nkey})
			}
		} else {
			t.keyExprs = append(t.keyExprs, shiftedExpr{e: lo.comb, shift: nkey})
		}
		if rkeyed {
			for _, k := range r.keyExprs {
				t.keyExprs = append(t.keyExprs, shiftedExpr{e: k.e, shift: k.shift + nkey + rightOff})
			}
		} else {
			t.keyExprs = append(t.keyExprs, shiftedExpr{e: ro.comb, shift: nkey})
		}
	} else {
		for _, k := range l.keyCols {
			c := l.node.Schema().Columns[k]
			t.keyExprs = append(t.keyExprs, shiftedExpr{e: &ColRef{Index: k, Name: c.Name, T: c.Type}, shift: nkey})
		}
	}
	if kind == JoinForeignKey || (kind == JoinGlobalTable && !l.isJoin) {
		// The key columns of a foreign-key join are the left table's key;
		// a global-table join keeps its left stream's.
		for k, kc := range l.keyCols {
			out.Columns[k].Name = colName(comb, kc)
		}
	}
	if j.Within != nil {
		jn.Window = &JoinWindow{Before: j.Within.Before, After: j.Within.After, Grace: j.Within.Grace, HasGrace: j.Within.Grace >= 0}
		if !jn.Window.HasGrace {
			jn.Window.Grace = 0
		}
	}
	base := queryPlaceholder + "-Join" + n
	switch kind {
	case JoinStreamStream:
		jn.LeftStore, jn.RightStore = base+"-left-window", base+"-right-window"
		if jn.Window.HasGrace && j.Type != parser.JoinInner {
			jn.OuterStore = base + "-outer"
		}
	case JoinStreamTable:
		jn.RightStore = base + "-right-table"
	case JoinGlobalTable:
		jn.RightStore = base + "-global-table"
	case JoinTableTable:
		jn.LeftStore, jn.RightStore = base+"-left-table", base+"-right-table"
	case JoinForeignKey:
		jn.LeftStore, jn.RightStore = base+"-left-table", base+"-right-table"
		jn.SubscriptionStore = base + "-subscription-store"
		jn.SubscriptionTopic = base + "-subscription"
		jn.ResponseTopic = base + "-response"
	}
	t.node = jn
	return t, nil
}

// renameLeafCols gives a leaf's columns their ALIAS_COL names.
func renameLeafCols(out *sqltypes.Schema, off int, prefix string, width int) {
	for i := off; i < off+width; i++ {
		out.Columns[i].Name = prefix + "_" + out.Columns[i].Name
	}
}

// sideMembers returns the columns (in the join's row, before the key
// columns) equal to the join key on one side: the side's key class when
// the side is keyed by its operand, else the operand's column if it is
// one.
func sideMembers(t *joinTree, op *joinOperand, comb *scope, leaves []*joinLeaf, off int) ([]int, []string) {
	if t.isKeyed(op.expr) && t.isJoin {
		var ms []int
		for _, m := range t.members {
			ms = append(ms, m+off)
		}
		return ms, t.desc
	}
	if c, ok := op.comb.(*ColRef); ok {
		return []int{c.Index}, []string{colDesc(comb, c.Index)}
	}
	return nil, nil
}

// colName is the ALIAS_COL name of a combined-scope column.
func colName(comb *scope, idx int) string {
	for _, c := range comb.cols {
		if c.Index == idx && len(c.Qualifiers) > 0 {
			return c.Qualifiers[len(c.Qualifiers)-1] + "_" + c.Name
		}
	}
	return ""
}

// colDesc prints a combined-scope column as ALIAS.COL.
func colDesc(comb *scope, idx int) string {
	for _, c := range comb.cols {
		if c.Index == idx && len(c.Qualifiers) > 0 {
			return c.Qualifiers[len(c.Qualifiers)-1] + "." + c.Name
		}
	}
	return ""
}

func descOfCols(comb *scope, idx []int) []string {
	var out []string
	for _, i := range idx {
		out = append(out, colDesc(comb, i))
	}
	return out
}

// leafNameOf names, in messages, the left source an operand reads.
func leafNameOf(l *joinTree, op *joinOperand) string {
	if len(l.leaves) == 1 || op == nil {
		return l.leaves[0].prefix
	}
	for _, i := range ColumnsUsed(op.comb) {
		for _, c := range l.cols {
			if c.index == i {
				return l.leaves[c.leaf].prefix
			}
		}
	}
	return l.leaves[0].prefix
}

// joinOperands binds the ON criteria: a single equality whose sides each
// read exactly one of the two inputs. It returns the left-input operand,
// the right-input operand, then both in written order.
func (p *stmtPlanner) joinOperands(j *parser.Join, comb *scope, l, r *joinTree, rightOff int, leaves []*joinLeaf) ([]*joinOperand, error) {
	bin, ok := j.On.(*parser.Binary)
	if !ok || bin.Op != parser.OpEq {
		if ok && (bin.Op == parser.OpAnd || bin.Op == parser.OpOr) {
			return nil, rqlerr.At(rqlerr.BindInvalid, j.On.Position(), "Invalid join condition: joins on multiple conditions are not yet supported. Got %s.", FormatExpr(j.On, ""))
		}
		return nil, rqlerr.At(rqlerr.BindInvalid, j.On.Position(), "Unsupported join expression: %s", FormatExpr(j.On, ""))
	}
	var badQual *parser.ColumnRef
	walkAST(j.On, func(x parser.Expr) {
		if c, ok := x.(*parser.ColumnRef); ok && c.Qualifier != "" && !comb.hasQualifier(c.Qualifier) && badQual == nil {
			badQual = c
		}
	})
	if badQual != nil {
		return nil, rqlerr.At(rqlerr.BindUnknownSource, badQual.Pos, "Failed to prepare statement: '%s' is not a valid stream/table name or alias.", badQual.Qualifier)
	}
	b := &binder{reg: p.reg, scope: comb, clause: "JOIN ON"}
	var ops [2]*joinOperand
	for i, ae := range []parser.Expr{bin.L, bin.R} {
		e, err := b.bind(ae)
		if err != nil {
			if re, ok := err.(*rqlerr.Error); ok && re.Code == rqlerr.BindAmbiguous && re.Pos.IsValid() {
				return nil, rqlerr.New(rqlerr.BindAmbiguous, "Exception while preparing statement: Line: %d, Col: %d: %s", re.Pos.Line, re.Pos.Col, re.Msg)
			}
			return nil, err
		}
		side := -1
		for _, idx := range ColumnsUsed(e) {
			s := 0
			if idx >= rightOff {
				s = 1
			}
			if side >= 0 && side != s {
				side = -2
				break
			}
			side = s
		}
		if side < 0 {
			return nil, rqlerr.At(rqlerr.BindInvalid, ae.Position(), "Invalid comparison expression '%s' in join '%s'. Each side of the join comparision must contain references from exactly one source.", FormatExpr(ae, ""), qualifiedAST(j.On, comb))
		}
		ops[i] = &joinOperand{ast: ae, side: side, comb: e, text: qualifiedAST(ae, comb)}
	}
	if ops[0].side == ops[1].side {
		return nil, rqlerr.At(rqlerr.BindInvalid, j.On.Position(), "Invalid join condition: each side of the join comparison must read a different source. Got %s.", qualifiedAST(j.On, comb))
	}
	lo, ro := ops[0], ops[1]
	if lo.side == 1 {
		lo, ro = ro, lo
	}
	lb := &binder{reg: p.reg, scope: l.scope, clause: "JOIN ON"}
	var err error
	if lo.expr, err = lb.bind(lo.ast); err != nil {
		return nil, err
	}
	rb := &binder{reg: p.reg, scope: r.scope, clause: "JOIN ON"}
	if ro.expr, err = rb.bind(ro.ast); err != nil {
		return nil, err
	}
	return []*joinOperand{lo, ro, ops[0], ops[1]}, nil
}

// qualifiedAST prints an AST expression with every column qualified by
// the alias (or name) of the source it resolves to, as ksqlDB's messages.
func qualifiedAST(e parser.Expr, comb *scope) string {
	var refs []*parser.ColumnRef
	var saved []string
	walkAST(e, func(x parser.Expr) {
		c, ok := x.(*parser.ColumnRef)
		if !ok {
			return
		}
		refs = append(refs, c)
		saved = append(saved, c.Qualifier)
		if c.Qualifier == "" {
			if sc, err := comb.lookup("", c.Name, rqlerr.Pos{}); err == nil && sc != nil && len(sc.Qualifiers) > 0 {
				c.Qualifier = sc.Qualifiers[len(sc.Qualifiers)-1]
			}
		}
	})
	s := FormatExpr(e, "")
	for i, c := range refs {
		c.Qualifier = saved[i]
	}
	return s
}

// checkKafkaValueFormat rejects joins of sources whose value format is
// KAFKA, as ksqlDB does.
func checkKafkaValueFormat(leaves []*joinLeaf) error {
	var names []string
	for _, lf := range leaves {
		if strings.EqualFold(lf.src.ValueFormat, format.Kafka) {
			names = append(names, lf.src.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return rqlerr.New(rqlerr.BindInvalid, "Source(s) %s are using the 'KAFKA' value format. This format does not yet support JOIN.", strings.Join(names, ", "))
}

// checkWindowed rejects stream-stream joins of windowed and non-windowed
// (or differently windowed) sources.
func checkWindowed(l, r *joinTree) error {
	lw, rw := l.window, r.window
	if (lw == nil) == (rw == nil) {
		if lw == nil || lw.Kind == rw.Kind {
			return nil
		}
	}
	desc := func(t *joinTree) string {
		if t.window == nil {
			return "`" + t.leaves[0].src.Name + "` is not windowed"
		}
		k := map[parser.WindowKind]string{parser.WindowTumbling: "TUMBLING", parser.WindowHopping: "HOPPING", parser.WindowSession: "SESSION"}[t.window.Kind]
		return "`" + t.leaves[0].src.Name + "` is " + k + " windowed"
	}
	if lw != nil && rw != nil {
		return rqlerr.New(rqlerr.BindInvalid, "Incompatible windowed sources.\n%s\n%s", desc(l), desc(r))
	}
	return rqlerr.New(rqlerr.BindInvalid, "Can not join windowed source to non-windowed source.\n%s\n%s", desc(l), desc(r))
}
