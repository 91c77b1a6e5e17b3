package exec

import (
	"bytes"
	"math"
	"strings"

	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
)

// compilePair compiles the two operands of a binary operator.
func compilePair(x, y planner.Expr) (evalFn, evalFn, error) {
	l, err := compile(x)
	if err != nil {
		return nil, nil, err
	}
	r, err := compile(y)
	if err != nil {
		return nil, nil, err
	}
	return l, r, nil
}

// evalPair evaluates both operands of a binary operator, left first; the
// right one is evaluated even when the left is NULL (its errors count).
func evalPair(c *evalCtx, l, r evalFn) (a, b sqltypes.Value, err error) {
	if a, err = l(c); err != nil {
		return nil, nil, err
	}
	if b, err = r(c); err != nil {
		return nil, nil, err
	}
	return a, b, nil
}

func compileArith(x *planner.Arith) (evalFn, error) {
	l, r, err := compilePair(x.L, x.R)
	if err != nil {
		return nil, err
	}
	op, t := x.Op, x.T
	var f func(c *evalCtx, a, b sqltypes.Value) (sqltypes.Value, error)
	switch t.Kind {
	case sqltypes.KindInt:
		f = func(c *evalCtx, a, b sqltypes.Value) (sqltypes.Value, error) {
			n, err := arithIntegral(op, a.(int32), b.(int32))
			if err != nil {
				return nil, err
			}
			return c.box.Int32(n), nil
		}
	case sqltypes.KindBigint:
		f = func(c *evalCtx, a, b sqltypes.Value) (sqltypes.Value, error) {
			n, err := arithIntegral(op, a.(int64), b.(int64))
			if err != nil {
				return nil, err
			}
			return c.box.Int64(n), nil
		}
	case sqltypes.KindDouble:
		f = func(c *evalCtx, a, b sqltypes.Value) (sqltypes.Value, error) {
			return c.box.Float64(arithDouble(op, a.(float64), b.(float64))), nil
		}
	case sqltypes.KindDecimal:
		f = func(_ *evalCtx, a, b sqltypes.Value) (sqltypes.Value, error) {
			return arithDecimal(op, toDecimal(a), toDecimal(b), t)
		}
	default:
		return nil, evalErr("unsupported arithmetic type %s", t)
	}
	return func(c *evalCtx) (sqltypes.Value, error) {
		a, b, err := evalPair(c, l, r)
		if err != nil {
			return nil, err
		}
		if a == nil || b == nil {
			if len(c.lambdas) > 0 {
				// Java unboxes operands in lambda bodies: NULL fails the call.
				return nil, evalErr("null operand in %s", op)
			}
			return nil, nil
		}
		return f(c, a, b)
	}, nil
}

func toDecimal(v sqltypes.Value) sqltypes.Decimal {
	switch x := v.(type) {
	case sqltypes.Decimal:
		return x
	case int32:
		return sqltypes.NewDecimal(int64(x), 0)
	case int64:
		return sqltypes.NewDecimal(x, 0)
	}
	return sqltypes.Decimal{}
}

// arithIntegral is INT / BIGINT arithmetic with Java's semantics: wrapping
// overflow (MIN / -1 is MIN, MIN % -1 is 0, as Go's own operators give)
// and an evaluation error for a zero divisor.
func arithIntegral[T int32 | int64](op planner.ArithOp, a, b T) (T, error) {
	switch op {
	case planner.ArithAdd:
		return a + b, nil
	case planner.ArithSub:
		return a - b, nil
	case planner.ArithMul:
		return a * b, nil
	}
	if b == 0 {
		return 0, evalErr("/ by zero")
	}
	if op == planner.ArithDiv {
		return a / b, nil
	}
	return a % b, nil
}

func arithDouble(op planner.ArithOp, a, b float64) float64 {
	switch op {
	case planner.ArithAdd:
		return a + b
	case planner.ArithSub:
		return a - b
	case planner.ArithMul:
		return a * b
	case planner.ArithDiv:
		return a / b
	}
	return math.Mod(a, b)
}

