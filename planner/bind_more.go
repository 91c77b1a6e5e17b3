package planner

import (
	"math"
	"strconv"
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// invalidPrefix is the prefix ksqlDB's code generator puts on errors of
// the clause being compiled ("Invalid Select: ", "Invalid Predicate: ").
func (b *binder) invalidPrefix() string {
	if b.clause == "WHERE" {
		return "Invalid Predicate: "
	}
	return "Invalid Select: "
}

func (b *binder) bindIn(x *parser.In) (Expr, error) {
	v, err := b.bind(x.X)
	if err != nil {
		return nil, err
	}
	out := &In{P: x.Pos, X: v, Not: x.Not}
	t := v.Type()
	for _, item := range x.List {
		it, err := b.bind(item)
		if err != nil {
			return nil, err
		}
		if it, err = b.coerceLiteral(t, it); err != nil {
			return nil, err
		}
		out.List = append(out.List, it)
		if it.Type().Kind == sqltypes.KindNull {
			continue
		}
		if t.Kind == sqltypes.KindNull {
			t = it.Type()
			continue
		}
		nt, ok := widenType(t, it.Type())
		if !ok {
			return nil, b.errAt(rqlerr.BindType, it.Pos(), "%soperator does not exist: %s = %s (%s)\nHint: You might need to add explicit type casts.", b.invalidPrefix(), t, it.Type(), it)
		}
		t = nt
	}
	out.X = castTo(out.X, t)
	for i, it := range out.List {
		out.List[i] = castTo(it, t)
	}
	return out, nil
}

// widenType is the type two comparable types meet in: numbers widen,
// composites widen element-wise.
func widenType(a, b *sqltypes.Type) (*sqltypes.Type, bool) {
	switch {
	case a.Kind == sqltypes.KindNull:
		return b, true
	case b.Kind == sqltypes.KindNull:
		return a, true
	case a.Equal(b):
		return a, true
	case a.IsNumeric() && b.IsNumeric():
		return commonNumeric(a, b), true
	case a.Kind == sqltypes.KindArray && b.Kind == sqltypes.KindArray:
		e, ok := widenType(a.Elem, b.Elem)
		return sqltypes.ArrayOf(e), ok
	case a.Kind == sqltypes.KindMap && b.Kind == sqltypes.KindMap:
		k, ok1 := widenType(a.Key, b.Key)
		v, ok2 := widenType(a.Elem, b.Elem)
		return sqltypes.MapOf(k, v), ok1 && ok2
	case a.Kind == sqltypes.KindStruct && b.Kind == sqltypes.KindStruct:
		// Fields match by name; the result has every field of both.
		fs := append([]sqltypes.Field(nil), a.Fields...)
		for _, f := range b.Fields {
			i := a.FieldIndex(f.Name)
			if i < 0 {
				fs = append(fs, f)
				continue
			}
			ft, ok := widenType(a.Fields[i].Type, f.Type)
			if !ok {
				return nil, false
			}
			fs[i] = sqltypes.Field{Name: f.Name, Type: ft}
		}
		return sqltypes.StructOf(fs...), true
	case udf.IsTemporal(a.Kind) && udf.IsTemporal(b.Kind):
		return sqltypes.TimestampT, true
	}
	return nil, false
}

// parseInLiteral converts a STRING literal met by an operand of type t:
// numbers keep their own type (so that '2147483648' widens an INT),
// booleans accept ksqlDB's spellings (t, tr, yes, y, ...).
func parseInLiteral(s string, t *sqltypes.Type) (sqltypes.Value, *sqltypes.Type, bool) {
	trimmed := strings.TrimSpace(s)
	switch {
	case t.Kind == sqltypes.KindBoolean:
		l := strings.ToLower(trimmed)
		if l == "" {
			return nil, nil, false
		}
		switch {
		case strings.HasPrefix("true", l) || strings.HasPrefix("yes", l):
			return true, sqltypes.Boolean, true
		case strings.HasPrefix("false", l) || strings.HasPrefix("no", l):
			return false, sqltypes.Boolean, true
		}
		return nil, nil, false
	case t.IsNumeric():
		if n, err := strconv.ParseInt(trimmed, 10, 64); err == nil {
			if n >= math.MinInt32 && n <= math.MaxInt32 {
				return int32(n), sqltypes.Int, true
			}
			return n, sqltypes.Bigint, true
		}
		if !strings.ContainsAny(trimmed, "eE") {
			if d, err := sqltypes.ParseDecimal(trimmed); err == nil {
				return d, decimalTypeOf(d), true
			}
		}
		if f, err := strconv.ParseFloat(trimmed, 64); err == nil {
			return f, sqltypes.Double, true
		}
		return nil, nil, false
	}
	v, err := parseLiteralAs(s, t)
	if err != nil {
		return nil, nil, false
	}
	return v, t, true
}

// coerceLiteral converts a STRING literal (possibly nested in array, map
// or struct constructors) to type t, reporting ksqlDB's "invalid input
// syntax" error when it does not parse.
func (b *binder) coerceLiteral(t *sqltypes.Type, it Expr) (Expr, error) {
	switch x := it.(type) {
	case *Literal:
		if t.Kind == sqltypes.KindString && x.T.IsNumeric() {
			txt := formatValue(x.V)
			return &Literal{P: x.P, V: txt, T: sqltypes.String, Text: "'" + txt + "'"}, nil
		}
		s, ok := x.V.(string)
		if !ok || t.Kind == sqltypes.KindString || !t.IsPrimitive() || t.Kind == sqltypes.KindNull {
			return it, nil
		}
		v, vt, ok := parseInLiteral(s, t)
		if !ok {
			return nil, b.errAt(rqlerr.BindType, x.P, "%sinvalid input syntax for type %s: \"%s\".", b.invalidPrefix(), t.Kind, s)
		}
		return &Literal{P: x.P, V: v, T: vt, Text: x.Text}, nil
	case *ArrayCtor:
		if t.Kind != sqltypes.KindArray {
			return it, nil
		}
		n := *x
		n.Elems = make([]Expr, len(x.Elems))
		for i, e := range x.Elems {
			c, err := b.coerceLiteral(t.Elem, e)
			if err != nil {
				return nil, err
			}
			n.Elems[i] = c
		}
		n.T = sqltypes.ArrayOf(commonOf(n.Elems))
		return &n, nil
	case *MapCtor:
		if t.Kind != sqltypes.KindMap {
			return it, nil
		}
		n := *x
		n.Vals = make([]Expr, len(x.Vals))
		for i, e := range x.Vals {
			c, err := b.coerceLiteral(t.Elem, e)
			if err != nil {
				return nil, err
			}
			n.Vals[i] = c
		}
		n.T = sqltypes.MapOf(x.T.Key, commonOf(n.Vals))
		return &n, nil
	case *StructCtor:
		if t.Kind != sqltypes.KindStruct {
			return it, nil
		}
		n := *x
		n.Vals = make([]Expr, len(x.Vals))
		fields := make([]sqltypes.Field, len(x.Vals))
		for i, e := range x.Vals {
			ft := e.Type()
			if j := t.FieldIndex(x.T.Fields[i].Name); j >= 0 {
				c, err := b.coerceLiteral(t.Fields[j].Type, e)
				if err != nil {
					return nil, err
				}
				e, ft = c, c.Type()
			}
			n.Vals[i] = e
			fields[i] = sqltypes.Field{Name: x.T.Fields[i].Name, Type: ft}
		}
		n.T = sqltypes.StructOf(fields...)
		return &n, nil
	}
	return it, nil
}

func commonOf(es []Expr) *sqltypes.Type {
	var t *sqltypes.Type
	for _, e := range es {
		et := e.Type()
		switch {
		case et.Kind == sqltypes.KindNull:
		case t == nil:
			t = et
		case t.IsNumeric() && et.IsNumeric():
			t = commonNumeric(t, et)
		}
	}
	if t == nil {
		return sqltypes.Null
	}
	return t
}

func (b *binder) bindBetween(x *parser.Between) (Expr, error) {
	v, err := b.bind(x.X)
	if err != nil {
		return nil, err
	}
	lo, err := b.bind(x.Lo)
	if err != nil {
		return nil, err
	}
	hi, err := b.bind(x.Hi)
	if err != nil {
		return nil, err
	}
	if lo, err = magicTimestamp(v, lo); err != nil {
		return nil, err
	}
	if hi, err = magicTimestamp(v, hi); err != nil {
		return nil, err
	}
	t := v.Type()
	for _, e := range []Expr{lo, hi} {
		if e.Type().Kind == sqltypes.KindNull {
			continue
		}
		ct, ok := comparableType(CmpLe, t, e.Type())
		if !ok {
			return nil, b.errAt(rqlerr.BindType, x.Pos, "Cannot compare %s (%s) to %s (%s) with BETWEEN.", v, v.Type(), e, e.Type())
		}
		t = ct
	}
	cast := func(e Expr) Expr {
		if e.Type().Kind == sqltypes.KindNull {
			return &Cast{P: e.Pos(), X: e, To: t, Implicit: true}
		}
		return implicitCast(e, t)
	}
	return &Between{P: x.Pos, X: cast(v), Lo: cast(lo), Hi: cast(hi), Not: x.Not}, nil
}

func (b *binder) bindLike(x *parser.Like) (Expr, error) {
	v, err := b.bind(x.X)
	if err != nil {
		return nil, err
	}
	p, err := b.bind(x.Pattern)
	if err != nil {
		return nil, err
	}
	out := &Like{P: x.Pos, X: v, Pattern: p, Not: x.Not}
	if x.Escape != nil {
		if out.Escape, err = b.bind(x.Escape); err != nil {
			return nil, err
		}
	}
	for _, e := range []Expr{v, p, out.Escape} {
		if e != nil && !isStringish(e.Type()) {
			return nil, b.errAt(rqlerr.BindType, e.Pos(), "LIKE requires STRING operands, got %s (%s)", e, e.Type())
		}
	}
	return out, nil
}

func (b *binder) bindCase(x *parser.Case) (Expr, error) {
	var operand Expr
	var err error
	if x.Operand != nil {
		if operand, err = b.bind(x.Operand); err != nil {
			return nil, err
		}
	}
	out := &Case{P: x.Pos}
	var results []Expr
	for _, w := range x.Whens {
		c, err := b.bind(w.Cond)
		if err != nil {
			return nil, err
		}
		if operand != nil {
			if c, err = b.compare(w.Cond.Position(), CmpEq, operand, c); err != nil {
				return nil, err
			}
		} else if k := c.Type().Kind; k != sqltypes.KindBoolean && k != sqltypes.KindNull {
			return nil, b.errAt(rqlerr.BindType, w.Cond.Position(), "WHEN operand type should be boolean. Type for '%s' is %s", c, c.Type())
		}
		r, err := b.bind(w.Result)
		if err != nil {
			return nil, err
		}
		out.Whens = append(out.Whens, When{Cond: c, Result: r})
		results = append(results, r)
	}
	if x.Else != nil {
		e, err := b.bind(x.Else)
		if err != nil {
			return nil, err
		}
		out.Else = e
		results = append(results, e)
	}
	var t *sqltypes.Type
	for _, r := range results {
		rt := r.Type()
		switch {
		case rt.Kind == sqltypes.KindNull:
		case t == nil:
			t = rt
		case t.IsNumeric() && rt.IsNumeric():
			t = commonNumeric(t, rt)
		case !t.Equal(rt):
			return nil, b.errAt(rqlerr.BindType, r.Pos(), "Invalid Case expression. Type for all 'THEN' clauses should be the same.\nTHEN expression '%s' has type: %s. Previous THEN expression(s) type: %s.", r, rt, t)
		}
	}
	if t == nil {
		return nil, b.errAt(rqlerr.BindType, x.Pos, "Invalid Case expression. All case branches have NULL type")
	}
	out.T = t
	for i := range out.Whens {
		out.Whens[i].Result = castTo(out.Whens[i].Result, t)
	}
	if out.Else != nil {
		out.Else = castTo(out.Else, t)
	}
	return out, nil
}

// castTo converts e to t implicitly (a NULL literal gets the type).
func castTo(e Expr, t *sqltypes.Type) Expr {
	if e.Type().Equal(t) {
		return e
	}
	return &Cast{P: e.Pos(), X: e, To: t, Implicit: true}
}

func (b *binder) bindCast(x *parser.Cast) (Expr, error) {
	v, err := b.bind(x.X)
	if err != nil {
		return nil, err
	}
	if !castable(v.Type(), x.Type) {
		return nil, b.errAt(rqlerr.BindType, x.Pos, "%sCast of %s to %s is not supported", b.invalidPrefix(), v.Type(), x.Type)
	}
	return &Cast{P: x.Pos, X: v, To: x.Type}, nil
}

// castable reports whether ksqlDB allows CAST(from AS to).
func castable(from, to *sqltypes.Type) bool { return udf.CanCast(from, to) }

func (b *binder) bindDeref(x *parser.Deref) (Expr, error) {
	v, err := b.bind(x.X)
	if err != nil {
		return nil, err
	}
	if x.Star {
		return nil, b.errAt(rqlerr.BindInvalid, x.Pos, "%s->* is only allowed in the select list", FormatExpr(x.X, ""))
	}
	t := v.Type()
	if t.Kind != sqltypes.KindStruct {
		return nil, b.errAt(rqlerr.BindType, x.Pos, "Can't dereference field '%s' of %s (%s): not a STRUCT", x.Field, v, t)
	}
	i := t.FieldIndex(x.Field)
	if i < 0 {
		// Field names are matched case-insensitively as a fallback, since
		// struct field names from DDL keep their case.
		for j, f := range t.Fields {
			if strings.EqualFold(f.Name, x.Field) {
				i = j
				break
			}
		}
	}
	if i < 0 {
		return nil, b.errAt(rqlerr.BindUnknownColumn, x.Pos, "Could not find field '%s' in '%s'.", x.Field, v)
	}
	return &Deref{P: x.Pos, X: v, Field: t.Fields[i].Name, Index: i, T: t.Fields[i].Type}, nil
}

func (b *binder) bindSubscript(x *parser.Subscript) (Expr, error) {
	v, err := b.bind(x.X)
	if err != nil {
		return nil, err
	}
	idx, err := b.bind(x.Index)
	if err != nil {
		return nil, err
	}
	t := v.Type()
	switch t.Kind {
	case sqltypes.KindArray:
		if k := idx.Type().Kind; k != sqltypes.KindInt && k != sqltypes.KindBigint && k != sqltypes.KindNull {
			return nil, b.errAt(rqlerr.BindType, x.Index.Position(), "array index must be an INTEGER, got %s", idx.Type())
		}
		return &Subscript{P: x.Pos, X: v, Index: implicitCast(idx, sqltypes.Int), T: t.Elem}, nil
	case sqltypes.KindMap:
		if _, ok := comparableType(CmpEq, t.Key, idx.Type()); !ok && idx.Type().Kind != sqltypes.KindNull {
			return nil, b.errAt(rqlerr.BindType, x.Index.Position(), "map key must be %s, got %s", t.Key, idx.Type())
		}
		return &Subscript{P: x.Pos, X: v, Index: castTo(idx, t.Key), T: t.Elem}, nil
	}
	return nil, b.errAt(rqlerr.BindType, x.Pos, "Can't subscript %s (%s): not an ARRAY or MAP", v, t)
}

func (b *binder) bindArray(x *parser.ArrayCtor) (Expr, error) {
	if len(x.Elems) == 0 {
		return nil, b.errAt(rqlerr.BindInvalid, x.Pos, "Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239).")
	}
	out := &ArrayCtor{P: x.Pos}
	for _, e := range x.Elems {
		v, err := b.bind(e)
		if err != nil {
			return nil, err
		}
		out.Elems = append(out.Elems, v)
	}
	t, err := b.unify(out.Elems, "array")
	if err != nil {
		return nil, err
	}
	if t.Kind == sqltypes.KindNull {
		return nil, b.errAt(rqlerr.BindInvalid, x.Pos, "Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.")
	}
	for i, e := range out.Elems {
		out.Elems[i] = castTo(e, t)
	}
	out.T = sqltypes.ArrayOf(t)
	return out, nil
}

// unify returns the common type of es (sqltypes.Null when all are NULL),
// converting string literals among numbers to DECIMAL literals as ksqlDB
// does. es is updated in place.
func (b *binder) unify(es []Expr, what string) (*sqltypes.Type, error) {
	var t *sqltypes.Type
	isStrLit := func(e Expr) bool {
		l, ok := e.(*Literal)
		if !ok {
			return false
		}
		_, str := l.V.(string)
		return str
	}
	for _, e := range es {
		et := e.Type()
		if et.Kind == sqltypes.KindNull || isStrLit(e) {
			continue
		}
		if t == nil {
			t = et
			continue
		}
		nt, ok := widenType(t, et)
		if !ok {
			return nil, b.errAt(rqlerr.BindType, e.Pos(), "invalid input syntax for type %s: %s", t, e)
		}
		t = nt
	}
	for i, e := range es {
		if !isStrLit(e) {
			continue
		}
		l := e.(*Literal)
		switch {
		case t == nil || t.Kind == sqltypes.KindString:
			t = sqltypes.String
		case t.IsNumeric():
			d, err := sqltypes.ParseDecimal(l.V.(string))
			if err != nil {
				return nil, b.errAt(rqlerr.BindType, l.P, "invalid input syntax for type %s: \"%s\"", t, l.V)
			}
			es[i] = &Literal{P: l.P, V: d, T: decimalTypeOf(d), Text: l.Text}
			t = commonNumeric(t, es[i].Type())
		default:
			v, err := parseLiteralAs(l.V.(string), t)
			if err != nil {
				return nil, b.errAt(rqlerr.BindType, l.P, "invalid input syntax for type %s: \"%s\"", t, l.V)
			}
			es[i] = &Literal{P: l.P, V: v, T: t, Text: l.Text}
		}
	}
	if t == nil {
		return sqltypes.Null, nil
	}
	return t, nil
}

func (b *binder) bindMap(x *parser.MapCtor) (Expr, error) {
	if len(x.Keys) == 0 {
		return nil, b.errAt(rqlerr.BindInvalid, x.Pos, "Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239).")
	}
	out := &MapCtor{P: x.Pos}
	for i := range x.Keys {
		k, err := b.bind(x.Keys[i])
		if err != nil {
			return nil, err
		}
		v, err := b.bind(x.Vals[i])
		if err != nil {
			return nil, err
		}
		out.Keys = append(out.Keys, k)
		out.Vals = append(out.Vals, v)
	}
	kt, err := b.unify(out.Keys, "map key")
	if err != nil {
		return nil, err
	}
	vt, err := b.unify(out.Vals, "map value")
	if err != nil {
		return nil, err
	}
	if kt.Kind == sqltypes.KindNull {
		return nil, b.errAt(rqlerr.BindInvalid, x.Pos, "Cannot construct a map with all NULL keys")
	}
	if vt.Kind == sqltypes.KindNull {
		return nil, b.errAt(rqlerr.BindInvalid, x.Pos, "Cannot construct a map with all NULL values")
	}
	for i := range out.Keys {
		out.Keys[i] = castTo(out.Keys[i], kt)
		out.Vals[i] = castTo(out.Vals[i], vt)
	}
	out.T = sqltypes.MapOf(kt, vt)
	return out, nil
}

func (b *binder) bindStruct(x *parser.StructCtor) (Expr, error) {
	out := &StructCtor{P: x.Pos}
	var fields []sqltypes.Field
	seen := map[string]bool{}
	for i, n := range x.Names {
		if seen[n] {
			return nil, b.errAt(rqlerr.BindInvalid, x.Pos, "Duplicate field names found in STRUCT: '%s'", n)
		}
		seen[n] = true
		v, err := b.bind(x.Values[i])
		if err != nil {
			return nil, err
		}
		out.Vals = append(out.Vals, v)
		fields = append(fields, sqltypes.Field{Name: n, Type: v.Type()})
	}
	out.T = sqltypes.StructOf(fields...)
	return out, nil
}

// parseLiteralAs converts a string literal to type t as ksqlDB does when a
// string literal meets a typed operand.
func parseLiteralAs(s string, t *sqltypes.Type) (sqltypes.Value, error) {
	v, err := udf.Cast(s, sqltypes.String, t)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, rqlerr.New(rqlerr.BindType, "invalid input syntax for type %s", t)
	}
	return v, nil
}
