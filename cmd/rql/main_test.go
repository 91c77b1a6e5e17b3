package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rql/rql/conformance"
	"github.com/spf13/cobra"
)

func TestStatementComplete(t *testing.T) {
	tests := []struct {
		sql  string
		want bool
	}{
		{"SELECT 1;", true},
		{"SELECT 1;  \n", true},
		{"SELECT 1", false},
		{"SELECT ';'", false},
		{"SELECT 'it''s';", true},
		{"SELECT `a;b`", false},
		{"SELECT 1 -- done;", false},
		{"SELECT 1; -- trailing comment\n", true},
		{"SELECT /* ; */ 1", false},
		{"SELECT /* unterminated ;", false},
		{"CREATE STREAM S (A INT)\n WITH (kafka_topic='s');", true},
	}
	for _, tc := range tests {
		if got := statementComplete(tc.sql); got != tc.want {
			t.Errorf("statementComplete(%q) = %v, want %v", tc.sql, got, tc.want)
		}
	}
}

func TestPrintTableKeepsColumnNames(t *testing.T) {
	var b bytes.Buffer
	printTable(&b, []string{"Field", "my_col"}, [][]string{{"ID", "INTEGER (key)"}})
	out := b.String()
	for _, want := range []string{"Field", "my_col", "INTEGER (key)"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func run(t *testing.T, cmd *cobra.Command, args ...string) (string, error) {
	t.Helper()
	var b bytes.Buffer
	cmd.SetOut(&b)
	cmd.SetErr(&b)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return b.String(), err
}

func TestVersion(t *testing.T) {
	out, err := run(t, newRootCmd(), "version")
	if err != nil || !strings.HasPrefix(out, "rql dev (") {
		t.Fatalf("version: %q, %v", out, err)
	}
}

func TestTestCmdArguments(t *testing.T) {
	if _, err := run(t, newRootCmd(), "test"); err == nil || !strings.Contains(err.Error(), "--sql-file") {
		t.Errorf("no files: err = %v", err)
	}
	if _, err := run(t, newRootCmd(), "test", "--dir", "x", "--sql-file", "y"); err == nil {
		t.Error("--dir with --sql-file must be rejected")
	}
	if _, err := run(t, newRootCmd(), "test", "--dir", t.TempDir()); err == nil || !strings.Contains(err.Error(), "no tests") {
		t.Errorf("empty dir: err = %v", err)
	}
}

func TestSelectCases(t *testing.T) {
	cases := []*conformance.Case{
		{ID: "a - 1", Area: "x", Statements: []string{"CREATE STREAM S AS SELECT * FROM T;"}},
		{ID: "b - 2", Area: "y", Statements: []string{"CREATE TABLE T AS SELECT K, COUNT(*) FROM S GROUP BY K;"}},
		{ID: "c - 3", Area: "y", Statements: []string{"CREATE STREAM S AS SELECT * FROM T;"}},
	}
	ids := func(f conformanceFlags) string {
		got, err := selectCases(cases, f)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, c := range got {
			s = append(s, c.ID[:1])
		}
		return strings.Join(s, "")
	}
	if got := ids(conformanceFlags{areas: []string{"y"}}); got != "bc" {
		t.Errorf("--area y: %s", got)
	}
	if got := ids(conformanceFlags{foundation: true}); got != "ac" {
		t.Errorf("--foundation: %s", got)
	}
	if got := ids(conformanceFlags{id: `^[ab] `}); got != "ab" {
		t.Errorf("--id: %s", got)
	}
	if _, err := selectCases(cases, conformanceFlags{id: "("}); err == nil {
		t.Error("a bad --id regex must be an error")
	}
}

func TestConformanceMissingCorpus(t *testing.T) {
	_, err := run(t, newRootCmd(), "conformance", "--corpus", filepath.Join(t.TempDir(), "nope.jsonl"))
	if err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("err = %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok || u.Unwrap() == nil {
			return err
		}
		err = u.Unwrap()
	}
}

func TestConformanceDefaultCorpus(t *testing.T) {
	t.Setenv(conformance.EnvQTTDir, "")
	f := newConformanceCmd().Flags().Lookup("corpus")
	if f == nil || f.DefValue != "../shared/qtt/corpus.jsonl" {
		t.Fatalf("--corpus default = %v, want ../shared/qtt/corpus.jsonl", f)
	}
	t.Setenv(conformance.EnvQTTDir, "/x/qtt")
	if got := newConformanceCmd().Flags().Lookup("corpus").DefValue; got != "/x/qtt/corpus.jsonl" {
		t.Fatalf("--corpus default with %s set = %q", conformance.EnvQTTDir, got)
	}
}