func arithDecimal(op planner.ArithOp, a, b sqltypes.Decimal, t *sqltypes.Type) (sqltypes.Value, error) {
	var r sqltypes.Decimal
	var err error
	switch op {
	case planner.ArithAdd:
		r = a.Add(b)
	case planner.ArithSub:
		r = a.Sub(b)
	case planner.ArithMul:
		r = a.Mul(b)
	case planner.ArithDiv:
		r, err = a.Div(b, int32(t.Scale))
	case planner.ArithMod:
		r, err = a.Rem(b)
	}
	if err != nil {
		return nil, evalErr("%v", err)
	}
	r = r.Rescale(int32(t.Scale))
	if !r.FitsIn(t.Precision, t.Scale) {
		return nil, evalErr("Numeric field overflow: A field with precision %d and scale %d must round to an absolute value less than 10^%d. Got %s", t.Precision, t.Scale, t.Precision-t.Scale, r)
	}
	return r, nil
}

func compileNeg(x *planner.Neg) (evalFn, error) {
	f, err := compile(x.X)
	if err != nil {
		return nil, err
	}
	return func(c *evalCtx) (sqltypes.Value, error) {
		v, err := f(c)
		if v == nil || err != nil {
			return nil, err
		}
		switch n := v.(type) {
		case int32:
			return -n, nil
		case int64:
			return -n, nil
		case float64:
			return -n, nil
		case sqltypes.Decimal:
			return n.Neg(), nil
		}
		return nil, evalErr("cannot negate %T", v)
	}, nil
}

func compileConcat(x *planner.Concat) (evalFn, error) {
	l, r, err := compilePair(x.L, x.R)
	if err != nil {
		return nil, err
	}
	return func(c *evalCtx) (sqltypes.Value, error) {
		a, err := l(c)
		if a == nil || err != nil {
			return nil, err // a NULL left side: NULL, the right one unevaluated
		}
		b, err := r(c)
		if b == nil || err != nil {
			return nil, err
		}
		return a.(string) + b.(string), nil
	}, nil
}

// compareValues orders two non-NULL values of one comparable type.
func compareValues(a, b sqltypes.Value) (int, bool) {
	switch x := a.(type) {
	case bool:
		y, ok := b.(bool)
		if !ok {
			return 0, false
		}
		switch {
		case x == y:
			return 0, true
		case !x:
			return -1, true
		}
		return 1, true
	case int32:
		switch y := b.(type) {
		case int32:
			return cmpOrdered(x, y), true
		case int64:
			return cmpOrdered(int64(x), y), true
		}
	case int64:
		switch y := b.(type) {
		case int64:
			return cmpOrdered(x, y), true
		case int32:
			return cmpOrdered(x, int64(y)), true
		}
	case float64:
		if y, ok := b.(float64); ok {
			return cmpOrdered(x, y), true
		}
	case sqltypes.Decimal:
		if y, ok := b.(sqltypes.Decimal); ok {
			return x.Cmp(y), true
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), true
		}
	case []byte:
		if y, ok := b.([]byte); ok {
			return bytes.Compare(x, y), true
		}
	case sqltypes.Timestamp:
		if y, ok := b.(sqltypes.Timestamp); ok {
			return cmpOrdered(x, y), true
		}
	case sqltypes.Date:
		if y, ok := b.(sqltypes.Date); ok {
			return cmpOrdered(x, y), true
		}
	case sqltypes.Time:
		if y, ok := b.(sqltypes.Time); ok {
			return cmpOrdered(x, y), true
		}
	}
	return 0, false
}

