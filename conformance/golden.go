package conformance

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Golden is an end-to-end golden test: a .sql file run on a fresh engine
// whose complete observable output (statement results, records written,
// processing log, or the error) is rendered as text and compared with a
// .out file. Directives are comment lines of the .sql file:
//
//	-- error: <substring>     (first line) the statements must fail with an
//	                          error containing <substring>
//	-- input: orders.jsonl    produce the records of inputs/orders.jsonl
//	-- input {"topic": ...}   produce one record (JSON on the same line)
//	-- property: name=value   a config property (ksqlDB name)
//	-- skip: <reason>         do not run: a known engine bug
//	-- max-rows: <n>          render at most n rows of each statement's
//	                          table, then "... (more rows)" (for SHOW
//	                          FUNCTIONS, whose length grows with the
//	                          registry)
//	-- http: <name>           start the built-in loopback HTTP service
//	                          <name> (golden_http.go), reachable by user
//	                          functions as http://<name>/...
//
// Input records are JSON objects {"topic","key","value","timestamp"
// [,"window"][,"headers"]}, produced in directive order after all
// statements ran.
type Golden struct {
	Name        string
	SQL         string
	ExpectError string
	Skip        string
	Inputs      []Record
	Properties  map[string]any
	// MaxRows bounds the rows rendered per statement result (0: all).
	MaxRows int
	// HTTP names the built-in HTTP services to start (-- http:).
	HTTP []string
}

// ParseGolden reads the directives of a golden .sql text; input files are
// looked up in inputsDir.
func ParseGolden(name, sql, inputsDir string) (*Golden, error) {
	g := &Golden{Name: name, SQL: sql, Properties: map[string]any{}}
	for i, line := range strings.Split(sql, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "--") {
			continue
		}
		d := strings.TrimSpace(strings.TrimPrefix(line, "--"))
		switch {
		case strings.HasPrefix(d, "error:"):
			if i != 0 {
				return nil, fmt.Errorf("%s:%d: -- error: must be the first line", name, i+1)
			}
			g.ExpectError = strings.TrimSpace(strings.TrimPrefix(d, "error:"))
		case strings.HasPrefix(d, "skip:"):
			g.Skip = strings.TrimSpace(strings.TrimPrefix(d, "skip:"))
		case strings.HasPrefix(d, "max-rows:"):
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(d, "max-rows:")))
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("%s:%d: want -- max-rows: <positive number>", name, i+1)
			}
			g.MaxRows = n
		case strings.HasPrefix(d, "http:"):
			g.HTTP = append(g.HTTP, strings.TrimSpace(strings.TrimPrefix(d, "http:")))
		case strings.HasPrefix(d, "property:"):
			k, v, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(d, "property:")), "=")
			if !ok {
				return nil, fmt.Errorf("%s:%d: want -- property: name=value", name, i+1)
			}
			g.Properties[strings.TrimSpace(k)] = strings.TrimSpace(v)
		case strings.HasPrefix(d, "input:"):
			file := strings.TrimSpace(strings.TrimPrefix(d, "input:"))
			recs, err := LoadRecordLines(filepath.Join(inputsDir, file))
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, i+1, err)
			}
			g.Inputs = append(g.Inputs, recs...)
		case strings.HasPrefix(d, "input {"), strings.HasPrefix(d, "input{"):
			var r Record
			if err := decodeJSON([]byte(strings.TrimSpace(strings.TrimPrefix(d, "input"))), &r); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, i+1, err)
			}
			g.Inputs = append(g.Inputs, r)
		}
	}
	return g, nil
}

// LoadRecordLines reads records, one JSON object per line.
func LoadRecordLines(path string) ([]Record, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []Record
	for i, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var r Record
		if err := decodeJSON([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, i+1, err)
		}
		if r.Topic == "" {
			return nil, fmt.Errorf("%s:%d: record has no topic", path, i+1)
		}
		out = append(out, r)
	}
	return out, nil
}

