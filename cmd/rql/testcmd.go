package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rql/rql/conformance"
	"github.com/spf13/cobra"
)

type testFlags struct {
	sqlFile, inputFile, outputFile, dir string
	timeout                             time.Duration
	engine                              conformance.EngineFactory // nil: the in-process driver
}

func newTestCmd() *cobra.Command {
	var f testFlags
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Run SQL statements on input records and check the output records",
		Long: `Run SQL statements on input records and check the output records, without
Kafka, in ksqlDB's ksql-test-runner file format (see docs/testing.md):

  rql test --sql-file app.sql --input-file input.json --output-file output.json
  rql test --dir tests/     # every NAME.sql + NAME.input.json + NAME.output.json

The exit status is 1 when a test fails.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTests(cmd, f)
		},
	}
	cmd.Flags().StringVarP(&f.sqlFile, "sql-file", "s", "", "file of SQL statements")
	cmd.Flags().StringVarP(&f.inputFile, "input-file", "i", "", `JSON file {"inputs": [...]} (optional)`)
	cmd.Flags().StringVarP(&f.outputFile, "output-file", "o", "", `JSON file {"outputs": [...]}`)
	cmd.Flags().StringVarP(&f.dir, "dir", "d", "", "run every test of this directory")
	cmd.Flags().DurationVar(&f.timeout, "timeout", conformance.DefaultTimeout, "time limit per test")
	return cmd
}

func runTests(cmd *cobra.Command, f testFlags) error {
	var tests []conformance.TestFiles
	switch {
	case f.dir != "" && (f.sqlFile != "" || f.outputFile != "" || f.inputFile != ""):
		return errors.New("use either --dir or --sql-file/--input-file/--output-file")
	case f.dir != "":
		var err error
		if tests, err = conformance.FindTests(f.dir); err != nil {
			return err
		}
	case f.sqlFile != "" && f.outputFile != "":
		tests = []conformance.TestFiles{{Name: f.sqlFile, SQL: f.sqlFile, Input: f.inputFile, Output: f.outputFile}}
	default:
		return errors.New("need --sql-file and --output-file (and usually --input-file), or --dir")
	}
	out := cmd.OutOrStdout()
	r := conformance.Runner{Timeout: f.timeout, Engine: f.engine}
	failed := 0
	for _, tf := range tests {
		c, err := conformance.LoadTest(tf)
		if err != nil {
			fmt.Fprintf(out, "ERROR %s: %v\n", tf.Name, err)
			failed++
			continue
		}
		res := r.Run(cmd.Context(), c)
		if res.Status == conformance.Pass {
			fmt.Fprintf(out, "PASS  %s\n", tf.Name)
			continue
		}
		failed++
		fmt.Fprintf(out, "%-5s %s\n", strings.ToUpper(string(res.Status)), tf.Name)
		printReason(out, res.Reason)
	}
	fmt.Fprintf(out, "%d passed, %d failed\n", len(tests)-failed, failed)
	if failed > 0 {
		return exitError{}
	}
	return nil
}

// printReason prints a failure reason indented, one part per line
// ("... | expected {...} | actual {...}").
func printReason(w io.Writer, reason string) {
	for _, part := range strings.Split(reason, " | ") {
		for _, line := range strings.Split(part, "\n") {
			fmt.Fprintf(w, "      %s\n", line)
		}
	}
}
