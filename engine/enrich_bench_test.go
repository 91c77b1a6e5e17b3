package engine_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/exec/asyncio/loopsvc"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// The enrichment benchmark on the Kafka runtime: a query
//
//	SELECT id, n, y FROM src ENRICH USING ASYNC lookup(n) AS y WITH (workers=W, order=O)  -- buffer: its default 4W
//
// over a 4-partition topic on the dev broker, exactly-once with
// commit.interval.ms=100, calling a loopback HTTP service that answers
// after 50 ms. Per run:
//
//   - records/s: the input is produced before the query starts; the rate is
//     measured on the committed output (read_committed) between 10 % and
//     90 % of the records (the sustained rate: the query's start and its
//     last commit excluded);
//   - limit/s (Little's law, workers / 0.05 s), ratio = records/s ÷ limit,
//     ratio-vs-cap = records/s ÷ min(limit, the service's own maximum rate
//     measured in the same run, which caps large worker counts on 2 cores);
//   - p99-ms: end-to-end latency (produce → committed output visible to a
//     read_committed consumer) of records then produced at half the
//     measured rate for 2 s.
//
// Variants: each order (10 distinct keys per worker), the drain-on-commit
// strategy (rql.enrich.commit=drain), and the synchronous ENRICH USING
// baseline (one call at a time per partition: limit = 4 / 0.05 s). The
// service is loopsvc's minimal HTTP/1.1 server, so that the cores it
// shares with the runtime go to the enrichment rather than to a net/http
// server (see exec/asyncio/loopsvc). The broker and the service run in
// child processes (bench_test.go: childProc), as a remote broker and
// service would; all share the machine's cores.
//
//	go test ./engine -run '^$' -bench BenchmarkEngineEnrich -benchtime 1x

const (
	enrichBenchLatency = 50 * time.Millisecond
	enrichBenchParts   = 4
)

var (
	enrichSvcOnce sync.Once
	enrichSvcMax  float64
)

