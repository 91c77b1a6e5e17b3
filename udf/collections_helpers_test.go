package udf

import (
	"testing"

	"github.com/rql/rql/sqltypes"
)

// testVariant returns the variant of a built-in function whose parameter
// kinds are kinds (variadic and generic parameters match by position).
func testVariant(t *testing.T, name string, kinds ...sqltypes.Kind) *Variant {
	t.Helper()
	r := NewRegistry()
	registerDateTime(r)
	registerCollections(r)
	registerLambda(r)
	registerTable(r)
	RegisterTestFunctions(r)
	def, ok := r.Lookup(name)
	if !ok {
		t.Fatalf("function %s not registered", name)
	}
	for _, v := range def.Variants {
		if len(v.Params) != len(kinds) {
			continue
		}
		match := true
		for i, p := range v.Params {
			if p.Type.Kind != kinds[i] {
				match = false
			}
		}
		if match {
			return v
		}
	}
	t.Fatalf("no variant of %s with kinds %v", name, kinds)
	return nil
}

// testCall evaluates a variant with the registry's NULL handling.
func testCall(v *Variant, args ...sqltypes.Value) (sqltypes.Value, error) {
	if !v.PassNulls {
		for _, a := range args {
			if a == nil {
				return nil, nil
			}
		}
	}
	return v.Eval(&EvalContext{}, args)
}

func cvals(vs ...sqltypes.Value) []sqltypes.Value { return vs }

func cdec(s string) sqltypes.Decimal {
	d, err := sqltypes.ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// testLambda is a Lambda backed by a Go function.
type testLambda func(args ...sqltypes.Value) (sqltypes.Value, error)

func (f testLambda) Call(args ...sqltypes.Value) (sqltypes.Value, error) { return f(args...) }
