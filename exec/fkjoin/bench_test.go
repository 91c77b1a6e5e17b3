package fkjoin

import (
	"fmt"
	"testing"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/sqltypes"
)

// The benchmarks of this file drive the Join operator directly (rows in,
// rows out, RocksDB state committed per row as in production), one merchant
// whose product count grows; naive_bench_test.go compares whole query
// pipelines with the naive re-key-and-aggregate plan. They measure their
// own loops and report figures with b.ReportMetric (run them with
// -benchtime 1x, as scripts/bench.sh does).

// skewSizes are the product counts of the one merchant.
var skewSizes = []int{10, 1_000, 100_000}

// sizeName renders 10, 1k, 100k.
func sizeName(n int) string {
	if n >= 1000 && n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// loadMerchant opens a join with merchant m0 and n products referencing
// it (p0000000 ...), each committed as its own change.
func loadMerchant(b *testing.B, n int) *opened {
	o := openJoin(b, innerQuery)
	o.j.env.Log = nil
	o.merchant(b, "m0", "merchant zero", 1)
	const chunk = 1024
	rows := make([]exec.Row, 0, chunk)
	for i := 0; i < n; i++ {
		rows = append(rows, productRow(o, i, 0, int64(10+i)))
		if len(rows) == chunk || i == n-1 {
			o.pushRows(b, 0, rows)
			rows = rows[:0]
		}
	}
	return o
}

// productRow is product i of merchant m0 with value n.
func productRow(o *opened, i int, n int32, ts int64) exec.Row {
	return row(o.j.n.Left, ts, false, map[string]sqltypes.Value{
		"ID": fmt.Sprintf("p%07d", i), "M": "m0", "N": n})
}

// pushRows processes a batch of rows and discards the output.
func (o *opened) pushRows(b *testing.B, input int, rows []exec.Row) {
	b.Helper()
	if err := o.j.Process(b.Context(), input, &exec.Batch{Rows: rows}, exec.Discard{}); err != nil {
		b.Fatal(err)
	}
}

// leftUpdates times updates of the products (same foreign key, new
// value), spread over all of them, one row per Process call; ns/update.
func leftUpdates(b *testing.B, o *opened, n, updates int) float64 {
	rows := make([]exec.Row, 1)
	start := time.Now()
	for u := 0; u < updates; u++ {
		i := (u * 7919) % n // a stride prime to n's factors visits them all
		rows[0] = productRow(o, i, int32(u+1), int64(1_000_000+u))
		o.pushRows(b, 0, rows)
	}
	return float64(time.Since(start).Nanoseconds()) / float64(updates)
}

// BenchmarkFKJoinLeftSkew reports the left side's cost per product update
// as one merchant's product count grows 10 → 1k → 100k: each update sends
// one subscription, touches one subscription store entry, reads the
// merchant and answers one response, whatever the merchant's size. Metric
// max/min is the flatness (target ≤ 2).
func BenchmarkFKJoinLeftSkew(b *testing.B) {
	const updates = 20_000
	var lo, hi float64
	for _, n := range skewSizes {
		o := loadMerchant(b, n)
		leftUpdates(b, o, n, 2_000) // warm up
		ns := leftUpdates(b, o, n, updates)
		b.ReportMetric(ns, "ns/update@"+sizeName(n))
		if lo == 0 || ns < lo {
			lo = ns
		}
		hi = max(hi, ns)
		if o.j.StaleResponses() != 0 {
			b.Fatalf("%d stale responses in process", o.j.StaleResponses())
		}
	}
	b.ReportMetric(hi/lo, "max/min")
}

// BenchmarkFKJoinRightFanout reports the cost of one merchant update
// against its subscriber count (10 → 1k → 100k): a prefix scan of the
// subscription store and one response per subscriber. Metrics: ns per
// merchant update and per subscriber at each size; max/min of the
// per-subscriber cost (1 is exactly proportional). It also reports the
// subscription store's bytes per reference: the logical key and value
// (len32(fk) ‖ fk ‖ pk → hash ‖ instruction) and the stored key with the
// state package's table prefix.
func BenchmarkFKJoinRightFanout(b *testing.B) {
	var lo, hi float64
	for _, n := range skewSizes {
		o := loadMerchant(b, n)
		updates := max(3, 200_000/n)
		rows := make([]exec.Row, 1)
		update := func(k int) {
			rows[0] = row(o.j.n.Right, int64(2_000_000+k), false, map[string]sqltypes.Value{
				"ID": "m0", "NAME": fmt.Sprintf("merchant zero v%d", k)})
			o.pushRows(b, 1, rows)
		}
		update(-1) // warm up
		start := time.Now()
		for k := 0; k < updates; k++ {
			update(k)
		}
		ns := float64(time.Since(start).Nanoseconds()) / float64(updates)
		per := ns / float64(n)
		b.ReportMetric(ns, "ns/merchant-update@"+sizeName(n))
		b.ReportMetric(per, "ns/subscriber@"+sizeName(n))
		if lo == 0 || per < lo {
			lo = per
		}
		hi = max(hi, per)
		if n == skewSizes[len(skewSizes)-1] {
			logical, stored, refs := o.subscriptionBytes(b)
			b.ReportMetric(float64(logical)/float64(refs), "sub-bytes/ref")
			b.ReportMetric(float64(stored)/float64(refs), "sub-bytes-stored/ref")
		}
	}
	b.ReportMetric(hi/lo, "max/min-per-subscriber")
}

// subscriptionBytes sums the subscription store's key and value sizes:
// logical (the operator's key and value) and stored (the key with the
// state package's table prefix, byte(len(table)) ‖ table).
func (o *opened) subscriptionBytes(b *testing.B) (logical, stored, refs int) {
	it := o.db.Prefix(o.j.subT, nil)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		refs++
		kv := len(it.Key()) + len(it.Value())
		logical += kv
		stored += kv + 1 + len(o.j.subT)
	}
	if err := it.Err(); err != nil {
		b.Fatal(err)
	}
	return logical, stored, refs
}
