package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/engine"
)

// The aggregation benchmarks run a GROUP BY count over the same 1 M
// records as BenchmarkEngineFilterProjectEOS (exactly-once, 4 partitions),
// grouped by a non-key column: each record goes through the repartition
// topic, then updates its group's row in RocksDB, whose change goes to the
// changelog and the output topic in the cycle's transaction. The ratio
// against the stateless pipeline is the cost of state:
//
//	BenchmarkEngineGroupBy10k  10 k distinct groups (A % 10000)
//	BenchmarkEngineGroupBy1M   1 M distinct groups (A is unique)
func BenchmarkEngineGroupBy10k(b *testing.B) { benchGroupBy(b, "a % 10000") }
func BenchmarkEngineGroupBy1M(b *testing.B)  { benchGroupBy(b, "a") }

// benchGroupBy runs CREATE TABLE ... AS SELECT key, COUNT(*) ... GROUP BY
// key until every input record and every repartitioned record (one each)
// is consumed by a committed cycle.
func benchGroupBy(b *testing.B, key string) {
	addr := benchSetup(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	rss, cpu := sampleRSS(), startCPU()
	for i := 0; i < b.N; i++ {
		e, err := engine.New(ctx, engine.Options{Bootstrap: addr, StateDir: b.TempDir(), ServiceID: "bench",
			Properties: map[string]string{"auto.offset.reset": "earliest"}})
		if err != nil {
			b.Fatal(err)
		}
		out := fmt.Sprintf("bench_agg_%d_%d", i, time.Now().UnixNano())
		res, err := e.Execute(ctx, fmt.Sprintf(`
CREATE STREAM IF NOT EXISTS bsrc (id VARCHAR KEY, a BIGINT, b DOUBLE, c VARCHAR, d VARCHAR, e BOOLEAN, f VARCHAR)
  WITH (kafka_topic='%s', value_format='JSON');
CREATE TABLE %s AS SELECT %s AS k, COUNT(*) AS n, SUM(b) AS total FROM bsrc GROUP BY %s;`, benchInput, out, key, key))
		if err != nil {
			b.Fatal(err)
		}
		qid := res[len(res)-1].QueryID
		for {
			q, _ := e.Query(qid)
			if q.State != engine.StateRunning {
				b.Fatalf("query %s: %s %v", qid, q.State, q.Err)
			}
			if q.CommittedRecords >= 2*benchRecords {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		b.StopTimer()
		_ = e.Close(ctx)
		deleteTopic(addr, strings.ToUpper(out))
		b.StartTimer()
	}
	b.StopTimer()
	report(b, rss, cpu)
}
