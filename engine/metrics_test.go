package engine_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/kafka"
)

// slowService answers GET /v/<n> with {"data": n} after delay.
func slowService(t *testing.T, delay time.Duration) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data": %s}`, strings.TrimPrefix(r.URL.Path, "/v/"))
	}))
	t.Cleanup(s.Close)
	return s
}

// showQueriesRow returns the SHOW QUERIES row of query id as column → value.
func showQueriesRow(t *testing.T, e *engine.Engine, id string) map[string]string {
	t.Helper()
	res, err := e.Execute(context.Background(), "SHOW QUERIES;")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range res[0].Rows {
		if row[0] == id {
			m := map[string]string{}
			for i, c := range res[0].Columns {
				m[c] = row[i]
			}
			return m
		}
	}
	t.Fatalf("SHOW QUERIES has no %s: %v", id, res[0].Rows)
	return nil
}

// TestQueryLagAndRuntimeFigures: a query slowed by a synchronous
// enrichment (20 ms a call, so about 50 records/s) gets records faster
// than that; SHOW QUERIES reports a lag > 0 while it works through them,
// then 0 once it caught up (also across the transaction markers of a
// query reading its transactional output), with rates and commit latency
// in its status. A second query's asynchronous enrichment shows its
// counters in the status, DESCRIBE EXTENDED and EXPLAIN ANALYZE.
func TestQueryLagAndRuntimeFigures(t *testing.T) {
	t.Parallel()
	svc := slowService(t, 20*time.Millisecond)
	b := startBroker(t, 1)
	createTopic(t, b.Addr(), "lagin", 1)
	e := newEngine(t, b.Addr(), nil)
	ctx := context.Background()
	_, err := e.Execute(ctx, `SET 'auto.offset.reset'='earliest';
CREATE STREAM src (id VARCHAR KEY, n BIGINT) WITH (kafka_topic='lagin', value_format='JSON');
CREATE FUNCTION slow(n BIGINT) RETURNS BIGINT USING HTTP WITH (url='`+svc.URL+`/v/{n}', method='GET', response_path='data');
CREATE STREAM lagout AS SELECT id, n, d FROM src ENRICH USING slow(n) AS d EMIT CHANGES;
CREATE STREAM chained AS SELECT * FROM lagout;
CREATE STREAM asyncout AS SELECT id, n, d FROM src
  ENRICH USING ASYNC slow(n) AS d WITH (workers=8, order='ordered') EMIT CHANGES;`)
	if err != nil {
		t.Fatal(err)
	}
	qs := e.Queries()
	id, chained, async := qs[0].ID, qs[1].ID, qs[2].ID
	// 20 records every 200 ms (100/s, twice what the synchronous
	// enrichment processes) from one producer, until a sample saw the lag:
	// a fixed number of batches could arrive too slowly on a loaded
	// machine for the query ever to fall behind. Production starts once
	// the queries own their partition: records produced before would all
	// come in the first fetch, processed and committed in one cycle (no
	// sample sees them waiting).
	const batch = 20
	waitFor(t, 30*time.Second, "the queries' tasks", func() bool {
		for _, q := range []string{id, chained, async} {
			if st, _ := e.Query(q); len(st.Tasks) == 0 {
				return false
			}
		}
		return true
	})
	p, err := kafka.NewProducer(kafka.BootstrapServers(b.Addr()), quiet, kafka.Property("linger.ms", "5"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	stop, done := make(chan struct{}), make(chan int)
	go func() {
		produced := 0
		defer func() { done <- produced }()
		for {
			recs := make([]*kafka.Record, batch)
			for j := range recs {
				i := produced + j
				recs[j] = &kafka.Record{Topic: "lagin", Partition: 0, Key: key(i), Value: fmt.Appendf(nil, `{"N":%d}`, i)}
			}
			if err := p.Produce(ctx, recs...); err != nil {
				t.Error(err)
				return
			}
			produced += batch
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()

	var sawLag int64
	var last map[string]string
	for end := time.Now().Add(40 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		last = showQueriesRow(t, e, id)
		lag, _ := strconv.ParseInt(last["Lag"], 10, 64)
		sawLag = max(sawLag, lag)
		if lag > 0 {
			break
		}
		if time.Now().After(end) {
			close(stop)
			<-done
			st, _ := e.Query(id)
			t.Fatalf("SHOW QUERIES never reported a lag: last row %v; status %+v", last, st)
		}
	}
	close(stop)
	n := int64(<-done)
	// The figures are sampled every second: wait for a sample that saw
	// every record.
	for _, q := range []string{id, chained, async} {
		waitFor(t, 40*time.Second, q+"'s lag to return to 0", func() bool {
			row := showQueriesRow(t, e, q)
			st, _ := e.Query(q)
			caughtUp := len(st.Lag) == 1 && st.Lag[0].High >= n
			for _, en := range st.Enrichments {
				caughtUp = caughtUp && en.Stats.Emitted == uint64(n)
			}
			return caughtUp && row["Lag"] == "0" && row["Status"] == "RUNNING:1"
		})
	}
	st, _ := e.Query(id)
	t.Logf("max lag seen %d; status: in %.1f/s out %.1f/s, commits %d (avg %s)",
		sawLag, st.InRate, st.OutRate, st.CommitLatency.Count, st.CommitLatency.Avg())
	if st.Consumed != n || st.TotalLag != 0 {
		t.Errorf("consumed %d, lag %d; want %d, 0", st.Consumed, st.TotalLag, n)
	}
	if len(st.Lag) != 1 || st.Lag[0].Partition != "lagin/0" || st.Lag[0].High != n || st.Lag[0].Committed != n {
		t.Errorf("per-partition lag = %+v, want lagin/0 at %d of %d", st.Lag, n, n)
	}
	if st.InRate <= 0 || st.OutRate <= 0 {
		t.Errorf("rates in %.2f out %.2f, want > 0", st.InRate, st.OutRate)
	}
	if c := st.CommitLatency; c.Count == 0 || c.Max <= 0 || len(c.Buckets) != len(engine.CommitLatencyBuckets())+1 {
		t.Errorf("commit latency %+v", c)
	}
	if len(st.Enrichments) != 0 {
		t.Errorf("a synchronous enrichment has no counters: %+v", st.Enrichments)
	}

	st, _ = e.Query(async)
	if len(st.Enrichments) != 1 || st.Enrichments[0].Name != "slow AS D" || st.Enrichments[0].Stats.Calls < uint64(n) ||
		st.Enrichments[0].Stats.LatencyP50 < 20*time.Millisecond {
		t.Errorf("enrichments = %+v, want slow AS D with >= %d calls of >= 20ms", st.Enrichments, n)
	}
	res, err := e.Execute(ctx, "DESCRIBE asyncout EXTENDED;")
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{}
	for _, r := range res[0].Rows {
		fields[r[1]] = r[2]
	}
	if fields["Query "+async+" consumer lag"] != "0 (lagin/0=0)" || fields["Enrichment slow AS D calls"] != strconv.FormatInt(n, 10) {
		t.Errorf("DESCRIBE EXTENDED rows lack the runtime figures: %q", res[0].Rows)
	}
	res, err = e.Execute(ctx, "EXPLAIN ANALYZE "+async+";")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res[0].Message, "consumer lag: 0") || !strings.Contains(res[0].Message, "enrichment slow AS D: in-flight=0") {
		t.Errorf("EXPLAIN ANALYZE:\n%s", res[0].Message)
	}
	if _, err := e.Execute(ctx, "EXPLAIN ANALYZE SELECT * FROM src EMIT CHANGES;"); err == nil ||
		!strings.Contains(err.Error(), "not supported yet") {
		t.Errorf("EXPLAIN ANALYZE <statement>: %v", err)
	}
}
