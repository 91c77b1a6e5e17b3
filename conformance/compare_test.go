package conformance

import (
	"strings"
	"testing"

	"github.com/rql/rql/sqltypes"
)

func mustJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := decodeJSON([]byte(s), &v); err != nil {
		t.Fatalf("bad JSON %s: %v", s, err)
	}
	return v
}

func TestCompareValue(t *testing.T) {
	dec := sqltypes.DecimalOf(4, 2)
	st := sqltypes.StructOf(sqltypes.Field{Name: "A", Type: sqltypes.Int})
	tests := []struct {
		name     string
		exp, act string
		typ      *sqltypes.Type
		ok       bool
	}{
		{"int equal", `1`, `1`, sqltypes.Int, true},
		{"int differs", `1`, `2`, sqltypes.Bigint, false},
		{"big int exact", `9223372036854775807`, `9223372036854775806`, nil, false},
		{"decimal same scale", `10.50`, `10.50`, dec, true},
		{"decimal other scale", `1.0`, `1`, dec, false},
		{"decimal other scale 2", `1.0`, `1.00`, dec, false},
		{"decimal exponent", `1E+1`, `10`, sqltypes.DecimalOf(2, -1), false},
		{"double tolerance", `0.3`, `0.30000000000000004`, sqltypes.Double, true},
		{"double too far", `0.3`, `0.31`, sqltypes.Double, false},
		{"double int form", `1.0`, `1`, sqltypes.Double, true},
		{"untyped int vs fraction", `1`, `1.0`, nil, false},
		{"untyped fractions", `1.5`, `1.5000000001`, nil, true},
		{"string", `"a"`, `"a"`, sqltypes.String, true},
		{"string vs number", `"1"`, `1`, nil, false},
		{"null vs value", `null`, `1`, nil, false},
		{"nulls", `null`, `null`, sqltypes.Int, true},
		{"array", `[1,2]`, `[1,2]`, sqltypes.ArrayOf(sqltypes.Int), true},
		{"array length", `[1,2]`, `[1]`, nil, false},
		{"struct names upper-cased", `{"a":1}`, `{"A":1}`, st, true},
		{"struct extra field", `{"A":1}`, `{"A":1,"B":2}`, st, false},
		{"map keys exact", `{"a":1}`, `{"A":1}`, sqltypes.MapOf(sqltypes.String, sqltypes.Int), false},
		{"map equal", `{"a":1.0}`, `{"a":1.0}`, sqltypes.MapOf(sqltypes.String, dec), true},
		{"bool", `true`, `false`, sqltypes.Boolean, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := compareValue("", mustJSON(t, tc.exp), mustJSON(t, tc.act), tc.typ)
			if (d == "") != tc.ok {
				t.Fatalf("compare(%s, %s) = %q, want ok=%v", tc.exp, tc.act, d, tc.ok)
			}
		})
	}
}

func TestCompareRow(t *testing.T) {
	cols := []sqltypes.Column{{Name: "PRICE", Type: sqltypes.DecimalOf(4, 2)}, {Name: "name", Type: sqltypes.String}}
	tests := []struct {
		exp, act string
		want     string // substring of the difference, "" = equal
	}{
		{`{"PRICE":1.50,"NAME":"x"}`, `{"price":1.50,"NAME":"x"}`, ""},
		{`{"PRICE":1.50,"NAME":"x"}`, `{"PRICE":1.5,"NAME":"x"}`, "PRICE: expected 1.50, got 1.5"},
		{`{"PRICE":1.50}`, `{"PRICE":1.50,"NAME":"x"}`, "unexpected fields NAME"},
		{`{"PRICE":1.50,"NAME":"x"}`, `{"PRICE":1.50}`, "missing field NAME"},
	}
	for _, tc := range tests {
		d := compareRow("value", mustJSON(t, tc.exp).(map[string]any), mustJSON(t, tc.act).(map[string]any), cols)
		if tc.want == "" && d != "" || tc.want != "" && !strings.Contains(d, tc.want) {
			t.Errorf("compareRow(%s, %s) = %q, want %q", tc.exp, tc.act, d, tc.want)
		}
	}
}

func TestParseDecimalText(t *testing.T) {
	tests := []struct {
		in       string
		unscaled string
		scale    int
	}{
		{"1.50", "150", 2}, {"-0.5", "-5", 1}, {"12", "12", 0}, {"1E+2", "1", -2}, {"1.5e-3", "15", 4},
	}
	for _, tc := range tests {
		u, s, ok := parseDecimalText(tc.in)
		if !ok || u.String() != tc.unscaled || s != tc.scale {
			t.Errorf("parseDecimalText(%q) = %v, %d, %v", tc.in, u, s, ok)
		}
	}
}
