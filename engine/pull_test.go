package engine_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/sqltypes"
)

// TestPullQueriesOnEngine answers pull queries from the state of queries
// running on the Kafka engine: a GROUP BY table (aggregate state, through
// the GROUP BY repartition topic) by key and by scan, and a CTAS without
// aggregation (materialized before its sink).
func TestPullQueriesOnEngine(t *testing.T) {
	t.Parallel()
	b := startBroker(t, 1)
	createTopic(t, b.Addr(), "orders", 3)
	e := newEngine(t, b.Addr(), nil)
	ctx := context.Background()
	if _, err := e.Execute(ctx, `SET 'auto.offset.reset'='earliest';
CREATE STREAM orders (id VARCHAR KEY, region VARCHAR, amount BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE by_region AS SELECT region, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY region;
CREATE TABLE big AS SELECT region, total FROM by_region WHERE total > 1000;`); err != nil {
		t.Fatal(err)
	}
	const n = 400
	recs := make([]*kafka.Record, n)
	for i := range n {
		recs[i] = &kafka.Record{Topic: "orders", Partition: -1, Key: key(i),
			Value: fmt.Appendf(nil, `{"REGION":"r%d","AMOUNT":%d}`, i%4, i)}
	}
	produce(t, b.Addr(), recs)
	s := e.NewSession()
	defer s.Close(ctx)
	query := func(sql string) ([]string, [][]sqltypes.Value) {
		t.Helper()
		var cols []string
		var rows [][]sqltypes.Value
		err := s.Query(ctx, sql, func(c []string, row []sqltypes.Value) error {
			cols = c
			rows = append(rows, row)
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return cols, rows
	}
	// Totals per region r: the sum of i < n with i % 4 == r.
	total := func(r int) int64 {
		var s int64
		for i := r; i < n; i += 4 {
			s += int64(i)
		}
		return s
	}
	waitFor(t, 30*time.Second, "the aggregation to count every order", func() bool {
		_, rows := query(`SELECT n FROM by_region WHERE region = 'r3';`)
		return len(rows) == 1 && rows[0][0] == int64(n/4)
	})
	cols, rows := query(`SELECT * FROM by_region WHERE region = 'r1';`)
	if !slices.Equal(cols, []string{"REGION", "N", "TOTAL"}) || len(rows) != 1 ||
		rows[0][0] != "r1" || rows[0][1] != int64(n/4) || rows[0][2] != total(1) {
		t.Errorf("by key: %v %v", cols, rows)
	}
	_, rows = query(`SELECT region, total FROM by_region;`)
	got := make([]string, 0, len(rows))
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%v=%v", r[0], r[1]))
	}
	slices.Sort(got)
	want := []string{}
	for r := range 4 {
		want = append(want, fmt.Sprintf("r%d=%d", r, total(r)))
	}
	if !slices.Equal(got, want) {
		t.Errorf("scan: got %v, want %v", got, want)
	}
	if _, rows = query(`SELECT region FROM by_region WHERE total > 19850 LIMIT 2;`); len(rows) != 2 {
		t.Errorf("scan with filter and limit: %v", rows)
	}
	// The CTAS over the table, materialized before its sink.
	waitFor(t, 30*time.Second, "the materialized table", func() bool {
		_, rows := query(`SELECT * FROM big WHERE region = 'r0';`)
		return len(rows) == 1 && rows[0][1] == total(0)
	})
	// Through Session.Run, as the server's /query-stream runs it.
	var lines []string
	err := s.Run(ctx, `SELECT region, n FROM by_region WHERE region IN ('r0', 'r2');`, engine.Output{
		Columns: func(cols []sqltypes.Column) error { lines = append(lines, cols[0].Name+","+cols[1].Name); return nil },
		Row:     func(row []sqltypes.Value) error { lines = append(lines, fmt.Sprint(row[0], ",", row[1])); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(lines[1:])
	if strings.Join(lines, ";") != "REGION,N;r0,100;r2,100" {
		t.Errorf("Session.Run: %v", lines)
	}
	// A table no query of this engine materializes.
	if _, err := e.Execute(ctx, `CREATE TABLE ext (id VARCHAR PRIMARY KEY, v BIGINT) WITH (kafka_topic='ext', value_format='JSON', partitions=1);`); err != nil {
		t.Fatal(err)
	}
	if err := s.Query(ctx, `SELECT * FROM ext WHERE id = 'a';`, func([]string, []sqltypes.Value) error { return nil }); err == nil {
		t.Error("a pull query on a source table answered")
	}
}
