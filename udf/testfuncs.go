package udf

import (
	"sync/atomic"

	"github.com/rql/rql/sqltypes"
)

// RegisterTestFunctions adds the functions ksqlDB's own test harness loads
// from its test classpath and extension directory (TEST_UDF, TEST_UDTF,
// BAD_UDF, TOSTRUCT, WHENCONDITION, WHENRESULT), which its golden test cases
// call. They are not
// built-ins: only the conformance runner registers them. Each call creates
// fresh function state (BAD_UDF's alternating counter).
func RegisterTestFunctions(r *Registry) {
	r.MustRegister(testUDF(), testToStruct(), testBadUDF(), testUDTF(), testWhenCondition(), testWhenResult())
}

// testLazy returns a function that returns its first argument when its
// second is true and fails otherwise: ksqlDB's CASE tests call it in
// branches that must not be evaluated.
func testLazy(name, desc, what string, t *sqltypes.Type) *FuncDef {
	return &FuncDef{
		Name: name, Kind: Scalar, Category: "OTHER", Description: desc,
		Variants: []*Variant{dcVariant(t, "returns retValue; fails unless shouldBeEvaluated",
			func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				if !a[1].(bool) {
					return nil, collFail("%s in case is not running lazily!", what)
				}
				return a[0], nil
			}, dcParam("retValue", t), dcParam("shouldBeEvaluated", sqltypes.Boolean))},
	}
}

func testWhenCondition() *FuncDef {
	return testLazy("WHENCONDITION", "checks a CASE condition is evaluated lazily", "When condition", sqltypes.Boolean)
}

func testWhenResult() *FuncDef {
	return testLazy("WHENRESULT", "checks a CASE result is evaluated lazily", "When result", sqltypes.Int)
}

var testStructA = sqltypes.StructOf(sqltypes.Field{Name: "A", Type: sqltypes.String})

func testConst(ret *sqltypes.Type, v sqltypes.Value, params ...Param) *Variant {
	return dcVariant(ret, "returns the method name", func(*EvalContext, []sqltypes.Value) (sqltypes.Value, error) {
		return v, nil
	}, params...)
}

func testUDF() *FuncDef {
	str, big := sqltypes.String, sqltypes.Bigint
	varargs := testConst(str, "doStuffLongVarargs", dcParam("longs", big))
	varargs.Variadic = true
	return &FuncDef{
		Name: "TEST_UDF", Kind: Scalar, Category: "OTHER", Description: "test",
		Variants: []*Variant{
			testConst(str, "doStuffIntString", dcParam("arg1", sqltypes.Int), dcParam("arg2", str)),
			testConst(str, "doStuffLongString", dcParam("arg1", big), dcParam("arg2", str)),
			testConst(str, "doStuffLongLongString", dcParam("arg1", big), dcParam("arg2", big), dcParam("arg3", str)),
			varargs,
			dcVariant(str, "returns the value of 'A'", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return a[0].(*sqltypes.Struct).Vals[0], nil
			}, dcParam("struct", testStructA)),
			testConst(testStructA, &sqltypes.Struct{Vals: []sqltypes.Value{"foo"}}),
		},
	}
}

func testToStruct() *FuncDef {
	return &FuncDef{
		Name: "TOSTRUCT", Kind: Scalar, Category: "OTHER", Description: "converts things to a struct",
		Variants: []*Variant{collNulls(dcVariant(testStructA, "wraps a string in STRUCT<A STRING>",
			func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return &sqltypes.Struct{Vals: []sqltypes.Value{a[0]}}, nil
			}, dcParam("value", sqltypes.String)))},
	}
}

func testBadUDF() *FuncDef {
	var calls atomic.Int64
	return &FuncDef{
		Name: "BAD_UDF", Kind: Scalar, Category: "OTHER", Description: "throws exceptions when called",
		Variants: []*Variant{
			dcVariant(sqltypes.String, "throws", func(*EvalContext, []sqltypes.Value) (sqltypes.Value, error) {
				return nil, collFail("boom!")
			}, dcParam("arg1", sqltypes.Int)),
			dcVariant(sqltypes.Int, "throws if arg is true", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				if a[0].(bool) {
					return nil, collFail("You asked me to throw...")
				}
				return int32(0), nil
			}, dcParam("arg", sqltypes.Boolean)),
			dcVariant(sqltypes.String, "returns null every other invocation", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				if calls.Add(1)%2 == 1 {
					return nil, nil
				}
				return a[0], nil
			}, dcParam("arg", sqltypes.String)),
		},
	}
}

func testUDTF() *FuncDef {
	d := tblAnyDecimal
	prims := []*sqltypes.Type{sqltypes.Int, sqltypes.Bigint, sqltypes.Double, sqltypes.Boolean, sqltypes.String, d, testStructA}
	names := []string{"i", "l", "d", "b", "s", "bd", "struct"}
	text := func(v sqltypes.Value, t *sqltypes.Type) sqltypes.Value {
		if v == nil && t.Kind == sqltypes.KindString {
			return nil
		}
		return ValueText(v, t)
	}
	// standard, list and map parameter variants: one STRING row per argument.
	shaped := func(wrap func(*sqltypes.Type) *sqltypes.Type, first func(sqltypes.Value) sqltypes.Value) *Variant {
		ps := make([]Param, len(prims))
		for i, t := range prims {
			ps[i] = dcParam(names[i], wrap(t))
		}
		return dcVariant(sqltypes.String, "test", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
			out := make([]sqltypes.Value, len(a))
			for i, v := range a {
				out[i] = text(first(v), prims[i])
			}
			return out, nil
		}, ps...)
	}
	id := func(t *sqltypes.Type) *sqltypes.Type { return t }
	firstElem := func(v sqltypes.Value) sqltypes.Value {
		if l := collArr(v); len(l) > 0 {
			return l[0]
		}
		return nil
	}
	firstVal := func(v sqltypes.Value) sqltypes.Value {
		if m, ok := v.(*sqltypes.Map); ok && len(m.Vals) > 0 {
			return m.Vals[0]
		}
		return nil
	}
	variants := []*Variant{
		shaped(id, testIdentity),
		shaped(sqltypes.ArrayOf, firstElem),
		shaped(func(t *sqltypes.Type) *sqltypes.Type { return sqltypes.MapOf(sqltypes.String, t) }, firstVal),
	}
	for i, t := range prims {
		ret := t
		if t.Kind == sqltypes.KindDecimal {
			ret = sqltypes.DecimalOf(30, 10)
		}
		variants = append(variants, dcVariant(ret, "test", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
			return []sqltypes.Value{a[0]}, nil
		}, dcParam(names[i], t)))
	}
	return &FuncDef{Name: "TEST_UDTF", Kind: Table, Category: catTable, Description: "test", Variants: variants}
}

func testIdentity(v sqltypes.Value) sqltypes.Value { return v }
