package engine_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/kafka"
)

// Asynchronous enrichment after a join on the Kafka runtime: a join task
// owns partition p of each of its inputs and drains its enrichments on
// every commit (engine/enrich.go). The outputs are compared with the
// in-process driver's for the same records.

// asyncJoinSQL declares the sides and the function over svc.
func asyncJoinSQL(svc string) string {
	return `SET 'auto.offset.reset'='earliest';
CREATE FUNCTION dbl(n BIGINT) RETURNS BIGINT USING HTTP WITH (url='` + svc + `/v/{n}', method='GET', response_path='data');
CREATE STREAM orders (pid VARCHAR KEY, sku VARCHAR, qty BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE products (id VARCHAR PRIMARY KEY, title VARCHAR) WITH (kafka_topic='products', value_format='JSON');
`
}

// asyncJoinQueries: a stream-table join enriched in each order mode, and
// one whose stream side is repartitioned (joined on a value column).
const asyncJoinQueries = `
CREATE STREAM j_ordered AS SELECT o.pid AS pid, o.qty AS n, p.title, d FROM orders o JOIN products p ON o.pid = p.id
  ENRICH USING ASYNC dbl(o.qty) AS d WITH (workers=16, buffer=24, order='ordered') EMIT CHANGES;
CREATE STREAM j_key AS SELECT o.pid AS pid, o.qty AS n, p.title, d FROM orders o JOIN products p ON o.pid = p.id
  ENRICH USING ASYNC dbl(o.qty) AS d WITH (workers=16, buffer=24, order='key') WHERE d % 3 <> 0 EMIT CHANGES;
CREATE STREAM j_any AS SELECT o.pid AS pid, o.qty AS n, p.title, d FROM orders o LEFT JOIN products p ON o.pid = p.id
  ENRICH USING ASYNC dbl(o.qty) AS d WITH (workers=8, order='unordered') EMIT CHANGES;
CREATE STREAM j_rep AS SELECT o.sku AS sku, o.qty AS n, p.title, d FROM orders o JOIN products p ON o.sku = p.id
  ENRICH USING ASYNC dbl(o.qty) AS d WITH (workers=8, order='unordered') EMIT CHANGES;
`

// asyncJoinRecords are 40 products, then n orders on 50 product ids
// (ids p40..p49 have no product), keyed by product id, in increasing
// quantity; sku names another product than the key.
func asyncJoinRecords(n int) (products, orders []driver.Record) {
	for i := 0; i < 40; i++ {
		products = append(products, driver.Record{Topic: "products", Key: fmt.Appendf(nil, "p%d", i),
			Value: fmt.Appendf(nil, `{"TITLE":"product %d"}`, i), Timestamp: joinBase + int64(i)})
	}
	for i := 0; i < n; i++ {
		orders = append(orders, driver.Record{Topic: "orders", Key: fmt.Appendf(nil, "p%d", i%50),
			Value: fmt.Appendf(nil, `{"SKU":"p%d","QTY":%d}`, (i*7)%45, i), Timestamp: joinBase + 10_000 + int64(i)})
	}
	return products, orders
}