// RunGolden runs g and renders what happened:
//
//	-- result 1: CREATE_STREAM
//	Stream S created              (the message, for results without a table)
//	-- result 2: DESCRIBE
//	Field | Type
//	ID | INTEGER (key)
//	-- error
//	RQL-B0001: line 3, column 8: ...
//	<the statement line>
//	       ^
//	-- records
//	{"topic":"OUT","key":1,"value":{"A":1},"timestamp":0}
//	-- processing log
//	OUT: <reason>
//
// Records are those written by statements and queries (inputs excluded),
// topic by topic in name order, each topic in offset order. It returns an
// error when the outcome contradicts g's -- error: directive (or when the
// test cannot run).
func (r *Runner) RunGolden(ctx context.Context, g *Golden) (string, error) {
	c := &Case{ID: g.Name, Statements: []string{g.SQL}, Inputs: g.Inputs, Properties: g.Properties}
	if len(g.HTTP) > 0 {
		h, err := startGoldenHTTP(g.HTTP)
		if err != nil {
			return "", err
		}
		defer h.close()
		if r.Engine == nil {
			rr := *r
			rr.Engine = h.factory
			r = &rr
		}
	}
	var out string
	var runErr error
	res := r.guard(ctx, func(ctx context.Context) Result {
		return r.executeThen(ctx, c, func(o *Outcome) Result {
			out, runErr = renderGolden(g, o)
			return Result{Status: Pass}
		})
	})
	if res.Status != Pass {
		return "", fmt.Errorf("%s", res.Reason)
	}
	return out, runErr
}

func renderGolden(g *Golden, o *Outcome) (string, error) {
	var b strings.Builder
	for i, res := range o.Results {
		fmt.Fprintf(&b, "-- result %d: %s\n", i+1, res.Kind)
		if res.Message != "" && len(res.Columns) == 0 {
			b.WriteString(res.Message)
			b.WriteString("\n")
		}
		if len(res.Columns) > 0 {
			b.WriteString(strings.Join(res.Columns, " | "))
			b.WriteString("\n")
			for j, row := range res.Rows {
				if g.MaxRows > 0 && j == g.MaxRows {
					b.WriteString("... (more rows)\n")
					break
				}
				b.WriteString(strings.Join(row, " | "))
				b.WriteString("\n")
			}
		}
	}
	var problem error
	switch {
	case o.Err != nil:
		b.WriteString("-- error\n")
		b.WriteString(FormatError(g.SQL, o.Err))
		b.WriteString("\n")
		if g.ExpectError == "" {
			problem = fmt.Errorf("unexpected error: %s", describeErr(o.Err))
		} else if !strings.Contains(o.Err.Error(), g.ExpectError) {
			problem = fmt.Errorf("error %q does not contain %q", describeErr(o.Err), g.ExpectError)
		}
	case g.ExpectError != "":
		problem = fmt.Errorf("expected an error containing %q, but every statement succeeded", g.ExpectError)
	}
	if o.ProduceErr != nil {
		fmt.Fprintf(&b, "-- produce error\n%s\n", describeErr(o.ProduceErr))
	}
	recs := goldenRecords(o)
	if len(recs) > 0 {
		b.WriteString("-- records\n")
		for _, l := range recs {
			b.WriteString(l)
			b.WriteString("\n")
		}
	}
	if log := o.Engine.ProcessingLog(); len(log) > 0 {
		b.WriteString("-- processing log\n")
		for _, e := range log {
			fmt.Fprintf(&b, "%s: %s\n", e.Topic, e.Reason)
		}
	}
	return b.String(), problem
}

// goldenRecords renders every record that is not one of the case's inputs.
func goldenRecords(o *Outcome) []string {
	topics := o.Engine.Topics()
	sort.Strings(topics)
	cs := newCodecs(o.Engine)
	var out []string
	for _, t := range topics {
		kc, vc := cs.forTopic(t)
		for i, rec := range o.Engine.Records(t) {
			if o.inputs[t][i] {
				continue
			}
			out = append(out, showActual(&rec, kc, vc))
		}
	}
	return out
}

// markInput records that the record at index i of topic is an input.
func (o *Outcome) markInput(topic string, i int) {
	if o.inputs == nil {
		o.inputs = map[string]map[int]bool{}
	}
	if o.inputs[topic] == nil {
		o.inputs[topic] = map[int]bool{}
	}
	o.inputs[topic][i] = true
}
