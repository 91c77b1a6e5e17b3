package udf

import (
	"reflect"
	"testing"

	"github.com/rql/rql/sqltypes"
)

const (
	kArr = sqltypes.KindArray
	kMap = sqltypes.KindMap
	kGen = sqltypes.KindGeneric
	kBoo = sqltypes.KindBoolean
	kLam = sqltypes.KindLambda
)

func smap(kv ...sqltypes.Value) *sqltypes.Map {
	m := &sqltypes.Map{}
	for i := 0; i < len(kv); i += 2 {
		m.Keys = append(m.Keys, kv[i])
		m.Vals = append(m.Vals, kv[i+1])
	}
	return m
}

func entry(k, v sqltypes.Value) *sqltypes.Struct { return &sqltypes.Struct{Vals: cvals(k, v)} }

// equalValues compares results, DECIMALs by value and scale.
func equalValues(a, b sqltypes.Value) bool {
	if da, ok := a.(sqltypes.Decimal); ok {
		db, ok := b.(sqltypes.Decimal)
		return ok && da.String() == db.String()
	}
	if la, ok := a.([]sqltypes.Value); ok {
		lb, ok := b.([]sqltypes.Value)
		if !ok || len(la) != len(lb) || (la == nil) != (lb == nil) {
			return false
		}
		for i := range la {
			if !equalValues(la[i], lb[i]) {
				return false
			}
		}
		return true
	}
	if ma, ok := a.(*sqltypes.Map); ok {
		mb, ok := b.(*sqltypes.Map)
		return ok && equalValues(ma.Keys, mb.Keys) && equalValues(ma.Vals, mb.Vals)
	}
	if sa, ok := a.(*sqltypes.Struct); ok {
		sb, ok := b.(*sqltypes.Struct)
		return ok && equalValues(sa.Vals, sb.Vals)
	}
	return reflect.DeepEqual(a, b)
}

type callCase struct {
	name  string
	fn    string
	kinds []sqltypes.Kind
	args  []sqltypes.Value
	want  sqltypes.Value
	err   bool
}

func runCalls(t *testing.T, cases []callCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := testCall(testVariant(t, c.fn, c.kinds...), c.args...)
			if c.err {
				if err == nil {
					t.Fatalf("want error, got %v", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !equalValues(got, c.want) {
				t.Fatalf("got %#v, want %#v", got, c.want)
			}
		})
	}
}

