package engine_test

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/kafka"
)

// Joins through the dev broker: each test runs a join on the Kafka engine
// and compares its output with the in-process driver's for the same
// records (sides with different partition counts go through repartition
// topics on the engine).

var joinBase = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// joinDriver runs sql over the batches of records (in order) in the
// driver, with topics of the given partition counts, and returns the
// records of each sink.
func joinDriver(t *testing.T, sql string, topics map[string]int, batches [][]driver.Record, sinks []string) map[string][]driver.Record {
	t.Helper()
	d, err := driver.New(driver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	for n, p := range topics {
		d.CreateTopic(n, p)
	}
	if _, err := d.Execute(ctx, sql); err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		for _, r := range b {
			if err := d.Produce(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	out := map[string][]driver.Record{}
	for _, s := range sinks {
		out[s] = d.Records(s)
	}
	return out
}

// startJoinEngine creates the topics, starts an engine running sql and
// waits for its queries to own their partitions.
func startJoinEngine(t *testing.T, addr, sql string, topics map[string]int) *engine.Engine {
	t.Helper()
	for n, p := range topics {
		createTopic(t, addr, n, p)
	}
	e := startEngineAt(t, addr, "", map[string]string{"commit.interval.ms": "50"}, sql)
	waitFor(t, 20*time.Second, "the tasks", func() bool {
		for _, q := range e.Queries() {
			if q.Err != nil {
				t.Fatalf("query %s failed: %v", q.ID, q.Err)
			}
			if len(q.Tasks) == 0 {
				return false
			}
		}
		return true
	})
	return e
}

// waitConsumed waits until the engine's queries consumed at least n
// records in all.
func waitConsumed(t *testing.T, e *engine.Engine, n int64) {
	t.Helper()
	waitFor(t, 20*time.Second, fmt.Sprintf("%d records consumed", n), func() bool {
		var c int64
		for _, q := range e.Queries() {
			if q.Err != nil {
				t.Fatalf("query %s failed: %v", q.ID, q.Err)
			}
			c += q.Consumed
		}
		return c >= n
	})
}

// joinRecordSet renders records as sorted "key|value" lines (a stream's
// output, whose order across partitions is not defined).
func joinRecordSet(keys, vals [][]byte) []string {
	out := make([]string, len(keys))
	for i := range keys {
		out[i] = string(keys[i]) + "|" + string(vals[i])
	}
	sort.Strings(out)
	return out
}

func joinDriverSet(recs []driver.Record) []string {
	var ks, vs [][]byte
	for _, r := range recs {
		ks, vs = append(ks, r.Key), append(vs, r.Value)
	}
	return joinRecordSet(ks, vs)
}

func brokerSet(recs []*kafka.Record) []string {
	var ks, vs [][]byte
	for _, r := range recs {
		ks, vs = append(ks, r.Key), append(vs, r.Value)
	}
	return joinRecordSet(ks, vs)
}

func driverFinal(recs []driver.Record) map[string]string {
	tab := map[string]string{}
	for _, r := range recs {
		upsert(tab, string(r.Key), r.Value)
	}
	return tab
}

func diffSets(got, want []string) string {
	if strings.Join(got, "\n") == strings.Join(want, "\n") {
		return ""
	}
	return fmt.Sprintf("got %d records, want %d\ngot:  %.600s\nwant: %.600s", len(got), len(want),
		strings.Join(got, " ; "), strings.Join(want, " ; "))
}

// TestJoinStreamTableRepartition joins a 4-partition stream to a
// 3-partition table on a non-key column of the stream (the stream is
// repartitioned into 3 partitions, placed where the table keeps each key)
// and a stream-stream join with WITHIN, and checks both equal the
// driver's outputs.
func TestJoinStreamTableRepartition(t *testing.T) {
	t.Parallel()
	b := startBroker(t, 1)
	addr := b.Addr()
	const sql = `
SET 'auto.offset.reset'='earliest';
CREATE STREAM clicks (id VARCHAR KEY, uid VARCHAR, n BIGINT) WITH (kafka_topic='clicks', value_format='JSON');
CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (kafka_topic='users', value_format='JSON');
CREATE STREAM views (id VARCHAR KEY, uid VARCHAR, page VARCHAR) WITH (kafka_topic='views', value_format='JSON');
CREATE STREAM enriched AS SELECT c.uid AS uid, c.id AS cid, c.n, u.name FROM clicks c LEFT JOIN users u ON c.uid = u.id;
CREATE STREAM paired AS SELECT c.uid AS uid, c.n, v.page FROM clicks c JOIN views v WITHIN 2 SECONDS ON c.uid = v.uid;
CREATE STREAM nway AS SELECT c.uid AS uid, c.n, u.name, v.page FROM clicks c JOIN users u ON c.uid = u.id
  JOIN views v WITHIN 2 SECONDS ON c.uid = v.uid;
CREATE TABLE per_name AS SELECT u.name AS name, COUNT(*) AS c FROM clicks c JOIN users u ON c.uid = u.id GROUP BY u.name;
`
	topics := map[string]int{"clicks": 4, "users": 3, "views": 2}
	var users, clicks []driver.Record
	for i := 0; i < 40; i++ {
		users = append(users, driver.Record{Topic: "users", Key: fmt.Appendf(nil, "u%d", i),
			Value: fmt.Appendf(nil, `{"NAME":"user %d"}`, i), Timestamp: joinBase + int64(i)})
	}
	for i := 0; i < 600; i++ {
		clicks = append(clicks, driver.Record{Topic: "clicks", Key: fmt.Appendf(nil, "c%d", i),
			Value: fmt.Appendf(nil, `{"UID":"u%d","N":%d}`, i%50, i), Timestamp: joinBase + 10_000 + int64(i)*100})
		if i%3 == 0 {
			clicks = append(clicks, driver.Record{Topic: "views", Key: fmt.Appendf(nil, "v%d", i),
				Value: fmt.Appendf(nil, `{"UID":"u%d","PAGE":"p%d"}`, i%50, i), Timestamp: joinBase + 10_000 + int64(i)*100 + 50})
		}
	}
	want := joinDriver(t, sql, topics, [][]driver.Record{users, clicks}, []string{"ENRICHED", "PAIRED", "NWAY", "PER_NAME"})

	e := startJoinEngine(t, addr, sql, topics)
	produce(t, addr, toKafka(users))
	// Every query that joins users holds them before the clicks come
	// (ENRICHED, NWAY, PER_NAME): a click met before its user joins
	// nothing, as in the driver only if the user came first. (Waiting for
	// one query's share let PER_NAME lose joins on a loaded machine.)
	waitConsumed(t, e, 3*int64(len(users)))
	produce(t, addr, toKafka(clicks))
	for _, s := range []string{"ENRICHED", "PAIRED", "NWAY"} {
		got := brokerSet(readCommitted(t, addr, s, len(want[s]), time.Second, 30*time.Second))
		if d := diffSets(got, joinDriverSet(want[s])); d != "" {
			t.Errorf("%s: %s", s, d)
		}
	}
	w := driverFinal(want["PER_NAME"])
	if got := brokerTable(t, addr, "PER_NAME", w, 30*time.Second); fmt.Sprint(got) != fmt.Sprint(w) {
		t.Errorf("PER_NAME: %s", diffTables(got, w))
		for _, q := range e.Queries() {
			t.Logf("query %s: %s err=%v tasks=%v consumed=%d produced=%d committed=%d lag=%+v restoring=%v",
				q.ID, q.State, q.Err, q.Tasks, q.Consumed, q.Produced, q.CommittedRecords, q.Lag, q.Restoring)
		}
	}
	// The stream-stream join's window stores expire by time too.
	a, err := kafka.NewAdmin(kafka.BootstrapServers(addr), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	windows := 0
	for _, q := range e.Queries() {
		for _, topic := range q.StateTopics {
			if !strings.HasSuffix(topic, "-window-changelog") {
				continue
			}
			windows++
			cfg, err := a.TopicConfigs(context.Background(), topic)
			if err != nil {
				t.Fatal(err)
			}
			if cfg["cleanup.policy"] != "compact,delete" || cfg["retention.ms"] == "" {
				t.Errorf("%s: cleanup.policy %q, retention.ms %q; want compact,delete with a retention", topic,
					cfg["cleanup.policy"], cfg["retention.ms"])
			}
		}
	}
	if windows != 4 {
		t.Errorf("%d window store changelogs, want 4 (two stream-stream joins)", windows)
	}
	for _, q := range e.Queries() {
		if q.Err != nil {
			t.Errorf("query %s: %v", q.ID, q.Err)
		}
	}
}

// TestJoinTableTable joins two 3-partition tables on their keys (inner
// and full outer) with updates and deletes on both sides, and checks that
// the final tables equal the driver's.
func TestJoinTableTable(t *testing.T) {
	t.Parallel()
	b := startBroker(t, 1)
	addr := b.Addr()
	const sql = `
SET 'auto.offset.reset'='earliest';
CREATE TABLE a (id VARCHAR PRIMARY KEY, x BIGINT) WITH (kafka_topic='a', value_format='JSON');
CREATE TABLE b (id VARCHAR PRIMARY KEY, y VARCHAR) WITH (kafka_topic='b', value_format='JSON');
CREATE TABLE ab AS SELECT a.id AS id, a.x, b.y FROM a JOIN b ON a.id = b.id;
CREATE TABLE ab_full AS SELECT ROWKEY AS k, a.x, b.y FROM a FULL OUTER JOIN b ON a.id = b.id;
`
	topics := map[string]int{"a": 3, "b": 3}
	var recs []driver.Record
	for i := 0; i < 500; i++ {
		k := fmt.Appendf(nil, "k%d", i%60)
		r := driver.Record{Topic: "a", Key: k, Value: fmt.Appendf(nil, `{"X":%d}`, i), Timestamp: joinBase + int64(i)*10}
		if i%2 == 1 {
			r.Topic, r.Value = "b", fmt.Appendf(nil, `{"Y":"y%d"}`, i)
		}
		if i%11 == 0 {
			r.Value = nil
		}
		recs = append(recs, r)
	}
	want := joinDriver(t, sql, topics, [][]driver.Record{recs}, []string{"AB", "AB_FULL"})

	startJoinEngine(t, addr, sql, topics)
	// Small batches: changes of both sides interleave with processing.
	for i := 0; i < len(recs); i += 50 {
		produce(t, addr, toKafka(recs[i:min(i+50, len(recs))]))
		time.Sleep(30 * time.Millisecond)
	}
	for _, s := range []string{"AB", "AB_FULL"} {
		w := driverFinal(want[s])
		if got := brokerTable(t, addr, s, w, 30*time.Second); fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s: %s", s, diffTables(got, w))
		}
	}
}

// TestJoinGlobalTable joins a 3-partition stream to a 2-partition global
// table on a non-key column (no repartition): the table, written before
// the query starts, is read in full before the stream; the output equals
// the driver's. Then a table update reaches the running query (it follows
// the topic).
func TestJoinGlobalTable(t *testing.T) {
	t.Parallel()
	b := startBroker(t, 1)
	addr := b.Addr()
	const sql = `
SET 'auto.offset.reset'='earliest';
CREATE STREAM orders (id VARCHAR KEY, pid VARCHAR, qty BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE products (id VARCHAR PRIMARY KEY, title VARCHAR) WITH (kafka_topic='products', value_format='JSON', global=true);
CREATE STREAM lines AS SELECT o.id, o.qty, p.title FROM orders o LEFT JOIN products p ON o.pid = p.id;
`
	topics := map[string]int{"orders": 3, "products": 2}
	var products, orders []driver.Record
	for i := 0; i < 30; i++ {
		products = append(products, driver.Record{Topic: "products", Key: fmt.Appendf(nil, "p%d", i),
			Value: fmt.Appendf(nil, `{"TITLE":"product %d"}`, i), Timestamp: joinBase + 1_000_000 + int64(i)})
	}
	for i := 0; i < 400; i++ {
		orders = append(orders, driver.Record{Topic: "orders", Key: fmt.Appendf(nil, "o%d", i),
			Value: fmt.Appendf(nil, `{"PID":"p%d","QTY":%d}`, i%35, i), Timestamp: joinBase + int64(i)})
	}
	want := joinDriver(t, sql, topics, [][]driver.Record{products, orders}, []string{"LINES"})

	for n, p := range topics {
		createTopic(t, addr, n, p)
	}
	// The whole table and the stream exist before the query starts: the
	// table's records are later than the stream's, yet every order finds
	// its product (the global table is loaded first).
	produce(t, addr, toKafka(products))
	produce(t, addr, toKafka(orders))
	e := newEngine(t, addr, map[string]string{"commit.interval.ms": "50"})
	if _, err := e.Execute(context.Background(), sql); err != nil {
		t.Fatal(err)
	}
	got := brokerSet(readCommitted(t, addr, "LINES", len(want["LINES"]), time.Second, 30*time.Second))
	if d := diffSets(got, joinDriverSet(want["LINES"])); d != "" {
		t.Errorf("LINES: %s", d)
	}

	// Freshness: an update of the table reaches the running query.
	produce(t, addr, []*kafka.Record{{Topic: "products", Partition: -1, Key: []byte("p1"), Value: []byte(`{"TITLE":"renamed"}`)}})
	deadline := time.Now().Add(15 * time.Second)
	for i := 0; ; i++ {
		produce(t, addr, []*kafka.Record{{Topic: "orders", Partition: -1, Key: fmt.Appendf(nil, "probe%d", i), Value: []byte(`{"PID":"p1","QTY":1}`)}})
		time.Sleep(100 * time.Millisecond)
		found := false
		for _, r := range readCommitted(t, addr, "LINES", 0, 200*time.Millisecond, 10*time.Second) {
			found = found || strings.Contains(string(r.Value), "renamed")
		}
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the global table update never reached the query")
		}
	}
}

// TestJoinForeignKeyRace runs inner and left foreign-key joins of a
// 4-partition table to a 3-partition table (subscription and response
// topics between them) while the left rows change their foreign keys
// rapidly, interleaved with updates and deletes of the right rows, and
// checks that the final results equal the joins of the final tables,
// computed here from the records produced.
func TestJoinForeignKeyRace(t *testing.T) {
	t.Parallel()
	b := startBroker(t, 1)
	addr := b.Addr()
	const sql = `
SET 'auto.offset.reset'='earliest';
CREATE TABLE prods (id VARCHAR PRIMARY KEY, mid VARCHAR, v BIGINT) WITH (kafka_topic='prods', value_format='JSON');
CREATE TABLE merchants (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (kafka_topic='merchants', value_format='JSON');
CREATE TABLE pv AS SELECT p.id AS id, p.v AS v, m.name AS name FROM prods p JOIN merchants m ON p.mid = m.id;
CREATE TABLE pv_left AS SELECT p.id AS id, p.v AS v, m.name AS name FROM prods p LEFT JOIN merchants m ON p.mid = m.id;
`
	topics := map[string]int{"prods": 4, "merchants": 3}
	e := startJoinEngine(t, addr, sql, topics)
	rng := newRand(t)
	pr, err := kafka.NewProducer(kafka.BootstrapServers(addr), quiet, kafka.Property("linger.ms", "2"),
		kafka.Property("partitioner", "murmur2_random"))
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	type prod struct {
		mid string
		v   int64
	}
	prods, merchants := map[string]prod{}, map[string]string{}
	ts := joinBase
	for round := 0; round < 30; round++ {
		var recs []*kafka.Record
		for i := 0; i < 80; i++ {
			ts++
			if rng.Intn(10) < 6 {
				id := fmt.Sprintf("p%d", rng.Intn(60))
				r := &kafka.Record{Topic: "prods", Partition: -1, Key: []byte(id), Timestamp: time.UnixMilli(ts)}
				switch x := rng.Intn(8); {
				case x == 0:
					delete(prods, id)
				case x == 1:
					prods[id] = prod{v: ts}
					r.Value = fmt.Appendf(nil, `{"MID":null,"V":%d}`, ts)
				default:
					p := prod{mid: fmt.Sprintf("m%d", rng.Intn(8)), v: ts}
					prods[id] = p
					r.Value = fmt.Appendf(nil, `{"MID":"%s","V":%d}`, p.mid, ts)
				}
				recs = append(recs, r)
				continue
			}
			id := fmt.Sprintf("m%d", rng.Intn(8))
			r := &kafka.Record{Topic: "merchants", Partition: -1, Key: []byte(id), Timestamp: time.UnixMilli(ts)}
			if rng.Intn(8) == 0 {
				delete(merchants, id)
			} else {
				merchants[id] = fmt.Sprintf("name%d", ts)
				r.Value = fmt.Appendf(nil, `{"NAME":"%s"}`, merchants[id])
			}
			recs = append(recs, r)
		}
		if err := pr.Produce(ctx, recs...); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Intn(30)) * time.Millisecond)
	}
	// The joins of the final tables.
	inner, left := map[string]string{}, map[string]string{}
	for id, p := range prods {
		name, ok := merchants[p.mid]
		if ok && p.mid != "" {
			inner[id] = fmt.Sprintf(`{"V":%d,"NAME":"%s"}`, p.v, name)
			left[id] = inner[id]
		} else {
			left[id] = fmt.Sprintf(`{"V":%d,"NAME":null}`, p.v)
		}
	}
	for s, w := range map[string]map[string]string{"PV": inner, "PV_LEFT": left} {
		if got := brokerTable(t, addr, s, w, 30*time.Second); fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s differs from the join of the final tables: %s", s, diffTables(got, w))
		}
	}
	for _, q := range e.Queries() {
		if q.Err != nil {
			t.Errorf("query %s: %v", q.ID, q.Err)
		}
	}
}

func newRand(t *testing.T) *rand.Rand {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	return rand.New(rand.NewSource(seed))
}