// TestAsyncEnrichAfterStreamTableJoin runs a stream-table join enriched
// with ENRICH USING ASYNC in each order mode (and after a repartitioned
// side) on 4 partitions, with a service whose random latencies keep
// calls in flight when commits start: the outputs equal the driver's as
// multisets, in input order per partition (ordered) and per key (key),
// and the join tasks keep no enrichment checkpoint (they drain).
func TestAsyncEnrichAfterStreamTableJoin(t *testing.T) {
	t.Parallel()
	svc := newLatencyService(t, 0, 0)
	products, orders := asyncJoinRecords(1500)
	topics := map[string]int{"orders": 4, "products": 4}
	sinks := []string{"J_ORDERED", "J_KEY", "J_ANY", "J_REP"}
	want := joinDriver(t, asyncJoinSQL(svc.URL)+asyncJoinQueries, topics, [][]driver.Record{products, orders}, sinks)

	svc.setLatency(0, 15*time.Millisecond)
	b := startBroker(t, 1)
	addr := b.Addr()
	e := startJoinEngine(t, addr, asyncJoinSQL(svc.URL)+asyncJoinQueries, topics)
	produce(t, addr, toKafka(products))
	waitConsumed(t, e, int64(len(sinks)*len(products)))
	produce(t, addr, toKafka(orders))
	for _, s := range sinks {
		if len(want[s]) == 0 {
			t.Fatalf("the driver wrote nothing to %s", s)
		}
		got := readCommitted(t, addr, s, len(want[s]), time.Second, 60*time.Second)
		if d := diffSets(brokerSet(got), joinDriverSet(want[s])); d != "" {
			t.Errorf("%s: %s", s, d)
			continue
		}
		switch s {
		case "J_ORDERED": // the key is the input's: same partition
			checkOrder(t, s, got, func(r *kafka.Record) string { return strconv.Itoa(int(r.Partition)) })
		case "J_KEY":
			checkOrder(t, s, got, func(r *kafka.Record) string { return string(r.Key) })
		}
		t.Logf("%s: %d records as the driver", s, len(got))
	}
	for _, q := range e.Queries() {
		if q.State != engine.StateRunning {
			t.Errorf("query %s: %s %v", q.ID, q.State, q.Err)
		}
		for _, topic := range q.StateTopics {
			if strings.Contains(topic, "EnrichCheckpoint") {
				t.Errorf("query %s keeps an enrichment checkpoint (%s): a join task must drain", q.ID, topic)
			}
		}
	}
	if svc.peak.Load() < 2 {
		t.Errorf("at most %d call(s) in flight at once", svc.peak.Load())
	}
}