func TestArrayFunctions(t *testing.T) {
	a1 := []sqltypes.Kind{kArr}
	a2 := []sqltypes.Kind{kArr, kArr}
	av := []sqltypes.Kind{kArr, kGen}
	empty := []sqltypes.Value{}
	runCalls(t, []callCase{
		{"max bool", "ARRAY_MAX", a1, cvals(cvals(false, true, false)), true, false},
		{"max ints nulls", "ARRAY_MAX", a1, cvals(cvals(int32(0), nil, int32(1), int32(-1))), int32(1), false},
		{"max strings", "ARRAY_MAX", a1, cvals(cvals("foo", "fo", "Food", nil, "F", "food")), "food", false},
		{"max decimals", "ARRAY_MAX", a1, cvals(cvals(cdec("1.0"), cdec("-9.9"), cdec("9.0"))), cdec("9.0"), false},
		{"max empty", "ARRAY_MAX", a1, cvals(empty), nil, false},
		{"min doubles", "ARRAY_MIN", a1, cvals(cvals(0.0, 0.1, -12345.678, nil)), -12345.678, false},
		{"sort asc", "ARRAY_SORT", a1, cvals(cvals("foo", "fo", "Food", nil, "F", "food")), cvals("F", "Food", "fo", "foo", "food", nil), false},
		{"sort desc", "ARRAY_SORT", []sqltypes.Kind{kArr, kStr}, cvals(cvals(int32(0), nil, int32(1), int32(0), int32(-1)), "desc"), cvals(int32(1), int32(0), int32(0), int32(-1), nil), false},
		{"sort bad dir", "ARRAY_SORT", []sqltypes.Kind{kArr, kStr}, cvals(cvals(int32(0)), "up"), nil, false},
		{"sort null", "ARRAY_SORT", a1, cvals(nil), nil, false},
		{"length", "ARRAY_LENGTH", a1, cvals(cvals(1, 2, 3)), int32(3), false},
		{"contains", "ARRAY_CONTAINS", av, cvals(cvals("Pink", nil), "Pink"), true, false},
		{"contains no", "ARRAY_CONTAINS", av, cvals(cvals("Red"), "Pink"), false, false},
		{"contains null array", "ARRAY_CONTAINS", av, cvals(nil, "Pink"), false, false},
		{"remove", "ARRAY_REMOVE", av, cvals(cvals("foo", "bar", "foo"), "foo"), cvals("bar"), false},
		{"remove null", "ARRAY_REMOVE", av, cvals(cvals(nil, false, true), nil), cvals(false, true), false},
		{"remove lists", "ARRAY_REMOVE", av, cvals(cvals(cvals("foo"), nil, cvals("foo", "bar")), cvals("foo")), cvals(nil, cvals("foo", "bar")), false},
		{"remove maps", "ARRAY_REMOVE", av, cvals(cvals(smap("apple", int32(1), "banana", int32(2)), smap("apple", int32(3))), smap("banana", int32(2), "apple", int32(1))), cvals(smap("apple", int32(3))), false},
		{"remove null array", "ARRAY_REMOVE", av, cvals(nil, "x"), nil, false},
		{"distinct", "ARRAY_DISTINCT", a1, cvals(cvals(int32(0), nil, int32(1), int32(0), nil)), cvals(int32(0), nil, int32(1)), false},
		{"distinct decimals", "ARRAY_DISTINCT", a1, cvals(cvals(cdec("1.0"), cdec("1.1"), cdec("1.1"), nil, cdec("1.0"))), cvals(cdec("1.0"), cdec("1.1"), nil), false},
		{"except", "ARRAY_EXCEPT", a2, cvals(cvals(int32(0), int32(0), int32(1), int32(0), int32(-1)), cvals(int32(1), int32(-2))), cvals(int32(0), int32(-1)), false},
		{"except null", "ARRAY_EXCEPT", a2, cvals(cvals(int32(0)), nil), nil, false},
		{"intersect", "ARRAY_INTERSECT", a2, cvals(cvals("foo", "bar", "foo"), cvals("foo", "baz")), cvals("foo"), false},
		{"union", "ARRAY_UNION", a2, cvals(cvals(int32(0), int32(0), int32(1), int32(-1)), cvals(int32(1), int32(-2), int32(0))), cvals(int32(0), int32(1), int32(-1), int32(-2)), false},
		{"concat", "ARRAY_CONCAT", a2, cvals(cvals(int32(1)), cvals(int32(2), int32(3))), cvals(int32(1), int32(2), int32(3)), false},
		{"concat left null", "ARRAY_CONCAT", a2, cvals(nil, cvals(int32(1), int32(-2))), cvals(int32(1), int32(-2)), false},
		{"concat both null", "ARRAY_CONCAT", a2, cvals(nil, nil), nil, false},
		{"join delim", "ARRAY_JOIN", []sqltypes.Kind{kArr, kStr}, cvals(cvals(true, nil, false), "|"), "true|null|false", false},
		{"join doubles", "ARRAY_JOIN", []sqltypes.Kind{kArr, kStr}, cvals(cvals(1.23, -23.42, 0.0), " "), "1.23 -23.42 0.0", false},
		{"join decimals null delim", "ARRAY_JOIN", []sqltypes.Kind{kArr, kStr}, cvals(cvals(cdec("123.45"), cdec("987.65")), nil), "123.45987.65", false},
		{"join default", "ARRAY_JOIN", a1, cvals(cvals(int64(-4294967297), int64(8589934592))), "-4294967297,8589934592", false},
		{"join nested", "ARRAY_JOIN", a1, cvals(cvals(cvals(1))), nil, true},
		{"slice", "SLICE", []sqltypes.Kind{kArr, kInt, kInt}, cvals(cvals("a", "b", "c", "d"), int32(2), int32(3)), cvals("b", "c"), false},
		{"slice null from", "SLICE", []sqltypes.Kind{kArr, kInt, kInt}, cvals(cvals("a", "b", "c"), nil, int32(2)), cvals("a", "b"), false},
		{"slice out of range", "SLICE", []sqltypes.Kind{kArr, kInt, kInt}, cvals(cvals("a"), int32(1), int32(3)), nil, false},
		{"series", "GENERATE_SERIES", []sqltypes.Kind{kInt, kInt, kInt}, cvals(int32(-2), int32(1), int32(2)), cvals(int32(-2), int32(0)), false},
		{"series down", "GENERATE_SERIES", []sqltypes.Kind{kInt, kInt, kInt}, cvals(int32(9), int32(0), int32(-3)), cvals(int32(9), int32(6), int32(3), int32(0)), false},
		{"series default step", "GENERATE_SERIES", []sqltypes.Kind{kBig, kBig}, cvals(int64(3), int64(1)), cvals(int64(3), int64(2), int64(1)), false},
		{"series zero step", "GENERATE_SERIES", []sqltypes.Kind{kInt, kInt, kInt}, cvals(int32(0), int32(3), int32(0)), nil, true},
		{"series wrong sign", "GENERATE_SERIES", []sqltypes.Kind{kBig, kBig, kInt}, cvals(int64(0), int64(3), int32(-1)), nil, true},
	})
}

