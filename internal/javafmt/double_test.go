package javafmt

import (
	"math"
	"testing"
)

func TestDouble(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want string
	}{{1, "1.0"}, {1.5, "1.5"}, {-0.25, "-0.25"}, {0, "0.0"}, {1e7, "1.0E7"}, {1.5e10, "1.5E10"}, {1e-4, "1.0E-4"},
		{1e-5, "1.0E-5"}, {0.001, "0.001"}, {123456.789, "123456.789"}, {math.Inf(1), "Infinity"}, {math.NaN(), "NaN"}} {
		if got := Double(tc.f); got != tc.want {
			t.Errorf("Double(%v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}
