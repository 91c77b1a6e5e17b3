package driver

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/exec/build"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
)

// BenchmarkHotPathEngineShape runs the query and records of the engine's
// Kafka benchmark (engine/bench_test.go) through the operators as the
// engine's tasks do — batches of fetched records, every output record kept
// until the batch is produced — without Kafka: the stateless hot path
// alone. One op is one input record.
func BenchmarkHotPathEngineShape(b *testing.B) {
	d, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := d.Execute(ctx, `CREATE STREAM bsrc (id VARCHAR KEY, a BIGINT, b DOUBLE, c VARCHAR, d VARCHAR, e BOOLEAN, f VARCHAR)
		WITH (kafka_topic='bench-in', value_format='JSON');`); err != nil {
		b.Fatal(err)
	}
	stmts, err := parser.Parse(`CREATE STREAM bout AS SELECT id, a, b * 2 AS b2, UCASE(c) AS c, e FROM bsrc WHERE a % 10 <> 0;`, parser.ParseOptions{})
	if err != nil {
		b.Fatal(err)
	}
	plan, err := planner.PlanStatementWith(d.cat, d.reg, stmts[0], nil, planner.PlanOptions{CheckEnrich: build.CheckEnrichOptions})
	if err != nil {
		b.Fatal(err)
	}
	qp := findQueryPlan(b, plan)
	var out []exec.Record
	pipe, err := build.Build(ctx, qp, build.Options{Registry: d.reg, Props: d.propsSnapshot(),
		Emit: exec.RecordSinkFunc(func(_ context.Context, r exec.Record) error {
			out = append(out, r)
			return nil
		}), Log: func(e exec.LogEntry) { b.Fatalf("processing error: %+v", e) }})
	if err != nil {
		b.Fatal(err)
	}
	const batch = 500
	recs := make([]exec.Record, 4*batch)
	for i := range recs {
		recs[i] = exec.Record{Topic: "bench-in", Offset: int64(i), Timestamp: int64(i),
			Key: fmt.Appendf(nil, "user-%08d", i), Value: engineBenchValue(i)}
	}
	out = make([]exec.Record, 0, batch)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += batch {
		n := min(batch, b.N-i)
		off := (i / batch % 4) * batch
		out = out[:0]
		if err := pipe.Push(ctx, "bench-in", recs[off:off+n]); err != nil {
			b.Fatal(err)
		}
	}
}

func findQueryPlan(b *testing.B, p planner.StatementPlan) *planner.QueryPlan {
	if x, ok := p.(*planner.CreateAsSelectPlan); ok {
		return x.Query
	}
	b.Fatalf("no query plan in %T", p)
	return nil
}

// engineBenchValue is engine/bench_test.go's benchValue.
func engineBenchValue(i int) []byte {
	return fmt.Appendf(nil, `{"ID":"user-%08d","A":%d,"B":%d.25,"C":"%s","D":"%s","E":%t,"F":"%s"}`,
		i, i, i%1000, strings.Repeat("c", 60), strings.Repeat("d", 60), i%2 == 0, strings.Repeat("f", 50))
}