func TestMapFunctions(t *testing.T) {
	m := smap("K2", int32(2), "K1", int32(1), "K3", int32(3))
	runCalls(t, []callCase{
		{"keys", "MAP_KEYS", []sqltypes.Kind{kMap}, cvals(m), cvals("K2", "K1", "K3"), false},
		{"keys null", "MAP_KEYS", []sqltypes.Kind{kMap}, cvals(nil), nil, false},
		{"values", "MAP_VALUES", []sqltypes.Kind{kMap}, cvals(m), cvals(int32(2), int32(1), int32(3)), false},
		{"union", "MAP_UNION", []sqltypes.Kind{kMap, kMap}, cvals(smap("a", 1, "b", 2), smap("b", 3, "c", 4)), smap("a", 1, "b", 3, "c", 4), false},
		{"union null", "MAP_UNION", []sqltypes.Kind{kMap, kMap}, cvals(nil, smap("b", 3)), smap("b", 3), false},
		{"as_map", "AS_MAP", []sqltypes.Kind{kArr, kArr}, cvals(cvals("a", "b"), cvals(int32(1), int32(2), int32(3))), smap("a", int32(1), "b", int32(2)), false},
		{"as_map short values", "AS_MAP", []sqltypes.Kind{kArr, kArr}, cvals(cvals("a", "b", "c"), cvals(int32(1), int32(2))), smap("a", int32(1), "b", int32(2), "c", nil), false},
		{"entries sorted", "ENTRIES", []sqltypes.Kind{kMap, kBoo}, cvals(m, true), cvals(entry("K1", int32(1)), entry("K2", int32(2)), entry("K3", int32(3))), false},
		{"entries unsorted", "ENTRIES", []sqltypes.Kind{kMap, kBoo}, cvals(m, false), cvals(entry("K2", int32(2)), entry("K1", int32(1)), entry("K3", int32(3))), false},
		{"entries null", "ENTRIES", []sqltypes.Kind{kMap, kBoo}, cvals(nil, true), nil, false},
	})
}

func TestLambdaFunctions(t *testing.T) {
	plus := func(n int32) testLambda {
		return func(a ...sqltypes.Value) (sqltypes.Value, error) {
			if a[0] == nil {
				return nil, nil
			}
			return a[0].(int32) + n, nil
		}
	}
	fail := testLambda(func(...sqltypes.Value) (sqltypes.Value, error) { return nil, collFail("boom") })
	concat := testLambda(func(a ...sqltypes.Value) (sqltypes.Value, error) {
		s := a[0].(string)
		if x, ok := a[1].(string); ok {
			s += x
		}
		return s, nil
	})
	keyLen := testLambda(func(a ...sqltypes.Value) (sqltypes.Value, error) { return len(a[0].(string)) > 2, nil })
	sumKV := testLambda(func(a ...sqltypes.Value) (sqltypes.Value, error) {
		if a[0] == nil || a[2] == nil {
			return nil, nil
		}
		return a[0].(int32) + a[2].(int32), nil
	})
	valTimes10 := testLambda(func(a ...sqltypes.Value) (sqltypes.Value, error) { return a[1].(int32) * 10, nil })
	upper := testLambda(func(a ...sqltypes.Value) (sqltypes.Value, error) { return a[0].(string) + "!", nil })
	runCalls(t, []callCase{
		{"transform", "TRANSFORM", []sqltypes.Kind{kArr, kLam}, cvals(cvals(int32(3), int32(6), nil), plus(5)), cvals(int32(8), int32(11), nil), false},
		{"transform null", "TRANSFORM", []sqltypes.Kind{kArr, kLam}, cvals(nil, plus(5)), nil, false},
		{"transform error", "TRANSFORM", []sqltypes.Kind{kArr, kLam}, cvals(cvals(int32(1)), fail), nil, true},
		{"transform map", "TRANSFORM", []sqltypes.Kind{kMap, kLam, kLam}, cvals(smap("a", int32(1), "b", int32(2)), upper, valTimes10), smap("a!", int32(10), "b!", int32(20)), false},
		{"filter", "FILTER", []sqltypes.Kind{kArr, kLam}, cvals(cvals("a", "abc", "abcd"), keyLen), cvals("abc", "abcd"), false},
		{"filter map", "FILTER", []sqltypes.Kind{kMap, kLam}, cvals(smap("a", 1, "bcd", 2), keyLen), smap("bcd", 2), false},
		{"filter map null", "FILTER", []sqltypes.Kind{kMap, kLam}, cvals(nil, keyLen), nil, false},
		{"reduce", "REDUCE", []sqltypes.Kind{kArr, kGen, kLam}, cvals(cvals("to be or", nil), "", concat), "to be or", false},
		{"reduce null array", "REDUCE", []sqltypes.Kind{kArr, kGen, kLam}, cvals(nil, "", concat), "", false},
		{"reduce map", "REDUCE", []sqltypes.Kind{kMap, kGen, kLam}, cvals(smap("x", int32(6), "y", int32(7)), int32(1), sumKV), int32(14), false},
		{"reduce map null state", "REDUCE", []sqltypes.Kind{kMap, kGen, kLam}, cvals(smap("x", int32(6)), nil, sumKV), nil, false},
		{"reduce map null map", "REDUCE", []sqltypes.Kind{kMap, kGen, kLam}, cvals(nil, int32(0), sumKV), int32(0), false},
	})
}

