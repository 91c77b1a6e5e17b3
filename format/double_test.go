package format

import (
	"math"
	"testing"
)

func TestFormatDoubleLikeJava(t *testing.T) {
	cases := []struct {
		in   float64
		want string
	}{
		{1, "1.0"},
		{0.1, "0.1"},
		{100, "100.0"},
		{-12345.678, "-12345.678"},
		{9999999, "9999999.0"},
		{1e7, "1.0E7"},
		{12345678.9, "1.23456789E7"},
		{123456789, "1.23456789E8"},
		{1e10, "1.0E10"},
		{0.001, "0.001"},
		{0.00123, "0.00123"},
		{0.0001, "1.0E-4"},
		{1e-5, "1.0E-5"},
		{-2.5e-7, "-2.5E-7"},
		{532.8738323, "532.8738323"},
		{9876.54321, "9876.54321"},
		{4.9e-324, "4.9E-324"},
		{-4.9e-324, "-4.9E-324"},
		{2.2250738585072014e-308, "2.2250738585072014E-308"},
		{math.MaxFloat64, "1.7976931348623157E308"},
		{-math.MaxFloat64, "-1.7976931348623157E308"},
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"},
		{0.30000000000000004, "0.30000000000000004"},
	}
	for _, c := range cases {
		if got := FormatDouble(c.in); got != c.want {
			t.Errorf("FormatDouble(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseJavaDouble(t *testing.T) {
	cases := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1.5", 1.5, true},
		{" 2 ", 2, true},
		{"1e3", 1000, true},
		{"3d", 3, true},
		{"-Infinity", math.Inf(-1), true},
		{"inf", 0, false},
		{"1_000", 0, false},
		{"abc", 0, false},
		{"", 0, false},
	}
	for _, c := range cases {
		got, ok := parseJavaDouble(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("parseJavaDouble(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	if f, ok := parseJavaDouble("NaN"); !ok || !math.IsNaN(f) {
		t.Errorf("parseJavaDouble(NaN) = %v, %v", f, ok)
	}
}
