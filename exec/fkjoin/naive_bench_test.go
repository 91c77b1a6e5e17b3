package fkjoin_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/exec/build"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/state"
	"github.com/rql/rql/udf"
)

// queries is a set of persistent queries wired as exec/build builds them
// (sources deserialize JSON records, sinks serialize), over one RocksDB
// store; a sink's records feed the queries reading its topic, as Kafka
// would. Nothing is kept: records are counted and their bytes summed.
type queries struct {
	cat      *planner.Catalog
	reg      *udf.Registry
	db       *state.DB
	byTopic  map[string][]*exec.Pipeline
	outBytes int64
	outRecs  int64
	// coalesce, while loading, keeps only the last record of each key
	// written to a topic that queries read, until flush (as Kafka
	// Streams' record cache does within a commit interval); pending holds
	// them in first-write order.
	coalesce bool
	pending  []exec.Record
	slot     map[string]int
}

func newQueries(b *testing.B, sql string) *queries {
	b.Helper()
	db, err := state.Open(b.TempDir(), state.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	q := &queries{cat: planner.NewCatalog(nil), reg: udf.Builtins(), db: db, byTopic: map[string][]*exec.Pipeline{}}
	stmts, err := parser.Parse(sql, parser.ParseOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range stmts {
		p, err := planner.PlanStatementWith(q.cat, q.reg, s, nil, planner.PlanOptions{})
		if err != nil {
			b.Fatal(err)
		}
		switch p := p.(type) {
		case *planner.CreateSourcePlan:
			q.cat.PutSource(p.Source)
		case *planner.CreateAsSelectPlan:
			q.cat.PutSource(p.Sink)
			pipe, err := build.Build(b.Context(), p.Query, build.Options{Registry: q.reg, Props: q.cat.Props,
				Emit: exec.RecordSinkFunc(q.emit), State: db, Log: func(e exec.LogEntry) { b.Fatalf("processing log: %+v", e) }})
			if err != nil {
				b.Fatal(err)
			}
			for _, in := range pipe.Inputs {
				q.byTopic[in.Topic] = append(q.byTopic[in.Topic], pipe)
			}
		default:
			b.Fatalf("unexpected plan %T", p)
		}
	}
	return q
}

func (q *queries) emit(ctx context.Context, r exec.Record) error {
	q.outRecs++
	q.outBytes += int64(len(r.Key) + len(r.Value))
	if q.coalesce && len(q.byTopic[r.Topic]) > 0 {
		k := r.Topic + "\x00" + string(r.Key)
		if i, ok := q.slot[k]; ok {
			q.pending[i] = r
		} else {
			q.slot[k] = len(q.pending)
			q.pending = append(q.pending, r)
		}
		return nil
	}
	return q.push(ctx, r)
}

// flush delivers the coalesced records (and what they cause).
func (q *queries) flush(ctx context.Context) error {
	for len(q.pending) > 0 {
		recs := q.pending
		q.pending, q.slot = nil, map[string]int{}
		for _, r := range recs {
			if err := q.push(ctx, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// push delivers r to the queries reading its topic.
func (q *queries) push(ctx context.Context, r exec.Record) error {
	for _, p := range q.byTopic[r.Topic] {
		if err := p.Push(ctx, r.Topic, []exec.Record{r}); err != nil {
			return err
		}
	}
	return nil
}

func (q *queries) produce(b *testing.B, topic, key, value string, ts int64) {
	if err := q.push(b.Context(), exec.Record{Topic: topic, Key: []byte(key), Value: []byte(value), Timestamp: ts}); err != nil {
		b.Fatal(err)
	}
}

const (
	benchDDL = `CREATE TABLE products (id STRING PRIMARY KEY, merchant_id STRING, name STRING, price INT)
  WITH (kafka_topic='products', value_format='JSON');
CREATE TABLE merchants (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='merchants', value_format='JSON');
`
	// rqlPlan is the foreign-key join.
	rqlPlan = benchDDL + `CREATE TABLE product_view AS SELECT p.id, p.name AS product, price, m.name AS merchant
  FROM products p JOIN merchants m ON p.merchant_id = m.id;`
	// naivePlan re-keys products by merchant and collects each merchant's
	// products into one row, then joins merchants on their primary key:
	// every product update rewrites (and re-sends) the whole list.
	naivePlan = benchDDL + `CREATE TABLE by_merchant AS SELECT merchant_id,
  COLLECT_LIST(STRUCT(ID := id, NAME := name, PRICE := price)) AS products FROM products GROUP BY merchant_id;
CREATE TABLE naive_view AS SELECT b.merchant_id, products, m.name AS merchant
  FROM by_merchant b JOIN merchants m ON b.merchant_id = m.id;`
)

func productJSON(i, price int) string {
	return `{"MERCHANT_ID":"m0","NAME":"product ` + strconv.Itoa(i) + `","PRICE":` + strconv.Itoa(price) + `}`
}

// productUpdates loads n products of merchant m0 into q, then times
// updates (new price, same merchant) spread over them, one record at a
// time; ns and output bytes per update. The load pushes 1000 records at a time and coalesces
// the intermediate records by key (without it, loading the naive plan
// costs O(n²) whole-list hops).
func productUpdates(b *testing.B, q *queries, n, updates int) (ns, outBytes float64) {
	q.produce(b, "merchants", "m0", `{"NAME":"merchant zero"}`, 1)
	q.coalesce, q.slot = true, map[string]int{}
	const chunk = 1000
	recs := make([]exec.Record, 0, chunk)
	for i := 0; i < n; i++ {
		recs = append(recs, exec.Record{Topic: "products", Key: []byte(fmt.Sprintf("p%07d", i)),
			Value: []byte(productJSON(i, 1)), Timestamp: int64(10 + i)})
		if len(recs) == chunk || i == n-1 {
			for _, p := range q.byTopic["products"] {
				if err := p.Push(b.Context(), "products", recs); err != nil {
					b.Fatal(err)
				}
			}
			if err := q.flush(b.Context()); err != nil {
				b.Fatal(err)
			}
			recs = recs[:0]
		}
	}
	q.coalesce = false
	bytes0 := q.outBytes
	start := time.Now()
	for u := 0; u < updates; u++ {
		i := (u * 7919) % n
		q.produce(b, "products", fmt.Sprintf("p%07d", i), productJSON(i, u+2), int64(1_000_000+u))
	}
	ns = float64(time.Since(start).Nanoseconds()) / float64(updates)
	return ns, float64(q.outBytes-bytes0) / float64(updates)
}

// BenchmarkFKJoinVsNaive compares, for one merchant with 10k products,
// the cost of a product update through the foreign-key join query with
// the naive plan (re-key by merchant, COLLECT_LIST of the merchant's
// products, primary-key table-table join), both as whole pipelines
// (JSON in, JSON out, RocksDB state). Metric naive/rql is the speed-up
// (target ≥ 50); out-B/update is what each plan writes per update (sink
// records, the naive plan's intermediate by-merchant table included).
// FKJOIN_NAIVE_N overrides the product count.
func BenchmarkFKJoinVsNaive(b *testing.B) {
	n := 10_000
	if s := os.Getenv("FKJOIN_NAIVE_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	rqlNS, rqlOut := productUpdates(b, newQueries(b, rqlPlan), n, 5_000)
	naiveNS, naiveOut := productUpdates(b, newQueries(b, naivePlan), n, 30)
	b.ReportMetric(rqlNS, "rql-ns/update")
	b.ReportMetric(naiveNS, "naive-ns/update")
	b.ReportMetric(naiveNS/rqlNS, "naive/rql")
	b.ReportMetric(rqlOut, "rql-out-B/update")
	b.ReportMetric(naiveOut, "naive-out-B/update")
}
