package planner

import (
	"strings"

	"github.com/rql/rql/format"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// aggMark qualifies the ColRefs the aggregation binder produces: they read
// the Aggregate's output row (group keys, then aggregate results) instead
// of its input.
const aggMark = "\x00agg"

// isAggregateQuery reports whether q aggregates: GROUP BY, HAVING, WINDOW or
// an aggregate call in the select list.
func (p *stmtPlanner) isAggregateQuery(q *parser.Query) bool {
	if len(q.GroupBy) > 0 || q.Having != nil || q.Window != nil {
		return true
	}
	for _, it := range q.Select {
		if it.Expr != nil && p.hasAggCall(it.Expr) {
			return true
		}
	}
	return false
}

// hasAggCall reports whether an AST expression calls an aggregate function.
func (p *stmtPlanner) hasAggCall(e parser.Expr) bool {
	found := false
	walkAST(e, func(x parser.Expr) {
		if c, ok := x.(*parser.Call); ok {
			if def, ok := p.reg.Lookup(c.Name); ok && def.Kind == udf.Aggregate {
				found = true
			}
		}
	})
	return found
}

// aggBinder collects the aggregate calls of one query.
type aggBinder struct {
	p        *stmtPlanner
	in       *scope
	nkeys    int
	aggs     []*AggCall
	byText   map[string]int
	windowed bool
}

// hook binds an aggregate call into a reference to its output column.
func (a *aggBinder) hook(x *parser.Call) (Expr, error) {
	call, err := a.bindCall(x)
	if err != nil {
		return nil, err
	}
	i, ok := a.byText[call.Text]
	if !ok {
		i = len(a.aggs)
		a.aggs = append(a.aggs, call)
		a.byText[call.Text] = i
	}
	return &ColRef{P: x.Pos, Index: a.nkeys + i, Name: call.Text, Qualifier: aggMark, T: call.Fn.Return}, nil
}

// bindCall binds an aggregate call's arguments over the input.
func (a *aggBinder) bindCall(x *parser.Call) (*AggCall, error) {
	outer := x
	inner := &binder{reg: a.p.reg, scope: a.in, clause: "SELECT", noWindowBounds: a.windowed,
		aggHook: func(*parser.Call) (Expr, error) {
			return nil, rqlerr.At(rqlerr.BindInvalid, outer.Pos, "Aggregate functions can not be nested: %s", FormatExpr(outer, ""))
		}}
	astArgs := x.Args
	if x.Star || len(astArgs) == 0 {
		// ksqlDB rewrites F(*) and F() to F(ROWTIME).
		astArgs = []parser.Expr{&parser.ColumnRef{Pos: x.Pos, Name: "ROWTIME"}}
	}
	args := make([]Expr, len(astArgs))
	uargs := make([]udf.Arg, len(astArgs))
	for i, ae := range astArgs {
		v, err := inner.bind(ae)
		if err != nil {
			return nil, err
		}
		_, lit := v.(*Literal)
		args[i], uargs[i] = v, udf.Arg{Type: v.Type(), Literal: lit}
	}
	res, err := a.p.reg.ResolveAggregate(x.Name, uargs)
	if err != nil {
		return nil, asRQL(err, rqlerr.BindFunctionArgs, x.Pos)
	}
	nlit := res.AggregateLiterals()
	ncol := len(args) - nlit
	call := &AggCall{Name: strings.ToUpper(x.Name), Fn: res}
	for i := ncol; i < len(args); i++ {
		l, ok := args[i].(*Literal)
		if !ok {
			return nil, asRQL(udf.AggregateLiteralError(x.Name, i+1, FormatExpr(astArgs[i], "")), rqlerr.BindFunctionArgs, astArgs[i].Position())
		}
		v := l.V
		if i < len(res.ArgTypes) && res.ArgTypes[i] != nil && v != nil && !isGenericish(res.ArgTypes[i]) && !l.T.Equal(res.ArgTypes[i]) {
			if cv, err := udf.Coerce(v, l.T, res.ArgTypes[i]); err == nil {
				v = cv
			}
		}
		call.Literals = append(call.Literals, v)
	}
	for i := 0; i < ncol; i++ {
		e := args[i]
		if i < len(res.ArgTypes) && res.ArgTypes[i] != nil && !isGenericish(res.ArgTypes[i]) {
			e = implicitCast(e, res.ArgTypes[i])
		}
		call.Args = append(call.Args, e)
	}
	call.Text = call.Name + "(" + joinExprs(args) + ")"
	return call, nil
}

// aggPlan is the outcome of planning an aggregation: the Aggregate node and
// the projection over its output.
type aggPlan struct {
	node  *Aggregate
	items []*projItem
}

// planAggregate plans GROUP BY / HAVING / WINDOW over node (the input after
// WHERE), binding the select list over the aggregate's output.
func (p *stmtPlanner) planAggregate(q *parser.Query, node Node, sc *scope, src *Source, sinkKind string) (*aggPlan, error) {
	if q.Window != nil && len(q.GroupBy) == 0 && !p.selectHasAgg(q) {
		return nil, rqlerr.At(rqlerr.BindInvalid, q.Window.Pos, "WINDOW clause requires a GROUP BY clause.")
	}
	if q.PartitionBy != nil {
		// ksqlDB's Query node refuses the combination when the statement is
		// prepared (its grammar has GROUP BY before PARTITION BY).
		return nil, rqlerr.At(rqlerr.BindInvalid, q.PartitionBy[0].Position(), "Failed to prepare statement: Queries only support one of PARTITION BY and GROUP BY")
	}
	var win *WindowSpec
	if q.Window != nil {
		win = windowSpec(q.Window, q.Emit == parser.EmitFinal)
	}
	a := &aggBinder{p: p, in: sc, byText: map[string]int{}, windowed: win != nil}
	for _, it := range q.Select {
		// Select items are checked before GROUP BY, as ksqlDB does.
		if c, ok := it.Expr.(*parser.ColumnRef); ok && it.Alias == "" && win == nil {
			if ps, ok := pseudoByName(c.Name); ok && ps >= PseudoWindowstart && !scopeHas(sc, c.Name) {
				return nil, rqlerr.At(rqlerr.BindInvalid, it.Pos, "Reserved column name in select: `%s`. Please remove or alias the column.", ps)
			}
		}
	}

	// GROUP BY expressions, over the input.
	gb := &binder{reg: p.reg, scope: sc, clause: "GROUP BY", noWindowBounds: true,
		aggHook: func(x *parser.Call) (Expr, error) {
			return nil, rqlerr.At(rqlerr.BindInvalid, x.Pos, "GROUP BY does not support aggregate functions: %s is an aggregate function.", strings.ToUpper(x.Name))
		}}
	var groupBy []Expr
	seen := map[string]bool{}
	for _, g := range q.GroupBy {
		e, err := gb.bind(g)
		if err != nil {
			return nil, clauseErr("GROUP BY", err)
		}
		if e.Type().Kind == sqltypes.KindNull {
			return nil, rqlerr.At(rqlerr.BindType, g.Position(), "Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).")
		}
		if seen[e.String()] {
			continue
		}
		seen[e.String()] = true
		groupBy = append(groupBy, e)
	}
	a.nkeys = len(groupBy)
	subst := map[string]Expr{}
	for i, g := range groupBy {
		subst[g.String()] = &ColRef{P: g.Pos(), Index: i, Name: g.String(), Qualifier: aggMark, T: g.Type()}
	}

	// The select list and HAVING, over the output.
	osc := *sc
	osc.windowed = win != nil
	b := &binder{reg: p.reg, scope: &osc, clause: "SELECT", subst: subst, aggHook: a.hook}
	proj, err := p.bindSelect(b, q.Select, &osc, src, false)
	if err != nil {
		return nil, err
	}
	for _, it := range proj {
		if c, ok := it.expr.(*ColRef); ok && c.Qualifier != aggMark {
			if r, ok := subst[c.String()]; ok {
				it.expr = r
			}
		}
	}
	var having Expr
	if q.Having != nil {
		hb := &binder{reg: p.reg, scope: &osc, clause: "HAVING", subst: subst, aggHook: a.hook}
		h, err := hb.bind(q.Having)
		if err != nil {
			return nil, clauseErr("HAVING", err)
		}
		if k := h.Type().Kind; k != sqltypes.KindBoolean && k != sqltypes.KindNull {
			return nil, rqlerr.At(rqlerr.BindType, q.Having.Position(), "Type error in HAVING expression: Should evaluate to boolean but is %s (%s) instead.", h, h.Type())
		}
		having = h
	}
	if len(a.aggs) == 0 && len(groupBy) > 0 {
		return nil, rqlerr.At(rqlerr.BindInvalid, q.Pos, "GROUP BY requires aggregate functions in either the SELECT or HAVING clause.")
	}
	var bad []string
	for _, it := range proj {
		if len(nonAggregated(it.expr)) > 0 {
			bad = append(bad, it.expr.String())
		}
	}
	if len(bad) > 0 {
		return nil, rqlerr.At(rqlerr.BindInvalid, q.Pos, "Non-aggregate SELECT expression(s) not part of GROUP BY: %s\nEither add the column(s) to the GROUP BY or remove them from the SELECT.", strings.Join(bad, ", "))
	}
	if having != nil {
		if cols := nonAggregated(having); len(cols) > 0 {
			return nil, rqlerr.At(rqlerr.BindInvalid, q.Having.Position(), "Non-aggregate HAVING expression not part of GROUP BY: %s", strings.Join(cols, ", "))
		}
	}
	if len(groupBy) == 0 {
		texts := make([]string, len(a.aggs))
		for i, c := range a.aggs {
			texts[i] = c.Text
		}
		return nil, rqlerr.At(rqlerr.BindInvalid, q.Pos, "%s AS SELECT statement does not support aggregate function [%s] without a GROUP BY clause.", sinkKind, strings.Join(texts, ", "))
	}
	if len(a.aggs) == 0 {
		return nil, rqlerr.At(rqlerr.BindInvalid, q.Pos, "GROUP BY requires aggregate functions in either the SELECT or HAVING clause.")
	}
	if err := p.checkAggregators(a.aggs, src.Kind == parser.KindTable); err != nil {
		return nil, err
	}

	out := &sqltypes.Schema{}
	for _, g := range groupBy {
		out.Columns = append(out.Columns, sqltypes.Column{Name: g.String(), Type: g.Type(), NS: sqltypes.NSKey})
	}
	for _, c := range a.aggs {
		out.Columns = append(out.Columns, sqltypes.Column{Name: c.Text, Type: c.Fn.Return})
	}
	input := node
	if !groupsByInputKey(groupBy, node.Schema()) {
		input = &Repartition{Input: node, Keys: groupBy, Topic: queryPlaceholder + "-Aggregate-GroupBy-repartition"}
	}
	agg := &Aggregate{Input: input, GroupBy: groupBy, Aggs: a.aggs, Having: having, Window: win,
		EmitFinal: q.Emit == parser.EmitFinal, Out: out,
		StateTable: queryPlaceholder + "-Aggregate-Aggregate-Materialize"}
	if node.Props().Mode == Upsert {
		agg.InputTable = queryPlaceholder + "-Aggregate-Input"
	}
	return &aggPlan{node: agg, items: proj}, nil
}

// queryPlaceholder stands for the query id in internal names until the id
// is known (sinkNode replaces it).
const queryPlaceholder = "<query>"

func (p *stmtPlanner) selectHasAgg(q *parser.Query) bool {
	for _, it := range q.Select {
		if it.Expr != nil && p.hasAggCall(it.Expr) {
			return true
		}
	}
	return q.Having != nil && p.hasAggCall(q.Having)
}

// windowSpec applies the defaults to a WINDOW clause: without GRACE PERIOD
// the grace is DefaultGrace, or 0 with EMIT FINAL (as ksqlDB's suppression
// behaves).
func windowSpec(w *parser.Window, final bool) *WindowSpec {
	s := &WindowSpec{Kind: w.Kind, Size: w.Size, Advance: w.Advance, Grace: w.Grace, Retention: w.Retention}
	if s.Kind == parser.WindowTumbling || s.Advance <= 0 {
		s.Advance = s.Size
	}
	if s.Grace < 0 {
		s.Grace = DefaultGrace
		if final {
			s.Grace = 0
		}
	}
	if s.Retention < 0 {
		s.Retention = 0
	}
	return s
}

// groupsByInputKey reports whether the grouping is exactly the input's key
// columns in order (no repartition needed).
func groupsByInputKey(groupBy []Expr, in *sqltypes.Schema) bool {
	keys := keyIndexes(in)
	if len(keys) != len(groupBy) || len(keys) == 0 {
		return false
	}
	for i, g := range groupBy {
		c, ok := g.(*ColRef)
		if !ok || c.Index != keys[i] {
			return false
		}
	}
	return true
}

// nonAggregated returns the input columns e reads outside aggregate calls
// and group keys (ROWTIME and the other record pseudo columns count too).
func nonAggregated(e Expr) []string {
	var out []string
	Walk(e, func(x Expr) bool {
		switch c := x.(type) {
		case *ColRef:
			if c.Qualifier != aggMark {
				out = append(out, c.String())
			}
		case *PseudoRef:
			if c.Col < PseudoWindowstart {
				out = append(out, c.String())
			}
		}
		return true
	})
	return out
}

// checkAggregators builds each call's aggregator once, to check what only
// the function knows: literal init arguments and, over a table, Undo.
func (p *stmtPlanner) checkAggregators(aggs []*AggCall, table bool) error {
	var noUndo []string
	seen := map[string]bool{}
	ec := &udf.EvalContext{Props: p.effectiveProps()}
	for _, c := range aggs {
		ag, err := udf.NewAggregator(c.Fn, c.Literals, ec, nil)
		if err != nil {
			return asRQL(err, rqlerr.BindFunctionArgs, rqlerr.Pos{})
		}
		if table && !ag.CanUndo() && !seen[c.Name] {
			seen[c.Name] = true
			noUndo = append(noUndo, c.Name)
		}
	}
	if len(noUndo) > 0 {
		return udf.TableAggregationError(noUndo)
	}
	return nil
}

// checkAggFormats rejects aggregations whose accumulators the sink's value
// format cannot carry (DELIMITED and composite intermediate types), as
// ksqlDB does for its internal topics.
func checkAggFormats(root Node, valueFormat string) error {
	if valueFormat != format.Delimited {
		return nil
	}
	var err error
	var walk func(n Node)
	walk = func(n Node) {
		if a, ok := n.(*Aggregate); ok {
			for _, c := range a.Aggs {
				ag, e := udf.NewAggregator(c.Fn, c.Literals, nil, nil)
				if e != nil {
					continue
				}
				switch ag.AccType().Kind {
				case sqltypes.KindStruct, sqltypes.KindArray, sqltypes.KindMap:
					err = rqlerr.New(rqlerr.FormatUnsupported, "One of the functions used in the statement has an intermediate type that the value format can not handle. Please remove the function or change the format.")
				}
			}
		}
		for _, c := range n.Children() {
			walk(c)
		}
	}
	walk(root)
	return err
}

// markGroupKeys finds the projection items that carry each group key and
// checks ksqlDB's rules: every grouping expression exactly once.
func markGroupKeys(proj []*projItem, groupBy []Expr, sink string) error {
	var missing []string
	for i, g := range groupBy {
		var names []string
		for _, it := range proj {
			if c, ok := it.expr.(*ColRef); ok && c.Qualifier == aggMark && c.Index == i {
				it.key = true
				names = append(names, "`"+it.name+"`")
			}
		}
		if len(names) > 1 {
			return rqlerr.New(rqlerr.BindInvalid, "The projection contains a key column more than once: %s.", joinAnd(names))
		}
		if len(names) == 0 {
			missing = append(missing, g.String())
		}
	}
	if len(missing) == 0 {
		return nil
	}
	all := make([]string, len(groupBy))
	for i, g := range groupBy {
		all[i] = g.String()
	}
	what := "grouping expression"
	if len(all) > 1 {
		what += "s"
	}
	return rqlerr.New(rqlerr.BindInvalid, "The query used to build `%s` must include the %s %s in its projection (eg, SELECT %s...).", sink, what, joinAnd(all), strings.Join(all, ", "))
}

// joinAnd joins names as "A, B and C".
func joinAnd(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// walkAST calls fn for e and its subexpressions.
func walkAST(e parser.Expr, fn func(parser.Expr)) {
	if e == nil {
		return
	}
	fn(e)
	switch x := e.(type) {
	case *parser.Unary:
		walkAST(x.X, fn)
	case *parser.Binary:
		walkAST(x.L, fn)
		walkAST(x.R, fn)
	case *parser.IsNull:
		walkAST(x.X, fn)
	case *parser.In:
		walkAST(x.X, fn)
		for _, i := range x.List {
			walkAST(i, fn)
		}
	case *parser.Between:
		walkAST(x.X, fn)
		walkAST(x.Lo, fn)
		walkAST(x.Hi, fn)
	case *parser.Like:
		walkAST(x.X, fn)
		walkAST(x.Pattern, fn)
		walkAST(x.Escape, fn)
	case *parser.Case:
		walkAST(x.Operand, fn)
		for _, w := range x.Whens {
			walkAST(w.Cond, fn)
			walkAST(w.Result, fn)
		}
		walkAST(x.Else, fn)
	case *parser.Cast:
		walkAST(x.X, fn)
	case *parser.Call:
		for _, a := range x.Args {
			walkAST(a, fn)
		}
	case *parser.Deref:
		walkAST(x.X, fn)
	case *parser.Subscript:
		walkAST(x.X, fn)
		walkAST(x.Index, fn)
	case *parser.ArrayCtor:
		for _, a := range x.Elems {
			walkAST(a, fn)
		}
	case *parser.MapCtor:
		for i := range x.Keys {
			walkAST(x.Keys[i], fn)
			walkAST(x.Vals[i], fn)
		}
	case *parser.StructCtor:
		for _, a := range x.Values {
			walkAST(a, fn)
		}
	case *parser.Lambda:
		walkAST(x.Body, fn)
	}
}

// whereAggregate is the WHERE binder's aggregate hook: aggregates are not
// allowed there; their arguments are checked first, so that an unknown
// column is reported as ksqlDB does.
func (p *stmtPlanner) whereAggregate(sc *scope) func(x *parser.Call) (Expr, error) {
	return func(x *parser.Call) (Expr, error) {
		for _, a := range x.Args {
			var bad error
			walkAST(a, func(e parser.Expr) {
				c, ok := e.(*parser.ColumnRef)
				if !ok || bad != nil {
					return
				}
				if ps, ok := pseudoByName(c.Name); ok && ps >= PseudoWindowstart && !sc.windowed && !scopeHas(sc, c.Name) {
					bad = rqlerr.At(rqlerr.BindUnknownColumn, c.Pos, "Error in WHERE expression: Unknown column %s.", ps)
				}
			})
			if bad != nil {
				return nil, bad
			}
			b := &binder{reg: p.reg, scope: sc, clause: "WHERE"}
			if _, err := b.bind(a); err != nil {
				return nil, err
			}
		}
		return nil, rqlerr.At(rqlerr.BindInvalid, x.Pos, "Aggregate functions can not be used in the WHERE clause: %s", FormatExpr(x, ""))
	}
}
