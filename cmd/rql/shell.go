package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/rql/rql/conformance"
	"github.com/rql/rql/engine"
	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/format"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// shell is what the REPL and -e / -f run statements on: the Kafka engine
// (embedded dev broker or --bootstrap-servers), the in-process test
// driver with --in-process, or a running rql server with --server.
type shell interface {
	// run executes sql (one or more statements), printing results,
	// push-query rows and PRINT lines to p as they come. A push query or
	// PRINT stopped by ctx is not an error: run prints "Query terminated"
	// and returns nil. Positions in the error are positions in sql.
	run(ctx context.Context, sql string, p *printer) error
	// meta runs a dot command (.topics, ...); false means unknown.
	meta(ctx context.Context, fields []string, p *printer) bool
	// names returns the catalog's names, for tab completion.
	names(ctx context.Context) catalogNames
	// banner describes where statements run.
	banner() string
	close()
}

// catalogNames are the names tab completion offers besides keywords.
type catalogNames struct {
	sources   []string            // streams and tables
	columns   map[string][]string // source name (upper case) → its columns
	functions []string
	topics    []string
}

// openShell returns the shell the flags ask for.
func openShell(ctx context.Context, f shellFlags) (shell, error) {
	if f.server != "" {
		return openServerShell(ctx, f)
	}
	if f.inProcess {
		eng, err := conformance.NewDriverEngine(udf.Builtins(), f.properties)
		if err != nil {
			return nil, err
		}
		return driverShell{eng}, nil
	}
	if err := os.MkdirAll(f.dataDir, 0o755); err != nil {
		return nil, err
	}
	logf, err := os.OpenFile(filepath.Join(f.dataDir, "rql.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	eng, err := engine.New(ctx, engine.Options{Bootstrap: f.bootstrap, KafkaProps: f.kafkaProps, StateDir: f.dataDir,
		Properties: f.properties, Logger: slog.New(slog.NewTextHandler(logf, nil))})
	if err != nil {
		logf.Close()
		return nil, err
	}
	return &brokerShell{eng: eng, sess: eng.NewSession(), log: logf, embedded: f.bootstrap == "", dataDir: f.dataDir}, nil
}

// brokerShell runs statements on the Kafka engine through one session.
type brokerShell struct {
	eng      *engine.Engine
	sess     *engine.Session
	log      *os.File
	embedded bool
	dataDir  string
}

func (b *brokerShell) banner() string {
	if b.embedded {
		return fmt.Sprintf("embedded dev broker at %s (data in %s)", b.eng.Bootstrap(), b.dataDir)
	}
	return "Kafka at " + b.eng.Bootstrap()
}

func (b *brokerShell) run(ctx context.Context, sql string, p *printer) error {
	var cols []column
	err := b.sess.Run(ctx, sql, engine.Output{
		Result: func(r engine.Result) error {
			p.end("Limit Reached")
			p.result(r)
			return nil
		},
		Columns: func(cs []sqltypes.Column) error {
			p.end("Limit Reached")
			cols = cols[:0]
			for _, c := range cs {
				cols = append(cols, column{Name: c.Name, Type: typeName(c.Type), typ: c.Type})
			}
			p.begin("", cols)
			return nil
		},
		Row: func(row []sqltypes.Value) error {
			text := make([]string, len(row))
			vals := make([]any, len(row))
			for i, v := range row {
				var typ *sqltypes.Type
				if i < len(cols) {
					typ = cols[i].typ
				}
				text[i] = udf.ValueText(v, typ)
				vals[i] = format.ToJSON(v, typ)
			}
			p.row(text, vals)
			return nil
		},
		Line: func(line string) error {
			p.line(line)
			return nil
		},
	})
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		p.terminated()
		return nil
	case err != nil:
		p.end("")
		return err
	}
	p.end("Limit Reached")
	return nil
}

func typeName(t *sqltypes.Type) string {
	if t == nil {
		return ""
	}
	return t.String()
}

func (b *brokerShell) meta(ctx context.Context, fields []string, p *printer) bool {
	if fields[0] != ".topics" {
		return false
	}
	if err := b.run(ctx, "SHOW TOPICS;", p); err != nil {
		fmt.Fprintln(p.w, conformance.FormatError("", err))
	}
	return true
}

