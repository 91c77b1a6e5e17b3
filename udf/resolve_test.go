package udf

import (
	"errors"
	"strings"
	"testing"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

var (
	tT   = sqltypes.Generic("T")
	tU   = sqltypes.Generic("U")
	tDec = sqltypes.DecimalOf(0, 0)
)

func p(t *sqltypes.Type) Param { return Param{Type: t} }

func variadicOf(ret *sqltypes.Type, ps ...*sqltypes.Type) *Variant {
	v := &Variant{Variadic: true, Return: ret}
	for _, t := range ps {
		v.Params = append(v.Params, p(t))
	}
	return v
}

func fixed(ret *sqltypes.Type, ps ...*sqltypes.Type) *Variant {
	v := variadicOf(ret, ps...)
	v.Variadic = false
	return v
}

func testRegistry() *Registry {
	r := NewRegistry()
	var g []*Variant
	for _, t := range []*sqltypes.Type{sqltypes.Int, sqltypes.Bigint, sqltypes.Double, sqltypes.String, sqltypes.DateT, sqltypes.TimeT, sqltypes.TimestampT} {
		g = append(g, variadicOf(t, t, t))
	}
	g = append(g, &Variant{Params: []Param{p(tDec), p(tDec)}, Variadic: true,
		ReturnFn: func(args []*sqltypes.Type) (*sqltypes.Type, error) { return args[0], nil }})
	r.MustRegister(
		&FuncDef{Name: "GREATEST", Variants: g},
		&FuncDef{Name: "COALESCE", DisplayName: "COALESCE", Variants: []*Variant{variadicOf(tT, tT, tT)}},
		&FuncDef{Name: "GEO_DISTANCE", Variants: []*Variant{
			fixed(sqltypes.Double, sqltypes.Double, sqltypes.Double, sqltypes.Double, sqltypes.Double),
			fixed(sqltypes.Double, sqltypes.Double, sqltypes.Double, sqltypes.Double, sqltypes.Double, sqltypes.String),
		}},
		&FuncDef{Name: "SUBSTRING", Variants: []*Variant{
			fixed(sqltypes.String, sqltypes.String, sqltypes.Int),
			fixed(sqltypes.String, sqltypes.String, sqltypes.Int, sqltypes.Int),
		}},
		&FuncDef{Name: "CONCAT", Variants: []*Variant{variadicOf(sqltypes.String, sqltypes.String)}},
		&FuncDef{Name: "MAP_VALUES", Variants: []*Variant{fixed(sqltypes.ArrayOf(tU), sqltypes.MapOf(sqltypes.String, tU))}},
		&FuncDef{Name: "ARRAY_CONTAINS", Variants: []*Variant{fixed(sqltypes.Boolean, sqltypes.ArrayOf(tT), tT)}},
		&FuncDef{Name: "ABS", Variants: []*Variant{
			fixed(sqltypes.Int, sqltypes.Int), fixed(sqltypes.Bigint, sqltypes.Bigint), fixed(sqltypes.Double, sqltypes.Double),
			{Params: []Param{p(tDec)}, ReturnFn: func(a []*sqltypes.Type) (*sqltypes.Type, error) { return a[0], nil }},
		}},
		&FuncDef{Name: "TRANSFORM", Variants: []*Variant{
			fixed(sqltypes.ArrayOf(tU), sqltypes.ArrayOf(tT), sqltypes.LambdaOf(tU, tT)),
		}},
		&FuncDef{Name: "REDUCE", Variants: []*Variant{
			fixed(tU, sqltypes.ArrayOf(tT), tU, sqltypes.LambdaOf(tU, tU, tT)),
		}},
		&FuncDef{Name: "FILTER", Variants: []*Variant{
			fixed(sqltypes.ArrayOf(tT), sqltypes.ArrayOf(tT), sqltypes.LambdaOf(sqltypes.Boolean, tT)),
		}},
		&FuncDef{Name: "EXPLODE", Kind: Table, Variants: []*Variant{
			{Params: []Param{{Name: "input", Type: sqltypes.ArrayOf(tDec)}}, Return: tDec},
			{Params: []Param{{Name: "list", Type: sqltypes.ArrayOf(tT)}}, Return: tT},
		}},
		&FuncDef{Name: "MID", Variants: []*Variant{
			variadicOf(sqltypes.String, sqltypes.Bigint, sqltypes.String),
		}},
	)
	return r
}

func typed(ts ...*sqltypes.Type) []Arg {
	out := make([]Arg, len(ts))
	for i, t := range ts {
		out[i] = Arg{Type: t}
	}
	return out
}

func typesString(ts []*sqltypes.Type) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.SQL()
	}
	return strings.Join(s, ", ")
}

