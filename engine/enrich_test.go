package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/kafka"
)

// latencyService is a loopback HTTP service for enrichment tests:
// GET /v/<n> answers {"data": 2n} after a random delay in [min, max).
// Numbers that are 13 modulo 100 fail (500) when failing is set.
type latencyService struct {
	*httptest.Server
	min, max time.Duration
	calls    atomic.Int64
	inflight atomic.Int64
	peak     atomic.Int64
	failing  bool
	mu       sync.Mutex
	rng      *rand.Rand
}

func newLatencyService(t testing.TB, lo, hi time.Duration) *latencyService {
	s := &latencyService{min: lo, max: hi, rng: rand.New(rand.NewSource(time.Now().UnixNano()))}
	s.Server = httptest.NewServer(s)
	t.Cleanup(s.Close)
	return s
}

func (s *latencyService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/v/"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	s.calls.Add(1)
	cur := s.inflight.Add(1)
	defer s.inflight.Add(-1)
	for p := s.peak.Load(); cur > p && !s.peak.CompareAndSwap(p, cur); p = s.peak.Load() {
	}
	s.mu.Lock()
	d := s.min
	if s.max > s.min {
		d += time.Duration(s.rng.Int63n(int64(s.max - s.min)))
	}
	s.mu.Unlock()
	time.Sleep(d)
	if s.failing && n%100 == 13 {
		http.Error(w, "boom", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"data": %d}`, 2*n)
}

// setLatency changes the delay range of later calls.
func (s *latencyService) setLatency(lo, hi time.Duration) {
	s.mu.Lock()
	s.min, s.max = lo, hi
	s.mu.Unlock()
}

// enrichSQL declares the source and the function over svc.
func enrichSQL(svc string) string {
	return `SET 'auto.offset.reset'='earliest';
CREATE STREAM src (id VARCHAR KEY, n BIGINT) WITH (kafka_topic='in', value_format='JSON');
CREATE FUNCTION dbl(n BIGINT) RETURNS BIGINT USING HTTP WITH (url='` + svc + `/v/{n}', method='GET', response_path='data');
`
}

// enrichQueries is one query per order mode (and on_failure policy).
const enrichQueries = `
CREATE STREAM out_ordered AS SELECT id, n, d FROM src
  ENRICH USING ASYNC dbl(n) AS d WITH (workers=16, buffer=24, order='ordered', on_failure='null') WHERE n % 7 <> 3 EMIT CHANGES;
CREATE STREAM out_key AS SELECT id, n, d FROM src
  ENRICH USING ASYNC dbl(n) AS d WITH (workers=16, buffer=24, order='key', on_failure='dlq', dlq_topic='dead') EMIT CHANGES;
CREATE STREAM out_any AS SELECT id, n, d FROM src
  ENRICH USING ASYNC dbl(n) AS d WITH (workers=8, order='unordered', on_failure='log') EMIT CHANGES;
`

// TestAsyncEnrichThroughBroker runs async enrichments in each order mode
// through the Kafka engine (4 partitions, a service with random
// latencies and failures) and compares the outputs with the in-process
// driver's: the same records (as multisets), input order per partition
// in ordered mode, per-key order in key mode, the same dead letters.
func TestAsyncEnrichThroughBroker(t *testing.T) {
	t.Parallel()
	svc := newLatencyService(t, 0, 0)
	svc.failing = true
	const n = 1500
	recs := make([]*kafka.Record, n)
	for i := range n {
		// 300 keys, each seen 5 times, so that key order matters.
		recs[i] = &kafka.Record{Topic: "in", Partition: -1, Key: key(i % 300), Value: fmt.Appendf(nil, `{"N":%d}`, i)}
	}

	// The driver: one partition per topic, records in order, each
	// drained before the next (so without latency here).
	svc.setLatency(0, 0)
	d, err := driver.New(driver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d.CreateTopic("in", 1)
	if _, err := d.Execute(ctx, enrichSQL(svc.URL)+enrichQueries); err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		if err := d.Produce(ctx, driver.Record{Topic: "in", Key: r.Key, Value: r.Value, Timestamp: int64(1000 + i)}); err != nil {
			t.Fatal(err)
		}
	}

	svc.setLatency(0, 15*time.Millisecond)
	b := startBroker(t, 1)
	createTopic(t, b.Addr(), "in", 4)
	produce(t, b.Addr(), recs)
	e := newEngine(t, b.Addr(), nil)
	if _, err := e.Execute(ctx, enrichSQL(svc.URL)+enrichQueries); err != nil {
		t.Fatal(err)
	}
	for _, topic := range []string{"OUT_ORDERED", "OUT_KEY", "OUT_ANY", "dead"} {
		want := d.Records(topic)
		got := readCommitted(t, b.Addr(), topic, len(want), 500*time.Millisecond, 60*time.Second)
		if len(want) == 0 {
			t.Fatalf("the driver wrote nothing to %s", topic)
		}
		if g, w := recordSet(got), driverSet(want); !slices.Equal(g, w) {
			t.Errorf("%s: the engine's %d records differ from the driver's %d", topic, len(g), len(w))
			continue
		}
		// Order: per input partition (ordered) or per key (key mode).
		switch topic {
		case "OUT_ORDERED":
			checkOrder(t, topic, got, func(r *kafka.Record) string { return strconv.Itoa(int(r.Partition)) })
		case "OUT_KEY":
			checkOrder(t, topic, got, func(r *kafka.Record) string { return string(r.Key) })
		}
		t.Logf("%s: %d records as the driver", topic, len(got))
	}
	for _, st := range e.Queries() {
		if st.State != engine.StateRunning {
			t.Errorf("query %s: %s %v", st.ID, st.State, st.Err)
		}
	}
	if got := e.Queries()[2].ProcessingErrors; got != 15 {
		t.Errorf("out_any logged %d failures, want 15", got)
	}
}

// checkOrder checks that within each group the values' N increase (the
// input is in increasing N per partition and per key).
func checkOrder(t *testing.T, topic string, recs []*kafka.Record, group func(*kafka.Record) string) {
	t.Helper()
	last := map[string]int{}
	for _, r := range recs {
		var v struct{ N int }
		if err := json.Unmarshal(r.Value, &v); err != nil {
			t.Fatalf("%s: %v", topic, err)
		}
		g := group(r)
		if p, ok := last[g]; ok && v.N < p {
			t.Errorf("%s: %d after %d in %s", topic, v.N, p, g)
			return
		}
		last[g] = v.N
	}
}

func recordSet(recs []*kafka.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Key) + " " + string(r.Value)
	}
	slices.Sort(out)
	return out
}

func driverSet(recs []driver.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Key) + " " + string(r.Value)
	}
	slices.Sort(out)
	return out
}
