package udf

import (
	"math"
	"reflect"
	"testing"

	"github.com/rql/rql/sqltypes"
)

// tv is a typed argument for callFn.
type tv struct {
	t *sqltypes.Type
	v sqltypes.Value
}

func sv(s string) tv                    { return tv{sqltypes.String, s} }
func iv(i int32) tv                     { return tv{sqltypes.Int, i} }
func bv(i int64) tv                     { return tv{sqltypes.Bigint, i} }
func dv(f float64) tv                   { return tv{sqltypes.Double, f} }
func nv(t *sqltypes.Type) tv            { return tv{t, nil} }
func byv(b []byte) tv                   { return tv{sqltypes.Bytes, b} }
func decv(s string, p, sc int) tv       { return tv{sqltypes.DecimalOf(p, sc), dec(s)} }
func lit(x tv) tv                       { return x }
func null() tv                          { return tv{sqltypes.Null, nil} }
func arr(t *sqltypes.Type, v ...any) tv { return tv{sqltypes.ArrayOf(t), v} }

// callFn resolves and evaluates name(args...) the way the executor does:
// coerce each argument to its ArgType, short-circuit NULLs unless the
// variant passes them, then Eval.
func callFn(t *testing.T, r *Registry, props map[string]string, name string, args ...tv) (sqltypes.Value, *sqltypes.Type, error) {
	t.Helper()
	rargs := make([]Arg, len(args))
	for i, a := range args {
		rargs[i] = Arg{Type: a.t, Literal: a.t.Kind == sqltypes.KindString}
	}
	res, err := r.Resolve(name, rargs)
	if err != nil {
		t.Fatalf("%s: resolve: %v", name, err)
	}
	vals := make([]sqltypes.Value, len(args))
	for i, a := range args {
		c, err := Coerce(a.v, a.t, res.ArgTypes[i])
		if err != nil {
			t.Fatalf("%s: coerce arg %d: %v", name, i, err)
		}
		if c == nil && !res.Variant.PassNulls {
			return nil, res.Return, nil
		}
		vals[i] = c
	}
	v, err := res.Variant.Eval(&EvalContext{Props: props}, vals)
	return v, res.Return, err
}

type fnCase struct {
	fn   string
	args []tv
	want any // compared after norm; use "dec:1.50" for decimals
}

func runFnCases(t *testing.T, cases []fnCase) {
	t.Helper()
	r := Builtins()
	for _, c := range cases {
		got, _, err := callFn(t, r, nil, c.fn, c.args...)
		if err != nil {
			t.Errorf("%s%v: error %v", c.fn, c.args, err)
			continue
		}
		if !sameResult(got, c.want) {
			t.Errorf("%s%v = %#v, want %#v", c.fn, c.args, norm(got), norm(c.want))
		}
	}
}

func strs(ss ...string) []sqltypes.Value {
	out := make([]sqltypes.Value, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// sameResult compares normalized values; DOUBLEs within 1e-12 relative (Go's
// and Java's libm may differ in the last bit).
func sameResult(got, want any) bool {
	g, ok1 := got.(float64)
	w, ok2 := want.(float64)
	if ok1 && ok2 && math.IsNaN(w) {
		return math.IsNaN(g)
	}
	if ok1 && ok2 && !math.IsInf(w, 0) {
		return math.Abs(g-w) <= 1e-12*math.Max(1, math.Abs(w))
	}
	return reflect.DeepEqual(norm(got), norm(want))
}
