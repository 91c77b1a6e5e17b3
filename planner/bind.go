package planner

import (
	"errors"
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// binder resolves names and types of AST expressions against a scope.
type binder struct {
	reg    *udf.Registry
	scope  *scope
	clause string // "SELECT", "WHERE", "PARTITION BY": names the clause in messages
	// lambdas is the stack of enclosing lambda parameter frames.
	lambdas []lambdaFrame
	// subst replaces bound subexpressions (by String()) with other
	// expressions, e.g. PARTITION BY expressions with the new key column.
	subst map[string]Expr
	// tableCalls collects table function calls when allowed (SELECT of a
	// stream); each becomes a FlatMap output column at tableBase+i.
	allowTable bool
	tableBase  int
	tableCalls []*TableCall
	// aggHook, when set, binds aggregate function calls (see
	// aggregate_plan.go); without it they are an error.
	aggHook func(x *parser.Call) (Expr, error)
	// noWindowBounds rejects WINDOWSTART / WINDOWEND with ksqlDB's message
	// (GROUP BY and aggregate arguments of windowed aggregations).
	noWindowBounds bool
}

type lambdaFrame struct {
	names []string
	types []*sqltypes.Type
}

// TableCall is one table function call of a FlatMap.
type TableCall struct {
	Name string
	Fn   *udf.Resolved
	Args []Expr
}

// String renders the call.
func (t *TableCall) String() string { return t.Name + "(" + joinExprs(t.Args) + ")" }

func (b *binder) errAt(code rqlerr.Code, pos rqlerr.Pos, format string, args ...any) error {
	return rqlerr.At(code, pos, format, args...)
}

// Bind binds an AST expression and applies substitutions.
func (b *binder) bind(e parser.Expr) (Expr, error) {
	x, err := b.bindExpr(e)
	if err != nil {
		return nil, err
	}
	if b.subst != nil {
		if r, ok := b.subst[x.String()]; ok {
			return r, nil
		}
	}
	return x, nil
}

func (b *binder) bindExpr(e parser.Expr) (Expr, error) {
	switch x := e.(type) {
	case *parser.ColumnRef:
		return b.bindColumn(x)
	case *parser.Literal:
		return bindLiteral(x)
	case *parser.Unary:
		return b.bindUnary(x)
	case *parser.Binary:
		return b.bindBinary(x)
	case *parser.IsNull:
		v, err := b.bind(x.X)
		if err != nil {
			return nil, err
		}
		return &IsNull{P: x.Pos, X: v, Not: x.Not}, nil
	case *parser.In:
		return b.bindIn(x)
	case *parser.Between:
		return b.bindBetween(x)
	case *parser.Like:
		return b.bindLike(x)
	case *parser.Case:
		return b.bindCase(x)
	case *parser.Cast:
		return b.bindCast(x)
	case *parser.Call:
		return b.bindCall(x)
	case *parser.Deref:
		return b.bindDeref(x)
	case *parser.Subscript:
		return b.bindSubscript(x)
	case *parser.ArrayCtor:
		return b.bindArray(x)
	case *parser.MapCtor:
		return b.bindMap(x)
	case *parser.StructCtor:
		return b.bindStruct(x)
	case *parser.Lambda:
		return nil, b.errAt(rqlerr.BindInvalid, x.Pos, "lambda expressions are only allowed as function arguments")
	case nil:
		return nil, rqlerr.Bug("nil expression")
	}
	return nil, b.errAt(rqlerr.BindUnsupported, e.Position(), "expression %T not supported yet", e)
}

func (b *binder) bindColumn(x *parser.ColumnRef) (Expr, error) {
	if x.Qualifier == "" {
		for d := len(b.lambdas) - 1; d >= 0; d-- {
			f := b.lambdas[d]
			for i, n := range f.names {
				if n == x.Name {
					return &LambdaVar{P: x.Pos, Name: n, Depth: len(b.lambdas) - 1 - d, Index: i, T: f.types[i]}, nil
				}
			}
		}
	}
	if x.Qualifier != "" && containsStr(b.scope.enrich, x.Qualifier) {
		return b.bindEnrichField(x)
	}
	if x.Qualifier != "" && !b.scope.hasQualifier(x.Qualifier) {
		return nil, b.errAt(rqlerr.BindUnknownSource, x.Pos, "'%s' is not a valid stream/table name or alias.", x.Qualifier)
	}
	c, err := b.scope.lookup(x.Qualifier, x.Name, x.Pos)
	if err != nil {
		return nil, err
	}
	if c != nil {
		name := c.Name
		if c.OutName != "" {
			name = c.OutName
		}
		return &ColRef{P: x.Pos, Index: c.Index, Name: name, Qualifier: x.Qualifier, T: c.Type}, nil
	}
	if p, ok := pseudoByName(x.Name); ok && p >= PseudoWindowstart && b.noWindowBounds {
		return nil, b.errAt(rqlerr.BindInvalid, x.Pos, "Window bounds column %s can only be used in the SELECT clause of windowed aggregations", p)
	}
	if p, ok := pseudoByName(x.Name); ok && (p < PseudoWindowstart || b.scope.windowed) {
		return &PseudoRef{P: x.Pos, Col: p}, nil
	}
	name := x.Name
	if x.Qualifier != "" {
		name = x.Qualifier + "." + x.Name
	}
	clause := b.clause
	if clause == "" {
		clause = "SELECT"
	}
	msg := "%s column '%s' cannot be resolved."
	if clause == "PARTITION BY" {
		return nil, b.errAt(rqlerr.BindUnknownColumn, x.Pos, "PARTITION BY column '%s' cannot be resolved. '%s' must be a column in the source schema since PARTITION BY is applied on the input.", name, name)
	}
	return nil, b.errAt(rqlerr.BindUnknownColumn, x.Pos, msg, clause, name)
}

func bindLiteral(x *parser.Literal) (Expr, error) {
	l := &Literal{P: x.Pos, V: x.Value, Text: x.Text}
	switch x.Kind {
	case parser.LitNull:
		l.T, l.V, l.Text = sqltypes.Null, nil, "null"
	case parser.LitBool:
		l.T = sqltypes.Boolean
		if v, _ := x.Value.(bool); v {
			l.Text = "true"
		} else {
			l.Text = "false"
		}
	case parser.LitInt:
		l.T = sqltypes.Int
	case parser.LitBigint:
		l.T = sqltypes.Bigint
	case parser.LitDecimal:
		d, ok := x.Value.(sqltypes.Decimal)
		if !ok {
			return nil, rqlerr.At(rqlerr.ParseLiteral, x.Pos, "invalid decimal literal %s", x.Text)
		}
		l.T = decimalTypeOf(d)
	case parser.LitDouble:
		l.T = sqltypes.Double
	case parser.LitString:
		l.T = sqltypes.String
		s, _ := x.Value.(string)
		l.Text = "'" + strings.ReplaceAll(s, "'", "''") + "'"
	default:
		return nil, rqlerr.Bug("unknown literal kind %d", x.Kind)
	}
	return l, nil
}

// decimalTypeOf is the type ksqlDB gives a decimal literal:
// DECIMAL(max(precision, scale), scale).
func decimalTypeOf(d sqltypes.Decimal) *sqltypes.Type {
	p := d.Precision()
	if int(d.Scale) > p {
		p = int(d.Scale)
	}
	return sqltypes.DecimalOf(p, int(d.Scale))
}

func (b *binder) bindUnary(x *parser.Unary) (Expr, error) {
	v, err := b.bind(x.X)
	if err != nil {
		return nil, err
	}
	switch x.Op {
	case parser.OpPlus:
		return v, nil
	case parser.OpNot:
		if k := v.Type().Kind; k != sqltypes.KindBoolean && k != sqltypes.KindNull {
			return nil, b.errAt(rqlerr.BindType, x.Pos, "Logical expression requires a boolean, got %s (%s)", v, v.Type())
		}
		return &Not{P: x.Pos, X: v}, nil
	}
	if l, ok := v.(*Literal); ok {
		if n, ok := negateLiteral(l); ok {
			n.P = x.Pos
			return n, nil
		}
	}
	if !v.Type().IsNumeric() {
		return nil, b.errAt(rqlerr.BindType, x.Pos, "Unsupported arithmetic types. %s", v.Type())
	}
	return &Neg{P: x.Pos, X: v}, nil
}

func negateLiteral(l *Literal) (*Literal, bool) {
	n := *l
	switch v := l.V.(type) {
	case int32:
		n.V = -v
	case int64:
		n.V = -v
	case float64:
		n.V = -v
	case sqltypes.Decimal:
		n.V = v.Neg()
	default:
		return nil, false
	}
	if n.Text != "" {
		n.Text = "-" + n.Text
	}
	return &n, true
}

func (b *binder) bindBinary(x *parser.Binary) (Expr, error) {
	l, err := b.bind(x.L)
	if err != nil {
		return nil, err
	}
	r, err := b.bind(x.R)
	if err != nil {
		return nil, err
	}
	switch x.Op {
	case parser.OpAdd, parser.OpSub, parser.OpMul, parser.OpDiv, parser.OpMod:
		return b.arith(x, ArithOp(x.Op-parser.OpAdd), l, r)
	case parser.OpConcat:
		if !isStringish(l.Type()) || !isStringish(r.Type()) {
			return nil, b.errAt(rqlerr.BindType, x.Pos, "Error processing expression: %s. Unsupported arithmetic types. %s %s", FormatExpr(x, ""), l.Type(), r.Type())
		}
		return &Concat{P: x.Pos, L: l, R: r}, nil
	case parser.OpAnd, parser.OpOr:
		for _, s := range []Expr{l, r} {
			if k := s.Type().Kind; k != sqltypes.KindBoolean && k != sqltypes.KindNull {
				return nil, b.errAt(rqlerr.BindType, s.Pos(), "Logical expression requires boolean operands, got %s (%s)", s, s.Type())
			}
		}
		return &Logic{P: x.Pos, And: x.Op == parser.OpAnd, L: l, R: r}, nil
	}
	var op CmpOp
	switch x.Op {
	case parser.OpEq:
		op = CmpEq
	case parser.OpNe:
		op = CmpNe
	case parser.OpLt:
		op = CmpLt
	case parser.OpLe:
		op = CmpLe
	case parser.OpGt:
		op = CmpGt
	case parser.OpGe:
		op = CmpGe
	case parser.OpIsDistinct:
		op = CmpIsDistinct
	case parser.OpIsNotDistinct:
		op = CmpIsNotDistinct
	default:
		return nil, b.errAt(rqlerr.BindUnsupported, x.Pos, "operator %s not supported yet", x.Op)
	}
	return b.compare(x.Pos, op, l, r)
}

func isStringish(t *sqltypes.Type) bool {
	return t.Kind == sqltypes.KindString || t.Kind == sqltypes.KindNull
}

// compare type-checks a comparison and converts both sides to a common type.
func (b *binder) compare(pos rqlerr.Pos, op CmpOp, l, r Expr) (Expr, error) {
	var err error
	if l, err = magicTimestamp(r, l); err != nil {
		return nil, err
	}
	if r, err = magicTimestamp(l, r); err != nil {
		return nil, err
	}
	lt, rt := l.Type(), r.Type()
	if lt.Kind == sqltypes.KindNull && rt.Kind == sqltypes.KindNull {
		return nil, b.errAt(rqlerr.BindType, pos, "Comparison with NULL not supported: NULL %s NULL", op)
	}
	if lt.Kind == sqltypes.KindNull {
		l = &Cast{P: l.Pos(), X: l, To: rt, Implicit: true}
		return &Cmp{P: pos, Op: op, L: l, R: r}, nil
	}
	if rt.Kind == sqltypes.KindNull {
		r = &Cast{P: r.Pos(), X: r, To: lt, Implicit: true}
		return &Cmp{P: pos, Op: op, L: l, R: r}, nil
	}
	ct, ok := comparableType(op, lt, rt)
	if !ok {
		return nil, b.errAt(rqlerr.BindType, pos, "Cannot compare %s (%s) to %s (%s) with %s.", l, lt, r, rt, cmpJava[op])
	}
	return &Cmp{P: pos, Op: op, L: implicitCast(l, ct), R: implicitCast(r, ct)}, nil
}

// magicTimestamp converts a STRING literal compared with ROWTIME,
// WINDOWSTART or WINDOWEND into epoch milliseconds, as ksqlDB does.
func magicTimestamp(other, lit Expr) (Expr, error) {
	p, ok := other.(*PseudoRef)
	if !ok || p.Col == PseudoRowpartition || p.Col == PseudoRowoffset {
		return lit, nil
	}
	l, ok := lit.(*Literal)
	if !ok {
		return lit, nil
	}
	s, ok := l.V.(string)
	if !ok {
		return lit, nil
	}
	ts, err := udf.ParseTimestampText(s)
	if err != nil {
		return nil, rqlerr.At(rqlerr.BindType, l.P, "Failed to parse timestamp '%s': %v", s, err)
	}
	return &Literal{P: l.P, V: int64(ts), T: sqltypes.Bigint, Text: l.Text}, nil
}

// comparableType returns the type both sides of a comparison are
// converted to, following ksqlDB's ComparisonUtil.
func comparableType(op CmpOp, lt, rt *sqltypes.Type) (*sqltypes.Type, bool) {
	switch {
	case lt.IsNumeric() && rt.IsNumeric():
		return commonNumeric(lt, rt), true
	case lt.Kind == rt.Kind && lt.IsPrimitive():
		return lt, true
	case udf.IsTemporal(lt.Kind) && udf.IsTemporal(rt.Kind):
		return sqltypes.TimestampT, true
	case udf.IsTemporal(lt.Kind) && rt.Kind == sqltypes.KindString:
		return lt, true
	case udf.IsTemporal(rt.Kind) && lt.Kind == sqltypes.KindString:
		return rt, true
	case !lt.IsPrimitive() && lt.Equal(rt) && (op == CmpEq || op == CmpNe || op == CmpIsDistinct || op == CmpIsNotDistinct):
		return lt, true
	}
	return nil, false
}

// commonNumeric is the widest of two numeric types: INT < BIGINT <
// DECIMAL < DOUBLE; two DECIMALs widen to hold both.
func commonNumeric(a, b *sqltypes.Type) *sqltypes.Type {
	if a.Kind == sqltypes.KindDouble || b.Kind == sqltypes.KindDouble {
		return sqltypes.Double
	}
	if a.Kind == sqltypes.KindDecimal || b.Kind == sqltypes.KindDecimal {
		da, db := udf.DecimalFor(a), udf.DecimalFor(b)
		s := max(da.Scale, db.Scale)
		p := max(da.Precision-da.Scale, db.Precision-db.Scale) + s
		return sqltypes.DecimalOf(min(p, 38), s)
	}
	if a.Kind == sqltypes.KindBigint || b.Kind == sqltypes.KindBigint {
		return sqltypes.Bigint
	}
	return sqltypes.Int
}

// implicitCast wraps e in an implicit cast to t unless it already has t.
func implicitCast(e Expr, t *sqltypes.Type) Expr {
	if e.Type().Equal(t) {
		return e
	}
	if e.Type().Kind == sqltypes.KindDecimal && t.Kind == sqltypes.KindDecimal {
		return e // decimals compare and compute by value, whatever their scale
	}
	return &Cast{P: e.Pos(), X: e, To: t, Implicit: true}
}

func (b *binder) arith(x *parser.Binary, op ArithOp, l, r Expr) (Expr, error) {
	lt, rt := l.Type(), r.Type()
	if lt.Kind == sqltypes.KindNull {
		lt = rt
	}
	if rt.Kind == sqltypes.KindNull {
		rt = lt
	}
	if op == ArithAdd && lt.Kind == sqltypes.KindString && rt.Kind == sqltypes.KindString {
		return &Concat{P: x.Pos, L: l, R: r, Plus: true}, nil
	}
	if !lt.IsNumeric() || !rt.IsNumeric() {
		return nil, b.errAt(rqlerr.BindType, x.Pos, "Error processing expression: %s. Unsupported arithmetic types. %s %s", FormatExpr(x, ""), l.Type(), r.Type())
	}
	t := arithType(op, lt, rt)
	if t.Kind == sqltypes.KindDecimal {
		return &Arith{P: x.Pos, Op: op, L: implicitCast(l, udf.DecimalFor(lt)), R: implicitCast(r, udf.DecimalFor(rt)), T: t}, nil
	}
	return &Arith{P: x.Pos, Op: op, L: implicitCast(l, t), R: implicitCast(r, t), T: t}, nil
}

// arithType is ksqlDB's result type of l op r for numeric operands,
// including the DECIMAL precision and scale rules.
func arithType(op ArithOp, lt, rt *sqltypes.Type) *sqltypes.Type {
	if lt.Kind == sqltypes.KindDouble || rt.Kind == sqltypes.KindDouble {
		return sqltypes.Double
	}
	if lt.Kind != sqltypes.KindDecimal && rt.Kind != sqltypes.KindDecimal {
		if lt.Kind == sqltypes.KindBigint || rt.Kind == sqltypes.KindBigint {
			return sqltypes.Bigint
		}
		return sqltypes.Int
	}
	a, c := udf.DecimalFor(lt), udf.DecimalFor(rt)
	p1, s1, p2, s2 := a.Precision, a.Scale, c.Precision, c.Scale
	var p, s int
	switch op {
	case ArithAdd, ArithSub:
		s = max(s1, s2)
		p = max(p1-s1, p2-s2) + s + 1
	case ArithMul:
		p = p1 + p2 + 1
		s = s1 + s2
	case ArithDiv:
		s = max(6, s1+p2+1)
		p = p1 - s1 + s2 + s
	case ArithMod:
		s = max(s1, s2)
		p = min(p1-s1, p2-s2) + s
	}
	if p > 38 {
		p = 38
	}
	if s > p {
		s = p
	}
	return sqltypes.DecimalOf(p, s)
}

// asRQL returns err as an *rqlerr.Error positioned at pos when it has no
// position yet.
func asRQL(err error, code rqlerr.Code, pos rqlerr.Pos) error {
	var e *rqlerr.Error
	if errors.As(err, &e) {
		if !e.Pos.IsValid() && pos.IsValid() {
			c := *e
			c.Pos = pos
			return &c
		}
		return e
	}
	return rqlerr.At(code, pos, "%s", err.Error())
}
