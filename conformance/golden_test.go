package conformance

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
)

// The -rewrite flag regenerates the .out files of the golden tests
// (go test ./conformance -run TestGolden -rewrite). Another package linked
// into the test binary may have registered it already (datadriven does).
func init() {
	if flag.Lookup("rewrite") == nil {
		flag.Bool("rewrite", false, "rewrite the golden .out files in testdata/queries")
	}
}

func rewriting() bool {
	f := flag.Lookup("rewrite")
	return f != nil && f.Value.String() == "true"
}

// TestGoldenQueries runs every testdata/queries/<name>.sql (inputs from
// testdata/inputs) and compares the rendered outcome with <name>.out. See
// docs/golden-tests.md.
func TestGoldenQueries(t *testing.T) {
	root := filepath.Join(RepoRoot("."), "testdata")
	files, err := filepath.Glob(filepath.Join(root, "queries", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden queries in %s: %v", root, err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".sql")
		t.Run(name, func(t *testing.T) {
			runGoldenFile(t, file, filepath.Join(root, "inputs"), false)
		})
	}
}

// TestOne runs testdata/onecase.sql, if it exists, and logs everything it
// produced: a scratch pad for debugging one query (go test -run TestOne -v).
func TestOne(t *testing.T) {
	file := filepath.Join(RepoRoot("."), "testdata", "onecase.sql")
	if _, err := os.Stat(file); err != nil {
		t.Skip("no testdata/onecase.sql")
	}
	runGoldenFile(t, file, filepath.Join(RepoRoot("."), "testdata", "inputs"), true)
}

func runGoldenFile(t *testing.T, file, inputs string, verbose bool) {
	sql, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimSuffix(filepath.Base(file), ".sql")
	g, err := ParseGolden(name, string(sql), inputs)
	if err != nil {
		t.Fatal(err)
	}
	if g.Skip != "" {
		t.Skip(g.Skip)
	}
	var r Runner
	got, runErr := r.RunGolden(context.Background(), g)
	if verbose {
		t.Logf("output of %s:\n%s", file, got)
	}
	if runErr != nil {
		t.Fatalf("%s: %v\noutput:\n%s", file, runErr, got)
	}
	if verbose {
		return
	}
	outFile := strings.TrimSuffix(file, ".sql") + ".out"
	if rewriting() {
		if err := os.WriteFile(outFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatalf("%v (generate it with -rewrite, then review it)", err)
	}
	if got != string(want) {
		d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A: difflib.SplitLines(string(want)), B: difflib.SplitLines(got),
			FromFile: outFile, ToFile: "actual", Context: 3,
		})
		t.Errorf("output differs from %s (-rewrite regenerates it; review the diff):\n%s", outFile, d)
	}
}
