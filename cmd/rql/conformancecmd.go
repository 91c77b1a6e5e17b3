package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/rql/rql/conformance"
	"github.com/spf13/cobra"
)

type conformanceFlags struct {
	corpus       string
	core         string
	areas        []string
	id           string
	jsonFile     string
	foundation   bool
	verbose      bool
	writePassing string
	timeout      time.Duration
	jobs         int
	top          int
}

// defaultCorpus is the corpus file read without --corpus: corpus.jsonl in
// $RQL_QTT_DIR (conformance.EnvQTTDir) when set, else
// ../shared/qtt/corpus.jsonl relative to the current directory (the
// repository root under make).
func defaultCorpus() string {
	if d := os.Getenv(conformance.EnvQTTDir); d != "" {
		return filepath.Join(d, "corpus.jsonl")
	}
	return filepath.Join("..", "shared", "qtt", "corpus.jsonl")
}

func newConformanceCmd() *cobra.Command {
	var f conformanceFlags
	cmd := &cobra.Command{
		Use:   "conformance",
		Short: "Run ksqlDB's query-validation test corpus and report pass rates",
		Long: `Run ksqlDB's query-validation test corpus (../shared/qtt/corpus.jsonl) on the
in-process engine and print pass / fail / error counts per area, the
foundation subset (no GROUP BY, JOIN, WINDOW or CREATE TABLE), the core
subset (core.jsonl), one reason per failing case and the most common
failure reasons. See docs/conformance.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runConformance(cmd.Context(), cmd.OutOrStdout(), f)
		},
	}
	cmd.Flags().StringVar(&f.corpus, "corpus", defaultCorpus(), "corpus file (one JSON case per line)")
	cmd.Flags().StringVar(&f.core, "core", "", "core subset file (default: core.jsonl next to the corpus)")
	cmd.Flags().StringSliceVar(&f.areas, "area", nil, "run only these areas (repeatable, comma-separated)")
	cmd.Flags().StringVar(&f.id, "id", "", "run only cases whose id matches this regular expression")
	cmd.Flags().StringVar(&f.jsonFile, "json", "", `write {"id","area","status","reason"} per case to this file (JSON lines)`)
	cmd.Flags().BoolVar(&f.foundation, "foundation", false, "run only the foundation subset (no GROUP BY, JOIN, WINDOW, CREATE TABLE)")
	cmd.Flags().BoolVar(&f.foundation, "no-joins-aggs", false, "same as --foundation")
	cmd.Flags().BoolVarP(&f.verbose, "verbose", "v", false, "print every case and full reasons")
	cmd.Flags().StringVar(&f.writePassing, "write-passing", "", "add newly passing ids to this list (never removes any)")
	cmd.Flags().DurationVar(&f.timeout, "timeout", conformance.DefaultTimeout, "time limit per case")
	cmd.Flags().IntVarP(&f.jobs, "jobs", "j", 1, "cases to run in parallel")
	cmd.Flags().IntVar(&f.top, "top", 10, "how many grouped failure reasons to print")
	return cmd
}

func runConformance(ctx context.Context, out io.Writer, f conformanceFlags) error {
	cases, err := conformance.LoadFile(f.corpus)
	if err != nil {
		return err
	}
	cases, err = selectCases(cases, f)
	if err != nil {
		return err
	}
	if len(cases) == 0 {
		return fmt.Errorf("no case matches the filters")
	}
	r := conformance.Runner{Timeout: f.timeout}
	results := runAll(ctx, &r, cases, f.jobs)

	for _, res := range results {
		switch {
		case f.verbose:
			fmt.Fprintf(out, "%-5s %s [%s] %s\n", res.Status, res.ID, res.Area, res.Reason)
		case res.Status != conformance.Pass:
			fmt.Fprintf(out, "%-5s %s: %s\n", res.Status, res.ID, oneLine(res.Reason, 400))
		}
	}
	fmt.Fprintln(out)
	conformance.WriteAreaTable(out, results)
	fmt.Fprintln(out)
	printSubsets(out, cases, results, f)
	if top := conformance.TopReasons(results, f.top); len(top) > 0 {
		fmt.Fprintf(out, "\ntop failure reasons:\n")
		for _, g := range top {
			fmt.Fprintf(out, "%5d  %s  (e.g. %s)\n", g.Count, g.Key, g.Example)
		}
	}
	if f.jsonFile != "" {
		if err := writeJSONFile(f.jsonFile, results); err != nil {
			return err
		}
	}
	if f.writePassing != "" {
		added, regressed, err := conformance.UpdatePassing(f.writePassing, results)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "\n%s: added %d passing ids\n", f.writePassing, len(added))
		for _, id := range regressed {
			fmt.Fprintf(out, "warning: listed as passing but now %s: %s\n", statusOf(results, id), id)
		}
	}
	return nil
}

// selectCases applies --area, --id and --foundation.
func selectCases(cases []*conformance.Case, f conformanceFlags) ([]*conformance.Case, error) {
	var idRe *regexp.Regexp
	if f.id != "" {
		var err error
		if idRe, err = regexp.Compile(f.id); err != nil {
			return nil, fmt.Errorf("--id: %w", err)
		}
	}
	areas := map[string]bool{}
	for _, a := range f.areas {
		areas[strings.TrimSpace(a)] = true
	}
	var out []*conformance.Case
	for _, c := range cases {
		if len(areas) > 0 && !areas[c.Area] {
			continue
		}
		if idRe != nil && !idRe.MatchString(c.ID) {
			continue
		}
		if f.foundation && !conformance.IsFoundation(c) {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// runAll runs cases on jobs workers; results keep the order of cases.
func runAll(ctx context.Context, r *conformance.Runner, cases []*conformance.Case, jobs int) []conformance.Result {
	results := make([]conformance.Result, len(cases))
	if jobs < 1 {
		jobs = 1
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = r.Run(ctx, cases[i])
			}
		}()
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// printSubsets prints the foundation and core figures of the cases run.
func printSubsets(out io.Writer, cases []*conformance.Case, results []conformance.Result, f conformanceFlags) {
	foundation := map[string]bool{}
	for _, c := range cases {
		if conformance.IsFoundation(c) {
			foundation[c.ID] = true
		}
	}
	all := func(string) bool { return true }
	isF := func(id string) bool { return foundation[id] }
	fmt.Fprintf(out, "overall:             %s\n", conformance.TallyOf(results, all))
	fmt.Fprintf(out, "foundation subset:   %s\n", conformance.TallyOf(results, isF))

	corePath := f.core
	if corePath == "" {
		corePath = filepath.Join(filepath.Dir(f.corpus), "core.jsonl")
	}
	core, err := conformance.LoadFile(corePath)
	if err != nil {
		if f.core != "" {
			fmt.Fprintf(out, "core subset:         cannot read %s: %v\n", corePath, err)
		}
		return
	}
	inCore := map[string]bool{}
	for _, c := range core {
		inCore[c.ID] = true
	}
	fmt.Fprintf(out, "core subset:         %s\n", conformance.TallyOf(results, func(id string) bool { return inCore[id] }))
	fmt.Fprintf(out, "core ∩ foundation:   %s\n", conformance.TallyOf(results, func(id string) bool { return inCore[id] && foundation[id] }))
}

func writeJSONFile(path string, results []conformance.Result) error {
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := conformance.WriteJSONLines(fh, results); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

func statusOf(results []conformance.Result, id string) conformance.Status {
	for _, r := range results {
		if r.ID == id {
			return r.Status
		}
	}
	return ""
}

// oneLine collapses a reason onto one line of at most n bytes.
func oneLine(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ⏎ ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
