package udf

import (
	"testing"

	"github.com/rql/rql/sqltypes"
)

func TestContainsType(t *testing.T) {
	generic := func(u *sqltypes.Type) bool { return u.Kind == sqltypes.KindGeneric }
	tests := []struct {
		name string
		t    *sqltypes.Type
		want bool
	}{
		{"nil", nil, false},
		{"primitive", sqltypes.Int, false},
		{"itself", sqltypes.Generic("T"), true},
		{"array element", sqltypes.ArrayOf(sqltypes.Generic("T")), true},
		{"map value", sqltypes.MapOf(sqltypes.String, sqltypes.Generic("V")), true},
		{"struct field", sqltypes.StructOf(sqltypes.Field{Name: "A", Type: sqltypes.ArrayOf(sqltypes.Generic("T"))}), true},
		{"lambda parameter", sqltypes.LambdaOf(sqltypes.Int, sqltypes.Generic("T")), true},
		{"lambda result", sqltypes.LambdaOf(sqltypes.Generic("U"), sqltypes.Int), true},
		{"concrete composite", sqltypes.MapOf(sqltypes.String, sqltypes.ArrayOf(sqltypes.Double)), false},
	}
	for _, tc := range tests {
		if got := ContainsType(tc.t, generic); got != tc.want {
			t.Errorf("%s: ContainsType(%v) = %v, want %v", tc.name, tc.t, got, tc.want)
		}
	}
}

func TestCanWidenAndDecimalFor(t *testing.T) {
	tests := []struct {
		from, to sqltypes.Kind
		literal  bool
		want     bool
	}{
		{sqltypes.KindInt, sqltypes.KindDouble, false, true},
		{sqltypes.KindDouble, sqltypes.KindBigint, false, false},
		{sqltypes.KindString, sqltypes.KindDate, true, true},
		{sqltypes.KindString, sqltypes.KindDate, false, false},
	}
	for _, tc := range tests {
		if got := CanWiden(tc.from, tc.to, tc.literal); got != tc.want {
			t.Errorf("CanWiden(%v, %v, %v) = %v", tc.from, tc.to, tc.literal, got)
		}
	}
	if d := DecimalFor(sqltypes.Bigint); !d.Equal(sqltypes.DecimalOf(19, 0)) {
		t.Errorf("DecimalFor(BIGINT) = %v", d)
	}
	if d := DecimalFor(sqltypes.String); d != nil {
		t.Errorf("DecimalFor(STRING) = %v, want nil", d)
	}
}
