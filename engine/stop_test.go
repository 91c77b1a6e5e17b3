package engine_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/kafka"
)

// TestStopDuringCallCommitsNothingOfItsFetch stops an engine gracefully
// while a synchronous enrichment call is in flight: the stop interrupts
// the fetch's processing, so its cycle aborts instead of committing the
// fetch's offsets without its outputs, and a second engine (the service
// answering at once now) produces every record once, each enriched.
func TestStopDuringCallCommitsNothingOfItsFetch(t *testing.T) {
	t.Parallel()
	svc := newLatencyService(t, 3*time.Second, 3*time.Second)
	b := startBroker(t, 1)
	addr := b.Addr()
	createTopic(t, addr, "in", 1)
	const n = 5
	query := enrichSQL(svc.URL) + `
CREATE STREAM stopped AS SELECT id, n, d FROM src ENRICH USING dbl(n) AS d EMIT CHANGES;`
	start := func() *engine.Engine {
		return startEngineAt(t, addr, "", map[string]string{"commit.interval.ms": "100"}, query)
	}
	e := start()
	recs := make([]*kafka.Record, n)
	for i := range recs {
		recs[i] = &kafka.Record{Topic: "in", Partition: 0, Key: key(i), Value: fmt.Appendf(nil, `{"N":%d}`, i)}
	}
	produce(t, addr, recs)
	waitFor(t, 30*time.Second, "the first call", func() bool { return svc.calls.Load() > 0 })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if first := readCommitted(t, addr, "STOPPED", 0, 500*time.Millisecond, 30*time.Second); len(first) > 1 {
		t.Fatalf("the first engine committed %d records; its calls take 3 s and it stopped during the first", len(first))
	}

	svc.setLatency(0, 0)
	start()
	got := readCommitted(t, addr, "STOPPED", n, time.Second, 60*time.Second)
	var vals []string
	for _, r := range got {
		vals = append(vals, string(r.Value))
	}
	sort.Strings(vals)
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf(`{"N":%d,"D":%d}`, i, 2*i))
	}
	if fmt.Sprint(vals) != fmt.Sprint(want) {
		t.Errorf("output after the restart = %q, want each record once, enriched: %q", vals, want)
	}
}