// names reads the engine's catalog and registry directly: completion runs
// while the prompt waits, when no statement of this shell changes them.
func (b *brokerShell) names(ctx context.Context) catalogNames {
	n := catalogNames{columns: map[string][]string{}}
	for _, s := range b.eng.Catalog().Sources() {
		n.sources = append(n.sources, s.Name)
		if s.Schema != nil {
			for _, c := range s.Schema.Columns {
				n.columns[strings.ToUpper(s.Name)] = append(n.columns[strings.ToUpper(s.Name)], c.Name)
			}
		}
	}
	for _, f := range b.eng.Registry().List() {
		n.functions = append(n.functions, f.Name)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if res, err := b.eng.Execute(ctx, "SHOW TOPICS;"); err == nil {
		n.topics = firstColumn(res)
	}
	return n
}

func (b *brokerShell) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b.sess.Close(ctx)
	_ = b.eng.Close(ctx)
	b.log.Close()
}

// firstColumn returns the first column of every row of results.
func firstColumn(results []driver.Result) []string {
	var out []string
	for _, r := range results {
		for _, row := range r.Rows {
			if len(row) > 0 {
				out = append(out, row[0])
			}
		}
	}
	return out
}

// driverShell runs statements on the in-process test driver.
type driverShell struct{ eng conformance.Engine }

func (driverShell) banner() string { return "the in-process test driver (no Kafka)" }

func (d driverShell) run(ctx context.Context, sql string, p *printer) error {
	results, err := d.eng.Execute(ctx, sql)
	for _, r := range results {
		if r.Values == nil || !p.json {
			p.result(r)
			continue
		}
		// A query's rows under OUTPUT JSON: a header, then one array per row.
		cols := make([]column, len(r.Columns))
		for i, c := range r.Columns {
			cols[i] = column{Name: c}
		}
		p.begin("", cols)
		for i, row := range r.Rows {
			vals := make([]any, len(row))
			for j, s := range row {
				vals[j] = s
				if i < len(r.Values) && j < len(r.Values[i]) {
					vals[j] = plainJSON(r.Values[i][j], s)
				}
			}
			p.row(row, vals)
		}
		p.end("")
	}
	return err
}

func (d driverShell) meta(_ context.Context, fields []string, p *printer) bool {
	switch fields[0] {
	case ".topics":
		for _, t := range d.eng.Topics() {
			fmt.Fprintf(p.w, "%s (%d records)\n", t, len(d.eng.Records(t)))
		}
	case ".records":
		if len(fields) != 2 {
			fmt.Fprintln(p.w, "usage: .records TOPIC")
			break
		}
		for _, r := range conformance.TopicRecords(d.eng, fields[1]) {
			b, _ := conformance.MarshalRecord(&r)
			fmt.Fprintln(p.w, string(b))
		}
	default:
		return false
	}
	return true
}

func (d driverShell) names(ctx context.Context) catalogNames {
	n := catalogNames{columns: map[string][]string{}, topics: d.eng.Topics()}
	res, _ := d.eng.Execute(ctx, "SHOW STREAMS; SHOW TABLES;")
	for _, name := range firstColumn(res) {
		n.sources = append(n.sources, name)
		if s, ok := d.eng.SourceByName(name); ok && s.Schema != nil {
			for _, c := range s.Schema.Columns {
				n.columns[strings.ToUpper(name)] = append(n.columns[strings.ToUpper(name)], c.Name)
			}
		}
	}
	for _, f := range udf.Builtins().List() {
		n.functions = append(n.functions, f.Name)
	}
	sort.Strings(n.functions)
	return n
}

func (driverShell) close() {}

// plainJSON returns v as a JSON value when it is a JSON scalar, else its
// text (the driver's rows carry no types).
func plainJSON(v sqltypes.Value, text string) any {
	switch v.(type) {
	case nil, bool, int32, int64, float64, string:
		return v
	}
	return text
}

// printResults prints statement results in the TABULAR format.
func printResults(w io.Writer, results []driver.Result) {
	p := newPrinter(w)
	for _, r := range results {
		p.result(r)
	}
}