// enrichServiceMax is the loopback service's own maximum rate without
// latency: 256 concurrent clients calling through the HTTP user function
// for one second (client and service share the cores).
func enrichServiceMax(b *testing.B) float64 {
	enrichSvcOnce.Do(func() {
		srv, err := loopsvc.Start(0, `{"y": 1}`)
		if err != nil {
			b.Fatal(err)
		}
		defer srv.Close()
		def, err := udf.NewUserFunc(udf.UserFuncSpec{Name: "LOOKUP", Using: "HTTP", Return: sqltypes.Bigint,
			Params: []udf.Param{{Name: "X", Type: sqltypes.Bigint}},
			Props:  map[string]any{"url": srv.URL + "/{x}", "method": "GET", "response_path": "y"}})
		if err != nil {
			b.Fatal(err)
		}
		v := def.Variants[0]
		var n atomic.Int64
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		var wg sync.WaitGroup
		t0 := time.Now()
		for range 256 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ec := &udf.EvalContext{Ctx: context.Background()}
				for ctx.Err() == nil {
					if _, err := v.Eval(ec, []sqltypes.Value{int64(1)}); err == nil {
						n.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		enrichSvcMax = float64(n.Load()) / time.Since(t0).Seconds()
	})
	return enrichSvcMax
}

func BenchmarkEngineEnrich(b *testing.B) {
	workers := []int{32, 256, 1024}
	b.Run("service-max", func(b *testing.B) { b.ReportMetric(enrichServiceMax(b), "calls/s") })
	b.Run("sync-baseline", func(b *testing.B) { benchEngineEnrich(b, "sync", 1, "carry") })
	for _, order := range []string{"ordered", "key", "unordered"} {
		for _, w := range workers {
			b.Run(fmt.Sprintf("%s/workers=%d", order, w), func(b *testing.B) { benchEngineEnrich(b, order, w, "carry") })
		}
	}
	for _, w := range workers {
		b.Run(fmt.Sprintf("ordered-drain-on-commit/workers=%d", w), func(b *testing.B) { benchEngineEnrich(b, "ordered", w, "drain") })
	}
}

var enrichBenchSeq atomic.Int64

func benchEngineEnrich(b *testing.B, order string, workers int, commit string) {
	benchGC()
	maxRate := enrichServiceMax(b)
	svcURL := enrichService.start(b)
	limit := float64(workers) / enrichBenchLatency.Seconds()
	clause := fmt.Sprintf("ENRICH USING ASYNC lookup(n) AS y WITH (workers=%d, order='%s', timeout='10s')", workers, order)
	if order == "sync" {
		limit = enrichBenchParts / enrichBenchLatency.Seconds()
		clause = "ENRICH USING lookup(n) AS y WITH (timeout='10s')"
	}
	// About 5 s of input at the expected rate.
	n := int(5 * min(limit, maxRate))
	n = max(n, 200)
	keys := max(10*workers, 40)

	addr := benchBroker.start(b)
	id := enrichBenchSeq.Add(1)
	in, out := fmt.Sprintf("enrich-in-%d", id), fmt.Sprintf("ENRICH_OUT_%d", id)
	createTopic(b, addr, in, enrichBenchParts)
	mk := func(i int, now time.Time) *kafka.Record {
		return &kafka.Record{Topic: in, Partition: -1, Key: fmt.Appendf(nil, "k%d", i%keys),
			Value: fmt.Appendf(nil, `{"N":%d}`, i), Timestamp: now}
	}
	recs := make([]*kafka.Record, n)
	now := time.Now()
	for i := range recs {
		recs[i] = mk(i, now)
	}
	produce(b, addr, recs)

	ctx := context.Background()
	e := newEngine(b, addr, nil)
	sql := fmt.Sprintf(`SET 'auto.offset.reset'='earliest';
SET 'processing.guarantee'='exactly_once_v2';
SET 'commit.interval.ms'='100';
SET 'rql.enrich.commit'='%s';
CREATE STREAM src (id VARCHAR KEY, n BIGINT) WITH (kafka_topic='%s', value_format='JSON');
CREATE FUNCTION lookup(n BIGINT) RETURNS BIGINT USING HTTP WITH (url='%s/{n}', method='GET', response_path='y', timeout='10s');
CREATE STREAM %s AS SELECT id, n, y FROM src %s EMIT CHANGES;`, commit, in, svcURL, out, clause)
	b.ResetTimer()
	if _, err := e.Execute(ctx, sql); err != nil {
		b.Fatal(err)
	}
	var assigned time.Time
	for assigned.IsZero() {
		if qs := e.Queries(); len(qs) > 0 && len(qs[0].Tasks) == enrichBenchParts {
			assigned = time.Now()
		}
		time.Sleep(5 * time.Millisecond)
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	r, err := kafka.NewReader(rctx, out, kafka.BootstrapServers(addr), kafka.FromBeginning(), quiet,
		kafka.MaxPollRecords(10000), kafka.PollWait(5*time.Millisecond))
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	// Throughput: the backlog, sustained rate between 10 % and 90 % of
	// the outputs (the start of the query and the last commit excluded).
	var t10, t90 time.Time
	got, n10, n90 := 0, 0, 0
	for got < n {
		f, err := r.Poll(rctx)
		if err != nil {
			b.Fatalf("read %d of %d outputs: %v (%v)", got, n, err, e.Queries())
		}
		got += len(f.Records)
		if t10.IsZero() && got >= n/10 {
			t10, n10 = time.Now(), got
		}
		if t90.IsZero() && got >= n*9/10 {
			t90, n90 = time.Now(), got
		}
	}
	rps := float64(n90-n10) / t90.Sub(t10).Seconds()
	if order == "sync" || t90.Sub(t10) < 100*time.Millisecond {
		// The synchronous enrichment commits a fetch only once all of its
		// records were called, one at a time: its outputs come in a few
		// large steps. Rate from the assignment to the last output.
		rps = float64(n) / time.Since(assigned).Seconds()
	}
	b.StopTimer()

	// Latency: records at half that rate for 2 s.
	rate := rps / 2
	m := max(int(2*rate), 20)
	go func() {
		p, err := kafka.NewProducer(kafka.BootstrapServers(addr), quiet, kafka.Property("linger.ms", "1"),
			kafka.Property("partitioner", "murmur2_random"))
		if err != nil {
			return
		}
		defer p.Close(context.Background())
		start := time.Now()
		for i := 0; i < m; {
			due := int(time.Since(start).Seconds()*rate) + 1
			var batch []*kafka.Record
			for ; i < min(due, m); i++ {
				batch = append(batch, mk(n+i, time.Now()))
			}
			if len(batch) > 0 {
				_ = p.Produce(ctx, batch...)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	lat := make([]float64, 0, m)
	for len(lat) < m {
		f, err := r.Poll(rctx)
		if err != nil {
			b.Fatalf("latency phase: %d of %d: %v", len(lat), m, err)
		}
		seen := time.Now()
		for _, rec := range f.Records {
			lat = append(lat, float64(seen.Sub(rec.Timestamp).Microseconds())/1000)
		}
	}
	sort.Float64s(lat)
	for _, q := range e.Queries() {
		if q.State != engine.StateRunning {
			b.Fatalf("query %s: %s %v", q.ID, q.State, q.Err)
		}
	}
	b.ReportMetric(rps, "records/s")
	b.ReportMetric(limit, "limit/s")
	b.ReportMetric(rps/limit, "ratio")
	if order != "sync" {
		b.ReportMetric(rps/min(limit, maxRate), "ratio-vs-cap")
	}
	b.ReportMetric(lat[len(lat)*99/100], "p99-ms")
	b.ReportMetric(float64(n), "records")
}
