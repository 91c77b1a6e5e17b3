package conformance

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

func TestFormatError(t *testing.T) {
	sql := "CREATE STREAM S (A INT) WITH (kafka_topic='s', value_format='JSON');\nSELECT X FROM S;"
	err := rqlerr.At(rqlerr.BindUnknownColumn, rqlerr.Pos{Line: 2, Col: 8}, "Column 'X' cannot be resolved.")
	want := "RQL-B0001: line 2, column 8: Column 'X' cannot be resolved.\nSELECT X FROM S;\n       ^"
	if got := FormatError(sql, err); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := FormatError(sql, rqlerr.New(rqlerr.BindInvalid, "no pos")); got != "RQL-B0007: no pos" {
		t.Errorf("got %q", got)
	}
}

func TestLoadTestAndFindTests(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.sql", "CREATE;")
	write("a.input.json", `{"inputs":[{"topic":"input","key":"k","value":{"V":1.50},"timestamp":3}]}`)
	write("a.output.json", `{"outputs":[{"topic":"OUTPUT","key":"k","value":{"V":1.50},"timestamp":3}]}`)
	write("b.sql", "FAIL;")
	write("b.output.json", `{"outputs":[],"expected_error":{"message":"cannot be resolved"}}`)
	tests, err := FindTests(dir)
	if err != nil || len(tests) != 2 || tests[0].Input == "" || tests[1].Input != "" {
		t.Fatalf("FindTests = %+v, %v", tests, err)
	}
	val := []sqltypes.Column{{Name: "V", Type: sqltypes.DecimalOf(6, 2)}}
	for _, tf := range tests {
		c, err := LoadTest(tf)
		if err != nil {
			t.Fatal(err)
		}
		f := newFake(jsonSource("INPUT", "input", "JSON", val...), jsonSource("OUTPUT", "OUTPUT", "JSON", val...))
		r := Runner{Engine: f.factory()}
		if res := r.Run(context.Background(), c); res.Status != Pass {
			t.Errorf("%s: %s %s", tf.Name, res.Status, res.Reason)
		}
	}
	write("c.sql", "CREATE;")
	if _, err := FindTests(dir); err == nil || !strings.Contains(err.Error(), "c.output.json") {
		t.Errorf("a .sql without output must be an error, got %v", err)
	}
}

func TestGolden(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "in.jsonl"), []byte(`{"topic":"input","key":"a","value":{"V":1}}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sql := "-- input: in.jsonl\n-- input {\"topic\":\"input\",\"key\":\"b\",\"value\":{\"V\":2},\"timestamp\":9}\n-- property: ksql.x=1\nCREATE;\n"
	g, err := ParseGolden("g", sql, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Inputs) != 2 || g.Properties["ksql.x"] != "1" || g.ExpectError != "" {
		t.Fatalf("parsed %+v", g)
	}
	f := newFake(jsonSource("INPUT", "input", "JSON"), jsonSource("OUTPUT", "OUTPUT", "JSON"))
	r := Runner{Engine: f.factory()}
	out, err := r.RunGolden(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	want := `-- result 1: CREATE_STREAM
ok
-- records
{"topic":"OUTPUT","key":"a","value":{"V":1},"timestamp":0}
{"topic":"OUTPUT","key":"b","value":{"V":2},"timestamp":9}
`
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}

	neg, err := ParseGolden("n", "-- error: cannot be resolved\nFAIL;\n", dir)
	if err != nil {
		t.Fatal(err)
	}
	out, err = r.RunGolden(context.Background(), neg)
	if err != nil || !strings.Contains(out, "-- error\nRQL-B0001: line 1, column 8: Column 'X' cannot be resolved.\n") {
		t.Errorf("negative golden: %q, %v", out, err)
	}
	neg.ExpectError = "something else"
	if _, err := r.RunGolden(context.Background(), neg); err == nil {
		t.Error("a wrong error must fail the golden test")
	}
	if _, err := ParseGolden("x", "CREATE;\n-- error: late\n", dir); err == nil {
		t.Error("-- error: after the first line must be rejected")
	}
}
