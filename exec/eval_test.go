package exec

import (
	"testing"

	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
)

func lit(v sqltypes.Value, t *sqltypes.Type) planner.Expr { return &planner.Literal{V: v, T: t} }
func col(i int, t *sqltypes.Type) planner.Expr            { return &planner.ColRef{Index: i, Name: "C", T: t} }
func dec(s string) sqltypes.Decimal {
	d, err := sqltypes.ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestEval(t *testing.T) {
	i, bi, db := sqltypes.Int, sqltypes.Bigint, sqltypes.Double
	row := &Row{Vals: []sqltypes.Value{int32(7), nil, "abc"}, Rowtime: 99, Partition: 2, Offset: 5}
	cases := []struct {
		name string
		e    planner.Expr
		want sqltypes.Value
	}{
		{"int add", &planner.Arith{Op: planner.ArithAdd, L: col(0, i), R: lit(int32(3), i), T: i}, int32(10)},
		{"int wraps", &planner.Arith{Op: planner.ArithAdd, L: lit(int32(2147483647), i), R: lit(int32(1), i), T: i}, int32(-2147483648)},
		{"null propagates", &planner.Arith{Op: planner.ArithMul, L: col(1, i), R: lit(int32(3), i), T: i}, nil},
		{"bigint div", &planner.Arith{Op: planner.ArithDiv, L: lit(int64(7), bi), R: lit(int64(2), bi), T: bi}, int64(3)},
		{"int min div -1 wraps", &planner.Arith{Op: planner.ArithDiv, L: lit(int32(-2147483648), i), R: lit(int32(-1), i), T: i}, int32(-2147483648)},
		{"bigint min mod -1", &planner.Arith{Op: planner.ArithMod, L: lit(int64(-9223372036854775808), bi), R: lit(int64(-1), bi), T: bi}, int64(0)},
		{"int mod keeps sign of dividend", &planner.Arith{Op: planner.ArithMod, L: lit(int32(-7), i), R: lit(int32(3), i), T: i}, int32(-1)},
		{"double mod", &planner.Arith{Op: planner.ArithMod, L: lit(7.5, db), R: lit(2.0, db), T: db}, 1.5},
		{"decimal add keeps scale", &planner.Arith{Op: planner.ArithAdd, L: lit(dec("1.10"), sqltypes.DecimalOf(3, 2)),
			R: lit(dec("2.5"), sqltypes.DecimalOf(2, 1)), T: sqltypes.DecimalOf(4, 2)}, dec("3.60")},
		{"decimal div", &planner.Arith{Op: planner.ArithDiv, L: lit(dec("1"), sqltypes.DecimalOf(1, 0)),
			R: lit(dec("3"), sqltypes.DecimalOf(1, 0)), T: sqltypes.DecimalOf(7, 6)}, dec("0.333333")},
		{"cmp lt", &planner.Cmp{Op: planner.CmpLt, L: col(0, i), R: lit(int32(8), i)}, true},
		{"cmp with null is false", &planner.Cmp{Op: planner.CmpEq, L: col(1, i), R: lit(int32(8), i)}, false},
		{"is distinct null", &planner.Cmp{Op: planner.CmpIsDistinct, L: col(1, i), R: lit(nil, i)}, false},
		{"decimal equal across scales", &planner.Cmp{Op: planner.CmpEq, L: lit(dec("1.0"), sqltypes.DecimalOf(2, 1)), R: lit(dec("1.00"), sqltypes.DecimalOf(3, 2))}, true},
		{"and null false", &planner.Logic{And: true, L: lit(nil, sqltypes.Boolean), R: lit(false, sqltypes.Boolean)}, false},
		{"or null true", &planner.Logic{L: lit(nil, sqltypes.Boolean), R: lit(true, sqltypes.Boolean)}, true},
		{"and null true", &planner.Logic{And: true, L: lit(nil, sqltypes.Boolean), R: lit(true, sqltypes.Boolean)}, nil},
		{"is null", &planner.IsNull{X: col(1, i)}, true},
		{"in", &planner.In{X: col(0, i), List: []planner.Expr{lit(int32(1), i), lit(int32(7), i)}}, true},
		{"not in", &planner.In{X: col(0, i), List: []planner.Expr{lit(int32(1), i)}, Not: true}, true},
		{"between", &planner.Between{X: col(0, i), Lo: lit(int32(7), i), Hi: lit(int32(9), i)}, true},
		{"like", &planner.Like{X: col(2, sqltypes.String), Pattern: lit("a_c%", sqltypes.String)}, true},
		{"like escape", &planner.Like{X: lit("a%", sqltypes.String), Pattern: lit("a!%", sqltypes.String), Escape: lit("!", sqltypes.String)}, true},
		{"case", &planner.Case{Whens: []planner.When{{Cond: lit(false, sqltypes.Boolean), Result: lit(int32(1), i)},
			{Cond: lit(true, sqltypes.Boolean), Result: lit(int32(2), i)}}, T: i}, int32(2)},
		{"case no match", &planner.Case{Whens: []planner.When{{Cond: lit(nil, sqltypes.Boolean), Result: lit(int32(1), i)}}, T: i}, nil},
		{"rowtime", &planner.PseudoRef{Col: planner.PseudoRowtime}, int64(99)},
		{"rowpartition", &planner.PseudoRef{Col: planner.PseudoRowpartition}, int32(2)},
		{"array subscript negative", &planner.Subscript{X: &planner.ArrayCtor{Elems: []planner.Expr{lit(int32(1), i), lit(int32(2), i)}, T: sqltypes.ArrayOf(i)},
			Index: lit(int32(-1), i), T: i}, int32(2)},
		{"array subscript out of range", &planner.Subscript{X: &planner.ArrayCtor{Elems: []planner.Expr{lit(int32(1), i)}, T: sqltypes.ArrayOf(i)},
			Index: lit(int32(5), i), T: i}, nil},
		{"concat", &planner.Concat{L: col(2, sqltypes.String), R: lit("d", sqltypes.String)}, "abcd"},
		{"cast int to string", &planner.Cast{X: col(0, i), To: sqltypes.String}, "7"},
	}
	for _, c := range cases {
		ev, err := Compile(c.e, nil)
		if err != nil {
			t.Fatalf("%s: compile: %v", c.name, err)
		}
		got, err := ev.Eval(row)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !nullableEqual(got, c.want) {
			t.Errorf("%s: got %#v want %#v", c.name, got, c.want)
		}
		if d, ok := c.want.(sqltypes.Decimal); ok && got.(sqltypes.Decimal).String() != d.String() {
			t.Errorf("%s: got %s want %s (scale)", c.name, got, d)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	i := sqltypes.Int
	for _, e := range []planner.Expr{
		&planner.Arith{Op: planner.ArithDiv, L: lit(int32(1), i), R: lit(int32(0), i), T: i},
		&planner.Arith{Op: planner.ArithMul, L: lit(dec("99"), sqltypes.DecimalOf(2, 0)), R: lit(dec("99"), sqltypes.DecimalOf(2, 0)), T: sqltypes.DecimalOf(3, 0)},
	} {
		ev, err := Compile(e, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := ev.Eval(&Row{}); err == nil {
			t.Errorf("%s: expected an error, got %v", e, v)
		}
	}
}