func TestTableFunctions(t *testing.T) {
	runCalls(t, []callCase{
		{"explode", "EXPLODE", []sqltypes.Kind{kArr}, cvals(cvals(int64(1), int64(2))), cvals(int64(1), int64(2)), false},
		{"explode empty", "EXPLODE", []sqltypes.Kind{kArr}, cvals([]sqltypes.Value{}), []sqltypes.Value{}, false},
		{"explode null", "EXPLODE", []sqltypes.Kind{kArr}, cvals(nil), nil, false},
		{"cube", "CUBE_EXPLODE", []sqltypes.Kind{kArr}, cvals(cvals(int32(1), int32(2))),
			cvals(cvals(nil, nil), cvals(nil, int32(2)), cvals(int32(1), nil), cvals(int32(1), int32(2))), false},
		{"cube null column", "CUBE_EXPLODE", []sqltypes.Kind{kArr}, cvals(cvals(int32(1), nil)),
			cvals(cvals(nil, nil), cvals(int32(1), nil)), false},
	})
	def, _ := func() (*FuncDef, bool) { r := NewRegistry(); registerTable(r); return r.Lookup("EXPLODE") }()
	if def.Kind != Table || len(def.Variants) != 2 || def.Variants[0].Params[0].Name != "input" {
		t.Fatalf("EXPLODE signature: %+v", def)
	}
	rt, err := def.Variants[0].ReturnFn([]*sqltypes.Type{sqltypes.ArrayOf(sqltypes.DecimalOf(20, 10))})
	if err != nil || !rt.Equal(sqltypes.DecimalOf(20, 10)) {
		t.Fatalf("EXPLODE decimal return = %v, %v", rt, err)
	}
}

func TestTestFunctions(t *testing.T) {
	st := &sqltypes.Struct{Vals: cvals("bar")}
	runCalls(t, []callCase{
		{"udtf standard", "TEST_UDTF", []sqltypes.Kind{kInt, kBig, sqltypes.KindDouble, kBoo, kStr, sqltypes.KindDecimal, sqltypes.KindStruct},
			cvals(int32(1), int64(2), 3.1, true, "foo", cdec("123.4560000000"), st),
			cvals("1", "2", "3.1", "true", "foo", "123.4560000000", "Struct{A=bar}"), false},
		{"udtf int", "TEST_UDTF", []sqltypes.Kind{kInt}, cvals(int32(10)), cvals(int32(10)), false},
		{"udf varargs", "TEST_UDF", []sqltypes.Kind{kBig}, cvals(int64(0)), "doStuffLongVarargs", false},
		{"udf struct", "TEST_UDF", []sqltypes.Kind{sqltypes.KindStruct}, cvals(&sqltypes.Struct{Vals: cvals("expect-result")}), "expect-result", false},
		{"tostruct", "TOSTRUCT", []sqltypes.Kind{kStr}, cvals("a"), &sqltypes.Struct{Vals: cvals("a")}, false},
		{"bad_udf throws", "BAD_UDF", []sqltypes.Kind{kBoo}, cvals(true), nil, true},
		{"bad_udf zero", "BAD_UDF", []sqltypes.Kind{kBoo}, cvals(false), int32(0), false},
		{"whencondition evaluated", "WHENCONDITION", []sqltypes.Kind{kBoo, kBoo}, cvals(true, true), true, false},
		{"whencondition not lazy", "WHENCONDITION", []sqltypes.Kind{kBoo, kBoo}, cvals(true, false), nil, true},
		{"whenresult evaluated", "WHENRESULT", []sqltypes.Kind{kInt, kBoo}, cvals(int32(100), true), int32(100), false},
		{"whenresult not lazy", "WHENRESULT", []sqltypes.Kind{kInt, kBoo}, cvals(int32(200), false), nil, true},
	})
	// Builtins must not contain the test functions.
	r := NewRegistry()
	registerTable(r)
	if _, ok := r.Lookup("TEST_UDTF"); ok {
		t.Fatal("TEST_UDTF must not be a built-in")
	}
}