func cmpOrdered[T int32 | int64 | float64 | sqltypes.Timestamp | sqltypes.Date | sqltypes.Time](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// valuesEqual is SQL equality of two non-NULL values, deep for composites.
func valuesEqual(a, b sqltypes.Value) bool {
	if c, ok := compareValues(a, b); ok {
		return c == 0
	}
	switch x := a.(type) {
	case []sqltypes.Value:
		y, ok := b.([]sqltypes.Value)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !nullableEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case *sqltypes.Map:
		y, ok := b.(*sqltypes.Map)
		if !ok || len(x.Keys) != len(y.Keys) {
			return false
		}
		for i, k := range x.Keys {
			found := false
			for j, k2 := range y.Keys {
				if nullableEqual(k, k2) {
					found = nullableEqual(x.Vals[i], y.Vals[j])
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	case *sqltypes.Struct:
		y, ok := b.(*sqltypes.Struct)
		if !ok || len(x.Vals) != len(y.Vals) {
			return false
		}
		for i := range x.Vals {
			if !nullableEqual(x.Vals[i], y.Vals[i]) {
				return false
			}
		}
		return true
	}
	return false
}

func nullableEqual(a, b sqltypes.Value) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return valuesEqual(a, b)
}

func compileCmp(x *planner.Cmp) (evalFn, error) {
	l, r, err := compilePair(x.L, x.R)
	if err != nil {
		return nil, err
	}
	op := x.Op
	return func(c *evalCtx) (sqltypes.Value, error) {
		a, b, err := evalPair(c, l, r)
		if err != nil {
			return nil, err
		}
		if op == planner.CmpIsDistinct || op == planner.CmpIsNotDistinct {
			eq := nullableEqual(a, b)
			return eq == (op == planner.CmpIsNotDistinct), nil
		}
		if a == nil || b == nil {
			return false, nil // ksqlDB: a comparison with NULL is false
		}
		if op == planner.CmpEq || op == planner.CmpNe {
			eq := valuesEqual(a, b)
			return eq == (op == planner.CmpEq), nil
		}
		n, ok := compareValues(a, b)
		if !ok {
			return nil, evalErr("cannot compare %T and %T", a, b)
		}
		switch op {
		case planner.CmpLt:
			return n < 0, nil
		case planner.CmpLe:
			return n <= 0, nil
		case planner.CmpGt:
			return n > 0, nil
		}
		return n >= 0, nil
	}, nil
}

func compileLogic(x *planner.Logic) (evalFn, error) {
	l, r, err := compilePair(x.L, x.R)
	if err != nil {
		return nil, err
	}
	and := x.And
	return func(c *evalCtx) (sqltypes.Value, error) {
		a, err := l(c)
		if err != nil {
			return nil, err
		}
		if a != nil && a.(bool) != and {
			return !and, nil // FALSE AND x, TRUE OR x
		}
		b, err := r(c)
		if err != nil {
			return nil, err
		}
		if b != nil && b.(bool) != and {
			return !and, nil
		}
		if a == nil || b == nil {
			return nil, nil
		}
		return and, nil
	}, nil
}

func compileIn(x *planner.In) (evalFn, error) {
	f, err := compile(x.X)
	if err != nil {
		return nil, err
	}
	list, err := compileAll(x.List)
	if err != nil {
		return nil, err
	}
	not := x.Not
	return func(c *evalCtx) (sqltypes.Value, error) {
		v, err := f(c)
		if err != nil {
			return nil, err
		}
		if v == nil {
			return false, nil
		}
		sawNull := false
		for _, g := range list {
			w, err := g(c)
			if err != nil {
				return nil, err
			}
			if w == nil {
				sawNull = true
				continue
			}
			if valuesEqual(v, w) {
				return !not, nil
			}
		}
		_ = sawNull
		return not, nil
	}, nil
}

func compileBetween(x *planner.Between) (evalFn, error) {
	fs, err := compileAll([]planner.Expr{x.X, x.Lo, x.Hi})
	if err != nil {
		return nil, err
	}
	not := x.Not
	return func(c *evalCtx) (sqltypes.Value, error) {
		var vs [3]sqltypes.Value
		for i, f := range fs {
			v, err := f(c)
			if err != nil {
				return nil, err
			}
			if v == nil {
				return false, nil
			}
			vs[i] = v
		}
		lo, ok1 := compareValues(vs[0], vs[1])
		hi, ok2 := compareValues(vs[0], vs[2])
		if !ok1 || !ok2 {
			return nil, evalErr("cannot compare values in BETWEEN")
		}
		return (lo >= 0 && hi <= 0) != not, nil
	}, nil
}

func compileCase(x *planner.Case) (evalFn, error) {
	type arm struct{ cond, res evalFn }
	arms := make([]arm, len(x.Whens))
	for i, w := range x.Whens {
		c, err := compile(w.Cond)
		if err != nil {
			return nil, err
		}
		r, err := compile(w.Result)
		if err != nil {
			return nil, err
		}
		arms[i] = arm{c, r}
	}
	var els evalFn
	if x.Else != nil {
		var err error
		if els, err = compile(x.Else); err != nil {
			return nil, err
		}
	}
	return func(c *evalCtx) (sqltypes.Value, error) {
		for _, a := range arms {
			v, err := a.cond(c)
			if err != nil {
				return nil, err
			}
			if v != nil && v.(bool) {
				return a.res(c)
			}
		}
		if els != nil {
			return els(c)
		}
		return nil, nil
	}, nil
}

func compileDeref(x *planner.Deref) (evalFn, error) {
	f, err := compile(x.X)
	if err != nil {
		return nil, err
	}
	i := x.Index
	return func(c *evalCtx) (sqltypes.Value, error) {
		v, err := f(c)
		if v == nil || err != nil {
			return nil, err
		}
		s := v.(*sqltypes.Struct)
		if i >= len(s.Vals) {
			return nil, nil
		}
		return s.Vals[i], nil
	}, nil
}

func compileSubscript(x *planner.Subscript) (evalFn, error) {
	f, err := compile(x.X)
	if err != nil {
		return nil, err
	}
	idx, err := compile(x.Index)
	if err != nil {
		return nil, err
	}
	return func(c *evalCtx) (sqltypes.Value, error) {
		v, err := f(c)
		if v == nil || err != nil {
			return nil, err
		}
		k, err := idx(c)
		if k == nil || err != nil {
			return nil, err
		}
		switch cont := v.(type) {
		case []sqltypes.Value:
			var i int
			switch n := k.(type) {
			case int32:
				i = int(n)
			case int64:
				i = int(n)
			}
			switch {
			case i > 0 && i <= len(cont):
				return cont[i-1], nil
			case i < 0 && -i <= len(cont):
				return cont[len(cont)+i], nil
			}
			return nil, nil
		case *sqltypes.Map:
			for j, mk := range cont.Keys {
				if mk != nil && valuesEqual(mk, k) {
					return cont.Vals[j], nil
				}
			}
			return nil, nil
		}
		return nil, evalErr("cannot subscript %T", v)
	}, nil
}

func compileArray(x *planner.ArrayCtor) (evalFn, error) {
	fs, err := compileAll(x.Elems)
	if err != nil {
		return nil, err
	}
	return func(c *evalCtx) (sqltypes.Value, error) {
		out := make([]sqltypes.Value, len(fs))
		for i, f := range fs {
			v, err := f(c)
			if err != nil {
				if c.warn != nil {
					c.warn(c.row, err)
				}
				v = nil // an element that fails is NULL
			}
			out[i] = v
		}
		return out, nil
	}, nil
}

func compileMap(x *planner.MapCtor) (evalFn, error) {
	ks, err := compileAll(x.Keys)
	if err != nil {
		return nil, err
	}
	vs, err := compileAll(x.Vals)
	if err != nil {
		return nil, err
	}
	return func(c *evalCtx) (sqltypes.Value, error) {
		m := &sqltypes.Map{}
	outer:
		for i := range ks {
			k, err := ks[i](c)
			if err != nil {
				return nil, err
			}
			v, err := vs[i](c)
			if err != nil {
				return nil, err
			}
			for j, old := range m.Keys {
				if nullableEqual(old, k) {
					m.Vals[j] = v
					continue outer
				}
			}
			m.Keys = append(m.Keys, k)
			m.Vals = append(m.Vals, v)
		}
		return m, nil
	}, nil
}

func compileStruct(x *planner.StructCtor) (evalFn, error) {
	fs, err := compileAll(x.Vals)
	if err != nil {
		return nil, err
	}
	return func(c *evalCtx) (sqltypes.Value, error) {
		s := &sqltypes.Struct{Vals: make([]sqltypes.Value, len(fs))}
		for i, f := range fs {
			v, err := f(c)
			if err != nil {
				if c.warn != nil {
					c.warn(c.row, err)
				}
				v = nil // a field that fails is NULL
			}
			s.Vals[i] = v
		}
		return s, nil
	}, nil
}