func TestResolve(t *testing.T) {
	r := testRegistry()
	str := Arg{Type: sqltypes.String, Literal: true}
	null := Arg{Type: sqltypes.Null}
	dec := sqltypes.DecimalOf(4, 2)
	cases := []struct {
		name     string
		fn       string
		args     []Arg
		wantArgs string
		wantRet  string
	}{
		{"exact int", "greatest", typed(sqltypes.Int, sqltypes.Int), "INTEGER, INTEGER", "INTEGER"},
		{"single arg variadic empty", "greatest", typed(sqltypes.Bigint), "BIGINT", "BIGINT"},
		{"widen to double", "greatest", typed(sqltypes.Int, sqltypes.Bigint, sqltypes.Double), "DOUBLE, DOUBLE, DOUBLE", "DOUBLE"},
		{"null args", "greatest", append(typed(sqltypes.Bigint, sqltypes.Bigint), null), "BIGINT, BIGINT, BIGINT", "BIGINT"},
		{"decimal any precision", "greatest", typed(dec, sqltypes.DecimalOf(6, 6)), "DECIMAL(4, 2), DECIMAL(6, 6)", "DECIMAL(4, 2)"},
		{"string literal to date", "greatest", []Arg{{Type: sqltypes.DateT}, null, str}, "DATE, DATE, DATE", "DATE"},
		{"strings", "greatest", []Arg{{Type: sqltypes.String}, null, str}, "STRING, STRING, STRING", "STRING"},
		{"generic coalesce", "coalesce", typed(sqltypes.Int, sqltypes.Null, sqltypes.Int), "INTEGER, INTEGER, INTEGER", "INTEGER"},
		{"generic all null", "coalesce", typed(sqltypes.Null), "NULL", "NULL"},
		{"int literal to double", "geo_distance", typed(sqltypes.Double, sqltypes.Double, sqltypes.Int, sqltypes.Int), "DOUBLE, DOUBLE, DOUBLE, DOUBLE", "DOUBLE"},
		{"decimal to double", "geo_distance", typed(sqltypes.Double, sqltypes.Double, dec, sqltypes.Bigint), "DOUBLE, DOUBLE, DOUBLE, DOUBLE", "DOUBLE"},
		{"overload by count", "substring", typed(sqltypes.String, sqltypes.Int, sqltypes.Int), "STRING, INTEGER, INTEGER", "STRING"},
		{"variadic zero", "concat", nil, "", "STRING"},
		{"generic in map", "map_values", typed(sqltypes.MapOf(sqltypes.String, sqltypes.Double)), "MAP<STRING, DOUBLE>", "ARRAY<DOUBLE>"},
		{"generic array and elem", "array_contains", typed(sqltypes.ArrayOf(sqltypes.String), sqltypes.String), "ARRAY<STRING>, STRING", "BOOLEAN"},
		{"abs int exact", "abs", typed(sqltypes.Int), "INTEGER", "INTEGER"},
		{"abs decimal", "abs", typed(dec), "DECIMAL(4, 2)", "DECIMAL(4, 2)"},
		{"explode non-generic wins", "explode", typed(sqltypes.ArrayOf(dec)), "ARRAY<DECIMAL(4, 2)>", "DECIMAL(0, 0)"},
		{"explode generic", "explode", typed(sqltypes.ArrayOf(sqltypes.String)), "ARRAY<STRING>", "STRING"},
		{"mid variadic", "mid", typed(sqltypes.Int, sqltypes.String, sqltypes.String), "BIGINT, STRING, STRING", "STRING"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := r.Resolve(c.fn, c.args)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if got := typesString(res.ArgTypes); got != c.wantArgs {
				t.Errorf("args = %s, want %s", got, c.wantArgs)
			}
			if got := res.Return.SQL(); got != c.wantRet {
				t.Errorf("return = %s, want %s", got, c.wantRet)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	r := testRegistry()
	null := Arg{Type: sqltypes.Null}
	cases := []struct {
		name string
		fn   string
		args []Arg
		code rqlerr.Code
		msg  string
	}{
		{"unknown", "nope", nil, rqlerr.BindUnknownFunction, "Can't find any functions with the name 'nope'"},
		{"no params", "GREATEST", nil, rqlerr.BindFunctionArgs, "Function 'greatest' does not accept parameters ()."},
		{"mixed", "greatest", typed(sqltypes.String, sqltypes.Int), rqlerr.BindFunctionArgs, "Function 'greatest' does not accept parameters (STRING, INTEGER)."},
		{"ambiguous widening", "greatest", typed(sqltypes.Int, sqltypes.Bigint), rqlerr.BindFunctionArgs,
			"Function 'greatest' cannot be resolved due to ambiguous method parameters (INTEGER, BIGINT)."},
		{"ambiguous decimal", "greatest", typed(sqltypes.Int, sqltypes.Bigint, sqltypes.DecimalOf(50, 30)), rqlerr.BindFunctionArgs,
			"Function 'greatest' cannot be resolved due to ambiguous method parameters (INTEGER, BIGINT, DECIMAL(50, 30))."},
		{"ambiguous nulls", "greatest", []Arg{null, null}, rqlerr.BindFunctionArgs,
			"Function 'greatest' cannot be resolved due to ambiguous method parameters (null, null)."},
		{"coalesce none", "coalesce", nil, rqlerr.BindFunctionArgs, "Function 'COALESCE' does not accept parameters ()"},
		{"string literal not double", "geo_distance", []Arg{{Type: sqltypes.Double}, {Type: sqltypes.Double}, {Type: sqltypes.String, Literal: true}, {Type: sqltypes.Int}},
			rqlerr.BindFunctionArgs, "Function 'geo_distance' does not accept parameters"},
		{"generics strict", "coalesce", typed(sqltypes.Int, sqltypes.Bigint), rqlerr.BindFunctionArgs, "does not accept parameters (INTEGER, BIGINT)"},
		{"alternatives listed", "explode", typed(sqltypes.MapOf(sqltypes.String, sqltypes.Int)), rqlerr.BindFunctionArgs,
			"Function 'explode' does not accept parameters (MAP<STRING, INTEGER>).\nValid alternatives are:\nexplode(ARRAY<DECIMAL> input)\nexplode(ARRAY<T> list)"},
		{"middle variadic", "mid", typed(sqltypes.String, sqltypes.String), rqlerr.BindFunctionArgs, "Function 'mid' does not accept parameters (STRING, STRING)."},
		{"struct field names", "coalesce", typed(sqltypes.StructOf(sqltypes.Field{Name: "A", Type: sqltypes.Int}), sqltypes.String), rqlerr.BindFunctionArgs,
			"(STRUCT<A INTEGER>, STRING)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := r.Resolve(c.fn, c.args)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, c.code) {
				t.Errorf("code = %s, want %s", rqlerr.CodeOf(err), c.code)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q does not contain %q", err, c.msg)
			}
		})
	}
}

func TestResolveLambdas(t *testing.T) {
	r := testRegistry()
	var seen [][]*sqltypes.Type
	lam := func(arity int, body func(ps []*sqltypes.Type) *sqltypes.Type) Arg {
		return Arg{LambdaArity: arity, BindLambda: func(ps []*sqltypes.Type) (*sqltypes.Type, error) {
			seen = append(seen, ps)
			return body(ps), nil
		}}
	}
	// TRANSFORM(ARRAY<INT>, x => CAST(x AS STRING))
	res, err := r.Resolve("TRANSFORM", []Arg{{Type: sqltypes.ArrayOf(sqltypes.Int)}, lam(1, func([]*sqltypes.Type) *sqltypes.Type { return sqltypes.String })})
	if err != nil {
		t.Fatal(err)
	}
	if res.Return.SQL() != "ARRAY<STRING>" || seen[0][0].SQL() != "INTEGER" || res.ArgTypes[1].SQL() != "LAMBDA(INTEGER) => STRING" {
		t.Errorf("transform: return %s, lambda params %v, arg %s", res.Return.SQL(), seen[0], res.ArgTypes[1].SQL())
	}
	// REDUCE(ARRAY<BIGINT>, 0, (s, x) => s + x): s widens from INTEGER to BIGINT.
	seen = nil
	res, err = r.Resolve("REDUCE", []Arg{{Type: sqltypes.ArrayOf(sqltypes.Bigint)}, {Type: sqltypes.Int, Literal: true},
		lam(2, func(ps []*sqltypes.Type) *sqltypes.Type {
			if ps[0].Kind == sqltypes.KindBigint || ps[1].Kind == sqltypes.KindBigint {
				return sqltypes.Bigint
			}
			return sqltypes.Int
		})})
	if err != nil {
		t.Fatal(err)
	}
	if res.Return.SQL() != "BIGINT" || res.ArgTypes[1].SQL() != "BIGINT" || len(seen) != 2 || seen[1][0].SQL() != "BIGINT" {
		t.Errorf("reduce: return %s, args %s, calls %d", res.Return.SQL(), typesString(res.ArgTypes), len(seen))
	}
	// FILTER with a non-boolean lambda fails.
	_, err = r.Resolve("FILTER", []Arg{{Type: sqltypes.ArrayOf(sqltypes.Int)}, lam(1, func([]*sqltypes.Type) *sqltypes.Type { return sqltypes.String })})
	if !errors.Is(err, rqlerr.BindFunctionArgs) {
		t.Errorf("filter: err = %v", err)
	}
	// Wrong arity.
	_, err = r.Resolve("TRANSFORM", []Arg{{Type: sqltypes.ArrayOf(sqltypes.Int)}, lam(2, func([]*sqltypes.Type) *sqltypes.Type { return sqltypes.String })})
	if !errors.Is(err, rqlerr.BindFunctionArgs) {
		t.Errorf("arity: err = %v", err)
	}
}
