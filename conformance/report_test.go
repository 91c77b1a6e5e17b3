package conformance

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUpdatePassingOnlyAdds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "passing.txt")
	if err := os.WriteFile(path, []byte("b\nd\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	results := []Result{{ID: "c", Status: Pass}, {ID: "a", Status: Pass}, {ID: "d", Status: Fail}, {ID: "e", Status: Error}}
	added, regressed, err := UpdatePassing(path, results)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "a\nb\nc\nd\n" {
		t.Errorf("list = %q", got)
	}
	if strings.Join(added, ",") != "a,c" || strings.Join(regressed, ",") != "d" {
		t.Errorf("added %v, regressed %v", added, regressed)
	}
}

func TestGroupKey(t *testing.T) {
	tests := []struct {
		r    Result
		want string
	}{
		{Result{Status: Fail, Reason: `statement 2 failed: RQL-B0005: line 1, column 30: Can't find any functions with the name 'FOO' (statement: CREATE ...)`},
			`statement failed: RQL-B0005: Can't find any functions with the name _`},
		{Result{Status: Fail, Reason: `topic OUTPUT: record 1 of 2 (got 2): value.X: expected 1, got 2 | expected {} | actual {}`}, "output: value field differs"},
		{Result{Status: Fail, Reason: `topic OUTPUT: record 1 of 2 (got 2): timestamp: expected 1, got 2 | expected {} | actual {}`}, "output: timestamp differs"},
		{Result{Status: Fail, Reason: `topic OUTPUT: expected 2 records, got 0; first missing: {}`}, "output: no records"},
		{Result{Status: Fail, Reason: `post: source OUTPUT: schema: expected "A INT", got "B INT"`}, "post: schema differs"},
		{Result{Status: Fail, Reason: `statement 2 failed with "RQL-B0004: line 1, column 5: Cannot compare 'X'\nHint: cast"; expected an error containing "Cannot compare"`},
			"wrong error: RQL-B0004: Cannot compare _ Hint: cast"},
		{Result{Status: Error, Reason: "panic: index out of range [3]\nstack"}, "error: panic: index out of range [N]"},
	}
	for _, tc := range tests {
		if got := GroupKey(tc.r); got != tc.want {
			t.Errorf("GroupKey(%q) = %q, want %q", tc.r.Reason, got, tc.want)
		}
	}
}

func TestWriteReports(t *testing.T) {
	results := []Result{{ID: "a", Area: "x", Status: Pass}, {ID: "b", Area: "x", Status: Fail, Reason: "r"}, {ID: "c", Area: "y", Status: Error, Reason: "e"}}
	var b bytes.Buffer
	WriteAreaTable(&b, results)
	for _, want := range []string{"x                             1      1      0      2   50.0%", "TOTAL                         1      1      1      3   33.3%"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	if err := WriteJSONLines(&b, results[1:2]); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != `{"id":"b","area":"x","status":"fail","reason":"r"}`+"\n" {
		t.Errorf("json = %q", got)
	}
}
