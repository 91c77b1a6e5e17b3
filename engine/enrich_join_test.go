package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
)

// TestAsyncEnrichAfterJoinIsRefused: the runtime's asynchronous tasks
// follow one input partition each, so ENRICH USING ASYNC after a join is
// refused when the query starts, with a message that says what to do.
func TestAsyncEnrichAfterJoinIsRefused(t *testing.T) {
	t.Parallel()
	svc := newLatencyService(t, 0, 0)
	b := startBroker(t, 1)
	createTopic(t, b.Addr(), "orders", 2)
	createTopic(t, b.Addr(), "products", 2)
	e := newEngine(t, b.Addr(), nil)
	_, err := e.Execute(context.Background(), `
CREATE FUNCTION dbl(n BIGINT) RETURNS BIGINT USING HTTP WITH (url='`+svc.URL+`/v/{n}', method='GET', response_path='data');
CREATE STREAM orders (pid VARCHAR KEY, qty BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE products (id VARCHAR PRIMARY KEY, title VARCHAR) WITH (kafka_topic='products', value_format='JSON');
CREATE STREAM lines AS SELECT o.pid, o.qty, p.title, d FROM orders o JOIN products p ON o.pid = p.id
  ENRICH USING ASYNC dbl(o.qty) AS d WITH (order='unordered') EMIT CHANGES;`)
	if err == nil || !strings.Contains(err.Error(), "not after a join") {
		t.Fatalf("ENRICH USING ASYNC after a join: err = %v, want the refusal", err)
	}
}

// TestAsyncEnrichBeforeTableRegroup: an enrichment that carries calls
// over commits (its checkpoint is a state table) in the first part of a
// table re-grouping, which the runtime cuts with per-part changelogs:
// the final table is the one computed from the enriched rows.
func TestAsyncEnrichBeforeTableRegroup(t *testing.T) {
	t.Parallel()
	svc := newLatencyService(t, 0, 3*time.Millisecond)
	b := startBroker(t, 1)
	addr := b.Addr()
	createTopic(t, addr, "users", 4)
	e := newEngine(t, addr, map[string]string{"commit.interval.ms": "50"})
	if _, err := e.Execute(context.Background(), `SET 'auto.offset.reset'='earliest';
CREATE FUNCTION dbl(n BIGINT) RETURNS BIGINT USING HTTP WITH (url='`+svc.URL+`/v/{n}', method='GET', response_path='data');
CREATE TABLE users (id VARCHAR PRIMARY KEY, region VARCHAR, score BIGINT) WITH (kafka_topic='users', value_format='JSON');
CREATE TABLE by_region AS SELECT region, SUM(d) AS total FROM users
  ENRICH USING ASYNC dbl(score) AS d WITH (workers=8, order='unordered') GROUP BY region EMIT CHANGES;`); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	var recs []*kafka.Record
	for i := 0; i < 200; i++ {
		region := fmt.Sprintf("r%d", i%5)
		recs = append(recs, &kafka.Record{Topic: "users", Partition: -1, Key: fmt.Appendf(nil, "u%d", i),
			Value: fmt.Appendf(nil, `{"REGION":"%s","SCORE":%d}`, region, i)})
		want[region] += int64(2 * i)
	}
	produce(t, addr, recs)
	deadline := time.Now().Add(30 * time.Second)
	for {
		last := map[string]string{}
		for _, r := range readCommitted(t, addr, "BY_REGION", 0, 500*time.Millisecond, 30*time.Second) {
			last[string(r.Key)] = string(r.Value)
		}
		ok := len(last) == len(want)
		for k, v := range want {
			ok = ok && last[k] == fmt.Sprintf(`{"TOTAL":%d}`, v)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("final table %v, want totals %v", last, want)
		}
		for _, q := range e.Queries() {
			if q.Err != nil {
				t.Fatalf("query %s failed: %v", q.ID, q.Err)
			}
		}
	}
}