// TestAsyncEnrichAfterStreamStreamJoin enriches a windowed stream-stream
// join and a table-table join, where both sides produce join results (the
// enrichment sees rows of either topic of its task), and a foreign-key
// join (results come from the response topic too).
func TestAsyncEnrichAfterStreamStreamJoin(t *testing.T) {
	t.Parallel()
	svc := newLatencyService(t, 0, 0)
	const sql = `SET 'auto.offset.reset'='earliest';
CREATE FUNCTION dbl(n BIGINT) RETURNS BIGINT USING HTTP WITH (url='URL/v/{n}', method='GET', response_path='data');
CREATE STREAM clicks (uid VARCHAR KEY, n BIGINT) WITH (kafka_topic='clicks', value_format='JSON');
CREATE STREAM views (uid VARCHAR KEY, page VARCHAR, m BIGINT) WITH (kafka_topic='views', value_format='JSON');
CREATE TABLE ua (id VARCHAR PRIMARY KEY, a BIGINT) WITH (kafka_topic='ua', value_format='JSON');
CREATE TABLE ub (id VARCHAR PRIMARY KEY, b BIGINT) WITH (kafka_topic='ub', value_format='JSON');
CREATE STREAM paired AS SELECT c.uid AS uid, c.n, v.page, d FROM clicks c JOIN views v WITHIN 2 SECONDS ON c.uid = v.uid
  ENRICH USING ASYNC dbl(c.n + v.m) AS d WITH (workers=16, order='key') EMIT CHANGES;
CREATE TABLE both_t AS SELECT ua.id AS id, ua.a, ub.b, d FROM ua JOIN ub ON ua.id = ub.id
  ENRICH USING ASYNC dbl(ua.a + ub.b) AS d WITH (workers=16, order='ordered') EMIT CHANGES;
CREATE TABLE prods (id VARCHAR PRIMARY KEY, mid VARCHAR, v BIGINT) WITH (kafka_topic='prods', value_format='JSON');
CREATE TABLE merchants (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (kafka_topic='merchants', value_format='JSON');
CREATE TABLE pm AS SELECT p.id AS id, p.v AS v, m.name AS name, d FROM prods p JOIN merchants m ON p.mid = m.id
  ENRICH USING ASYNC dbl(p.v) AS d WITH (workers=8, order='key') EMIT CHANGES;
`
	q := strings.ReplaceAll(sql, "URL", svc.URL)
	topics := map[string]int{"clicks": 4, "views": 4, "ua": 4, "ub": 4, "prods": 4, "merchants": 3}
	var recs []driver.Record
	for i := 0; i < 600; i++ {
		recs = append(recs, driver.Record{Topic: "clicks", Key: fmt.Appendf(nil, "u%d", i%40),
			Value: fmt.Appendf(nil, `{"N":%d}`, i), Timestamp: joinBase + int64(i)*100})
		if i%3 == 0 {
			recs = append(recs, driver.Record{Topic: "views", Key: fmt.Appendf(nil, "u%d", i%40),
				Value: fmt.Appendf(nil, `{"PAGE":"p%d","M":%d}`, i, 1000*i), Timestamp: joinBase + int64(i)*100 + 50})
		}
	}
	var tabs []driver.Record
	for i := 0; i < 300; i++ {
		topic, col := "ua", "A"
		if i%2 == 1 {
			topic, col = "ub", "B"
		}
		tabs = append(tabs, driver.Record{Topic: topic, Key: fmt.Appendf(nil, "k%d", (i/2)%50),
			Value: fmt.Appendf(nil, `{"%s":%d}`, col, i), Timestamp: joinBase + int64(i)*100})
	}
	var merchants, prods []driver.Record
	for i := 0; i < 8; i++ {
		merchants = append(merchants, driver.Record{Topic: "merchants", Key: fmt.Appendf(nil, "m%d", i),
			Value: fmt.Appendf(nil, `{"NAME":"merchant %d"}`, i), Timestamp: joinBase + int64(i)})
	}
	for i := 0; i < 400; i++ {
		prods = append(prods, driver.Record{Topic: "prods", Key: fmt.Appendf(nil, "p%d", i%90),
			Value: fmt.Appendf(nil, `{"MID":"m%d","V":%d}`, i%9, i), Timestamp: joinBase + 100 + int64(i)})
	}
	want := joinDriver(t, q, topics, [][]driver.Record{recs, tabs, merchants, prods}, []string{"PAIRED", "BOTH_T", "PM"})

	svc.setLatency(0, 10*time.Millisecond)
	b := startBroker(t, 1)
	addr := b.Addr()
	e := startJoinEngine(t, addr, q, topics)
	// Each side in timestamp order, the engine's tasks meet them as the
	// driver does (a table's update joins the other side's state).
	produce(t, addr, toKafka(recs))
	produce(t, addr, toKafka(tabs))
	produce(t, addr, toKafka(merchants))
	waitConsumed(t, e, int64(len(recs)+len(tabs)+len(merchants)))
	produce(t, addr, toKafka(prods))
	if len(want["PAIRED"]) == 0 || len(want["BOTH_T"]) == 0 {
		t.Fatalf("the driver wrote %d and %d records", len(want["PAIRED"]), len(want["BOTH_T"]))
	}
	got := readCommitted(t, addr, "PAIRED", len(want["PAIRED"]), time.Second, 60*time.Second)
	if d := diffSets(brokerSet(got), joinDriverSet(want["PAIRED"])); d != "" {
		t.Errorf("PAIRED: %s", d)
	}
	for _, s := range []string{"BOTH_T", "PM"} {
		w := driverFinal(want[s])
		if len(w) == 0 {
			t.Fatalf("the driver's %s is empty", s)
		}
		if got := brokerTable(t, addr, s, w, 60*time.Second); fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s: %s", s, diffTables(got, w))
		}
	}
	for _, st := range e.Queries() {
		if st.State != engine.StateRunning {
			t.Errorf("query %s: %s %v", st.ID, st.State, st.Err)
		}
	}
}

