package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/rql/rql/conformance"
	"github.com/rql/rql/engine"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// shell is what the REPL and -e / -f run statements on: the Kafka engine
// (embedded dev broker or --bootstrap-servers), or the in-process test
// driver with --in-process.
type shell interface {
	// run executes sql, printing results, push-query rows and PRINT lines
	// to out as they come. A push query or PRINT stopped by ctx is not an
	// error: run prints "Query terminated" and returns nil.
	run(ctx context.Context, sql string, out io.Writer) error
	// meta runs a dot command (.topics, ...); false means unknown.
	meta(ctx context.Context, fields []string, out io.Writer) bool
	// banner describes where statements run.
	banner() string
	close()
}

// openShell returns the shell the flags ask for.
func openShell(ctx context.Context, f shellFlags) (shell, error) {
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

func (b *brokerShell) run(ctx context.Context, sql string, out io.Writer) error {
	var st *streamTable // the push query printing, if any
	endTable := func(msg string) {
		if st != nil {
			st.close()
			st = nil
			fmt.Fprintln(out, msg)
		}
	}
	err := b.sess.Run(ctx, sql, engine.Output{
		Result: func(r engine.Result) error {
			endTable("Limit Reached")
			printResults(out, []engine.Result{r})
			return nil
		},
		Columns: func(cols []sqltypes.Column) error {
			endTable("Limit Reached")
			st = newStreamTable(out, cols)
			return nil
		},
		Row: func(row []sqltypes.Value) error {
			if st != nil {
				st.row(row)
			}
			return nil
		},
		Line: func(line string) error {
			_, err := fmt.Fprintln(out, line)
			return err
		},
	})
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		fmt.Fprintln(out) // after the terminal's ^C
		if st == nil {
			fmt.Fprintln(out, "Query terminated")
		}
		endTable("Query terminated")
		return nil
	case err != nil:
		if st != nil {
			st.close()
		}
		return err
	}
	endTable("Limit Reached")
	return nil
}

func (b *brokerShell) meta(ctx context.Context, fields []string, out io.Writer) bool {
	if fields[0] != ".topics" {
		return false
	}
	if err := b.run(ctx, "SHOW TOPICS;", out); err != nil {
		fmt.Fprintln(out, conformance.FormatError("", err))
	}
	return true
}

func (b *brokerShell) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b.sess.Close(ctx)
	_ = b.eng.Close(ctx)
	b.log.Close()
}

// driverShell runs statements on the in-process test driver.
type driverShell struct{ eng conformance.Engine }

func (driverShell) banner() string { return "the in-process test driver (no Kafka)" }

func (d driverShell) run(ctx context.Context, sql string, out io.Writer) error {
	results, err := d.eng.Execute(ctx, sql)
	printResults(out, results)
	return err
}

func (d driverShell) meta(_ context.Context, fields []string, out io.Writer) bool {
	switch fields[0] {
	case ".topics":
		for _, t := range d.eng.Topics() {
			fmt.Fprintf(out, "%s (%d records)\n", t, len(d.eng.Records(t)))
		}
	case ".records":
		if len(fields) != 2 {
			fmt.Fprintln(out, "usage: .records TOPIC")
			break
		}
		for _, r := range conformance.TopicRecords(d.eng, fields[1]) {
			b, _ := conformance.MarshalRecord(&r)
			fmt.Fprintln(out, string(b))
		}
	default:
		return false
	}
	return true
}

func (driverShell) close() {}
