package conformance

import (
	"testing"

	"github.com/rql/rql/exec/driver"
)

func TestGoldenMaxRows(t *testing.T) {
	table := driver.Result{Kind: "SHOW_FUNCTIONS", Columns: []string{"Function Name", "Category"},
		Rows: [][]string{{"ABS", "MATHEMATICAL"}, {"ACOS", "MATHEMATICAL"}, {"AS_VALUE", "OTHER"}}}
	cases := []struct {
		name, directive, want string
	}{
		{"all rows", "", "-- result 1: SHOW_FUNCTIONS\nFunction Name | Category\nABS | MATHEMATICAL\nACOS | MATHEMATICAL\nAS_VALUE | OTHER\n"},
		{"bounded", "-- max-rows: 2\n", "-- result 1: SHOW_FUNCTIONS\nFunction Name | Category\nABS | MATHEMATICAL\nACOS | MATHEMATICAL\n... (more rows)\n"},
		{"bound above row count", "-- max-rows: 3\n", "-- result 1: SHOW_FUNCTIONS\nFunction Name | Category\nABS | MATHEMATICAL\nACOS | MATHEMATICAL\nAS_VALUE | OTHER\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, err := ParseGolden("m", c.directive+"SHOW FUNCTIONS;\n", t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			o := &Outcome{Engine: newFake(), Failed: -1, Results: []driver.Result{table}}
			got, err := renderGolden(g, o)
			if err != nil || got != c.want {
				t.Errorf("got %q, %v\nwant %q", got, err, c.want)
			}
		})
	}
	for _, bad := range []string{"-- max-rows: 0\n", "-- max-rows: x\n"} {
		if _, err := ParseGolden("m", bad, t.TempDir()); err == nil {
			t.Errorf("%q must be rejected", bad)
		}
	}
}