// TestAsyncEnrichAfterJoinRestart stops an engine (gracefully) while a
// stream-table join's enrichment has calls in flight and starts another
// with an empty state directory (its join store restored from the
// changelog): the output holds every record once, as the driver's.
func TestAsyncEnrichAfterJoinRestart(t *testing.T) {
	t.Parallel()
	svc := newLatencyService(t, 0, 0)
	const query = `
CREATE STREAM j_any AS SELECT o.pid AS pid, o.qty AS n, p.title, d FROM orders o JOIN products p ON o.pid = p.id
  ENRICH USING ASYNC dbl(o.qty) AS d WITH (workers=8, order='unordered') EMIT CHANGES;`
	products, orders := asyncJoinRecords(2000)
	topics := map[string]int{"orders": 4, "products": 4}
	want := joinDriver(t, asyncJoinSQL(svc.URL)+query, topics, [][]driver.Record{products, orders}, []string{"J_ANY"})["J_ANY"]

	svc.setLatency(5*time.Millisecond, 15*time.Millisecond)
	b := startBroker(t, 1)
	addr := b.Addr()
	for n, p := range topics {
		createTopic(t, addr, n, p)
	}
	start := func() *engine.Engine {
		return startEngineAt(t, addr, "", map[string]string{"commit.interval.ms": "50"}, asyncJoinSQL(svc.URL)+query)
	}
	e := start()
	produce(t, addr, toKafka(products))
	waitConsumed(t, e, int64(len(products)))
	produce(t, addr, toKafka(orders))
	waitFor(t, 30*time.Second, "a third of the output", func() bool {
		return e.Queries()[0].Produced >= int64(len(want)/3)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st := e.Queries(); len(st) > 0 && st[0].Err != nil {
		t.Fatalf("first engine: %v", st[0].Err)
	}
	first := readCommitted(t, addr, "J_ANY", 0, 500*time.Millisecond, 30*time.Second)
	t.Logf("the first engine committed %d of %d records", len(first), len(want))

	e = start()
	got := readCommitted(t, addr, "J_ANY", len(want), time.Second, 60*time.Second)
	if d := diffSets(brokerSet(got), joinDriverSet(want)); d != "" {
		t.Errorf("J_ANY after a restart: %s", d)
	}
	st := e.Queries()[0]
	if st.Err != nil {
		t.Errorf("second engine: %v", st.Err)
	}
	if len(first) < len(want) && st.Produced == 0 {
		t.Error("the second engine produced nothing")
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
	waitTotals(t, e, addr, "BY_REGION", want)
}

// TestAsyncEnrichBeforeStreamGroupBy: an enrichment that keeps its
// checkpoint in state (unordered) before a stream's GROUP BY on another
// column: two stateful sub-topologies, each with its own state
// directories and changelogs; the final table is the one computed from
// the enriched rows.
func TestAsyncEnrichBeforeStreamGroupBy(t *testing.T) {
	t.Parallel()
	svc := newLatencyService(t, 0, 3*time.Millisecond)
	b := startBroker(t, 1)
	addr := b.Addr()
	createTopic(t, addr, "clicks", 4)
	e := newEngine(t, addr, map[string]string{"commit.interval.ms": "50"})
	if _, err := e.Execute(context.Background(), `SET 'auto.offset.reset'='earliest';
CREATE FUNCTION dbl(n BIGINT) RETURNS BIGINT USING HTTP WITH (url='`+svc.URL+`/v/{n}', method='GET', response_path='data');
CREATE STREAM clicks (id VARCHAR KEY, region VARCHAR, score BIGINT) WITH (kafka_topic='clicks', value_format='JSON');
CREATE TABLE by_region AS SELECT region, SUM(d) AS total FROM clicks
  ENRICH USING ASYNC dbl(score) AS d WITH (workers=8, order='unordered') GROUP BY region EMIT CHANGES;`); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	var recs []*kafka.Record
	for i := 0; i < 300; i++ {
		region := fmt.Sprintf("r%d", i%5)
		recs = append(recs, &kafka.Record{Topic: "clicks", Partition: -1, Key: fmt.Appendf(nil, "c%d", i),
			Value: fmt.Appendf(nil, `{"REGION":"%s","SCORE":%d}`, region, i)})
		want[region] += int64(2 * i)
	}
	produce(t, addr, recs)
	waitTotals(t, e, addr, "BY_REGION", want)
}

// waitTotals waits until the last record of each key of table topic is
// {"TOTAL":want[key]} (and no other key), failing when a query of e fails
// or after 30 s.
func waitTotals(t *testing.T, e *engine.Engine, addr, topic string, want map[string]int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		last := map[string]string{}
		for _, r := range readCommitted(t, addr, topic, 0, 500*time.Millisecond, 30*time.Second) {
			last[string(r.Key)] = string(r.Value)
		}
		ok := len(last) == len(want)
		for k, v := range want {
			ok = ok && last[k] == fmt.Sprintf(`{"TOTAL":%d}`, v)
		}
		if ok {
			return
		}
		for _, q := range e.Queries() {
			if q.Err != nil {
				t.Fatalf("query %s failed: %v", q.ID, q.Err)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("final table %v, want totals %v", last, want)
		}
	}
}
