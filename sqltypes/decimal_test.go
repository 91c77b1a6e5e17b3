package sqltypes

import "testing"

func TestDecimal(t *testing.T) {
	for _, tc := range []struct {
		in, str string
		prec    int
	}{
		{"1.50", "1.50", 3}, {"-0.01", "-0.01", 1}, {"12", "12", 2}, {"1e3", "1000", 4},
		{"1.5E-2", "0.015", 2}, {"0", "0", 1}, {"-123.4500", "-123.4500", 7},
	} {
		d, err := ParseDecimal(tc.in)
		if err != nil {
			t.Fatalf("ParseDecimal(%q): %v", tc.in, err)
		}
		if d.String() != tc.str || d.Precision() != tc.prec {
			t.Errorf("ParseDecimal(%q) = %s (precision %d), want %s (%d)", tc.in, d, d.Precision(), tc.str, tc.prec)
		}
	}
	for _, bad := range []string{"", "-", "1.2.3", "abc", "1e"} {
		if _, err := ParseDecimal(bad); err == nil {
			t.Errorf("ParseDecimal(%q) succeeded", bad)
		}
	}
}

func TestDecimalArithmetic(t *testing.T) {
	p := func(s string) Decimal {
		d, err := ParseDecimal(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if got := p("1.5").Add(p("2.25")).String(); got != "3.75" {
		t.Errorf("add = %s", got)
	}
	if got := p("1.5").Sub(p("2.25")).String(); got != "-0.75" {
		t.Errorf("sub = %s", got)
	}
	if got := p("1.5").Mul(p("2.25")).String(); got != "3.375" {
		t.Errorf("mul = %s", got)
	}
	if got, _ := p("1").Div(p("3"), 4); got.String() != "0.3333" {
		t.Errorf("div = %s", got)
	}
	if got, _ := p("2").Div(p("3"), 2); got.String() != "0.67" {
		t.Errorf("div round = %s", got)
	}
	if got, _ := p("-2").Div(p("3"), 2); got.String() != "-0.67" {
		t.Errorf("neg div round = %s", got)
	}
	if _, err := p("1").Div(p("0"), 2); err != ErrDivideByZero {
		t.Errorf("div by zero err = %v", err)
	}
	if got := p("2.345").Rescale(2).String(); got != "2.35" {
		t.Errorf("rescale half up = %s", got)
	}
	if got := p("-2.345").Rescale(2).String(); got != "-2.35" {
		t.Errorf("rescale negative half up = %s", got)
	}
	if p("1.0").Cmp(p("1.00")) != 0 || p("1.01").Cmp(p("1.1")) >= 0 {
		t.Errorf("cmp wrong")
	}
	if !p("99.99").FitsIn(4, 2) || p("100.00").FitsIn(4, 2) {
		t.Errorf("FitsIn wrong")
	}
	if f := p("0.125").Float64(); f != 0.125 {
		t.Errorf("Float64 = %v", f)
	}
}

func TestTypeString(t *testing.T) {
	st := StructOf(Field{"A", Int}, Field{"B", ArrayOf(String)})
	if got := st.String(); got != "STRUCT<`A` INTEGER, `B` ARRAY<STRING>>" {
		t.Errorf("String = %s", got)
	}
	if got := MapOf(String, DecimalOf(4, 2)).SQL(); got != "MAP<STRING, DECIMAL(4, 2)>" {
		t.Errorf("SQL = %s", got)
	}
	if !st.Equal(StructOf(Field{"A", Int}, Field{"B", ArrayOf(String)})) || st.Equal(StructOf(Field{"A", Int})) {
		t.Errorf("Equal wrong")
	}
}
