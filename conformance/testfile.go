package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The file format of ksqlDB's ksql-test-runner, which `rql test` reads:
//
//	statements.sql   the statements, run in order
//	input.json       {"inputs":  [{"topic", "key", "value", "timestamp"}, ...]}
//	output.json      {"outputs": [{"topic", "key", "value", "timestamp", "window"}, ...]}
//
// Records may also carry "headers" ([{"KEY": ..., "VALUE": base64}]) and
// inputs a "window". An output file may hold "expected_error":
// {"message": ...} instead of outputs (an rql extension), for a negative
// test.

// TestFiles names the files of one test.
type TestFiles struct {
	Name   string
	SQL    string // required
	Input  string // optional: no inputs
	Output string // required
}

// LoadTest builds a case from a test's files. The SQL file's whole text is
// one entry of Statements, so error positions are in the file's
// coordinates.
func LoadTest(f TestFiles) (*Case, error) {
	sql, err := os.ReadFile(f.SQL)
	if err != nil {
		return nil, err
	}
	c := &Case{ID: f.Name, Statements: []string{string(sql)}}
	if f.Input != "" {
		var in struct {
			Inputs []Record `json:"inputs"`
		}
		if err := readJSONFile(f.Input, &in); err != nil {
			return nil, err
		}
		c.Inputs = in.Inputs
	}
	var out struct {
		Outputs       []Record       `json:"outputs"`
		ExpectedError *ExpectedError `json:"expected_error"`
	}
	if err := readJSONFile(f.Output, &out); err != nil {
		return nil, err
	}
	c.Outputs, c.ExpectedError = out.Outputs, out.ExpectedError
	for i, r := range c.Inputs {
		if r.Topic == "" {
			return nil, fmt.Errorf("%s: input %d has no topic", f.Input, i+1)
		}
	}
	for i, r := range c.Outputs {
		if r.Topic == "" {
			return nil, fmt.Errorf("%s: output %d has no topic", f.Output, i+1)
		}
	}
	return c, nil
}

func readJSONFile(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := decodeJSON(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// FindTests lists the tests of a directory: every NAME.sql with a
// NAME.output.json next to it (and NAME.input.json when it exists), sorted
// by name. A NAME.sql without an output file is an error, so that a test
// is never silently skipped.
func FindTests(dir string) ([]TestFiles, error) {
	sqls, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	sort.Strings(sqls)
	var out []TestFiles
	for _, s := range sqls {
		base := strings.TrimSuffix(s, ".sql")
		f := TestFiles{Name: filepath.Base(base), SQL: s, Output: base + ".output.json"}
		if _, err := os.Stat(f.Output); err != nil {
			return nil, fmt.Errorf("%s has no %s", s, filepath.Base(f.Output))
		}
		if _, err := os.Stat(base + ".input.json"); err == nil {
			f.Input = base + ".input.json"
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no tests (NAME.sql + NAME.output.json) in %s", dir)
	}
	return out, nil
}
