package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// sessEngine starts an engine on its own embedded dev broker (over TCP,
// data in a temporary directory) and a session on it.
func sessEngine(t *testing.T) (*Engine, *Session) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	e, err := New(ctx, Options{StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	s := e.NewSession()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Close(ctx)
		_ = e.Close(ctx)
	})
	return e, s
}

// sessRun runs sql in s and returns the results, failing the test on error.
func sessRun(t *testing.T, s *Session, sql string) []Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var out []Result
	if err := s.Run(ctx, sql, Output{Result: func(r Result) error { out = append(out, r); return nil }}); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return out
}

func TestInsertValuesThenPrintFromBeginning(t *testing.T) {
	t.Parallel()
	e, s := sessEngine(t)
	sessRun(t, s, `CREATE STREAM s (id INT KEY, name STRING) WITH (kafka_topic='print_t', value_format='JSON', partitions=3);
INSERT INTO s (ROWTIME, id, name) VALUES (1000, 1, 'a');
INSERT INTO s (ROWTIME, id, name) VALUES (2000, 2, 'b');`)
	// Engine.Execute runs INSERT VALUES too (rql run files).
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if _, err := e.Execute(ctx, `INSERT INTO s (ROWTIME, id, name) VALUES (3000, 3, 'c');`); err != nil {
		t.Fatal(err)
	}
	var lines []string
	err := s.Run(ctx, `PRINT 'print_t' FROM BEGINNING LIMIT 3;`, Output{Line: func(l string) error {
		lines = append(lines, l)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) < 5 || lines[0] != "Key format: KAFKA_INT or KAFKA_STRING" || lines[1] != "Value format: JSON or KAFKA_STRING" {
		t.Fatalf("PRINT output:\n%s", strings.Join(lines, "\n"))
	}
	var recs []string
	for _, l := range lines {
		if strings.HasPrefix(l, "rowtime: ") {
			recs = append(recs, l)
		}
	}
	var want []string
	for i, name := range []string{"a", "b", "c"} {
		id := i + 1
		var key [4]byte
		binary.BigEndian.PutUint32(key[:], uint32(id))
		want = append(want, fmt.Sprintf(`rowtime: %s, key: %d, value: {"NAME":"%s"}, partition: %d`,
			time.UnixMilli(int64(id*1000)).UTC().Format("2006/01/02 15:04:05.000 Z"), id, name, partitionFor(key[:], 3)))
	}
	slices.Sort(recs) // partitions interleave in any order
	if !slices.Equal(recs, want) {
		t.Errorf("records:\n%s\nwant:\n%s", strings.Join(recs, "\n"), strings.Join(want, "\n"))
	}
}

func TestPrintMissingTopic(t *testing.T) {
	t.Parallel()
	_, s := sessEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := s.Run(ctx, `PRINT 'no_such_topic' FROM BEGINNING;`, Output{})
	if rqlerr.CodeOf(err) != rqlerr.KafkaTopicMissing || !strings.Contains(err.Error(), "Could not find topic 'no_such_topic'") {
		t.Fatalf("err = %v", err)
	}
}

// TestPushQueryLimitReadsNewRows: from latest (the default), a push query
// skips rows written before it started and returns after LIMIT rows
// written while it runs.
func TestPushQueryLimitReadsNewRows(t *testing.T) {
	t.Parallel()
	_, s := sessEngine(t)
	sessRun(t, s, `CREATE STREAM s (id INT KEY, v INT) WITH (kafka_topic='push_t', value_format='JSON', partitions=2);
INSERT INTO s (id, v) VALUES (0, 0);`)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	started := make(chan []sqltypes.Column, 1)
	var mu sync.Mutex
	var rows [][]sqltypes.Value
	done := make(chan error, 1)
	go func() {
		done <- s.Run(ctx, `SELECT id, v * 10 AS v10 FROM s WHERE v > 0 EMIT CHANGES LIMIT 2;`, Output{
			Columns: func(cols []sqltypes.Column) error { started <- cols; return nil },
			Row: func(r []sqltypes.Value) error {
				mu.Lock()
				rows = append(rows, r)
				mu.Unlock()
				return nil
			},
		})
	}()
	var cols []sqltypes.Column
	select {
	case cols = <-started:
	case err := <-done:
		t.Fatalf("query ended before starting: %v", err)
	}
	if len(cols) != 2 || cols[0].Name != "ID" || cols[1].Name != "V10" {
		t.Fatalf("columns = %v", cols)
	}
	// The readers resolve "latest" asynchronously: keep writing until the
	// query has its rows.
	for i := 1; ; i++ {
		sessRun(t, s, fmt.Sprintf(`INSERT INTO s (id, v) VALUES (%d, %d);`, i, i))
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(rows) != 2 {
				t.Fatalf("rows = %v, want 2", rows)
			}
			for _, r := range rows {
				id, v := r[0].(int32), r[1].(int32)
				if id <= 0 || v != id*10 {
					t.Errorf("row %v: want a row written after the query started, v10 = 10*id", r)
				}
			}
			return
		case <-time.After(200 * time.Millisecond):
		}
		if i > 50 {
			t.Fatal("push query received no rows")
		}
	}
}

func TestPushQueryEarliestAndCancel(t *testing.T) {
	t.Parallel()
	_, s := sessEngine(t)
	sessRun(t, s, `CREATE STREAM s (k STRING KEY, v BIGINT) WITH (kafka_topic='early_t', value_format='JSON', partitions=1);
INSERT INTO s (k, v) VALUES ('a', 1);
INSERT INTO s (k, v) VALUES ('b', 2);
SET 'auto.offset.reset'='earliest';`)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var got []string
	err := s.Query(ctx, `SELECT * FROM s EMIT CHANGES LIMIT 2;`, func(cols []string, row []sqltypes.Value) error {
		got = append(got, fmt.Sprintf("%v=%v %v=%v", cols[0], row[0], cols[1], row[1]))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"K=a V=1", "K=b V=2"}; !slices.Equal(got, want) {
		t.Errorf("rows = %v, want %v", got, want)
	}

	// Without LIMIT the query runs until its context ends.
	qctx, qcancel := context.WithCancel(ctx)
	n := 0
	go func() { time.Sleep(1500 * time.Millisecond); qcancel() }()
	start := time.Now()
	err = s.Query(qctx, `SELECT * FROM s EMIT CHANGES;`, func([]string, []sqltypes.Value) error { n++; return nil })
	if !errors.Is(err, context.Canceled) || n != 2 {
		t.Errorf("cancelled query: err = %v, rows = %d (want context.Canceled, 2)", err, n)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancel took %v", d)
	}
}

func TestShowTopicsAndDeleteTopic(t *testing.T) {
	t.Parallel()
	_, s := sessEngine(t)
	sessRun(t, s, `CREATE STREAM s (v INT) WITH (kafka_topic='topics_t', value_format='JSON', partitions=3);`)
	find := func(res Result) []string {
		for _, r := range res.Rows {
			if r[0] == "topics_t" {
				return r
			}
		}
		return nil
	}
	res := sessRun(t, s, `SHOW TOPICS;`)
	if row := find(res[0]); !slices.Equal(res[0].Columns, []string{"Kafka Topic", "Partitions", "Partition Replicas"}) ||
		row == nil || row[1] != "3" {
		t.Fatalf("SHOW TOPICS: %v %v", res[0].Columns, res[0].Rows)
	}
	res = sessRun(t, s, `SHOW TOPICS EXTENDED;`)
	if row := find(res[0]); len(res[0].Columns) != 5 || row == nil || row[1] != "3" || row[4] != "0" {
		t.Fatalf("SHOW TOPICS EXTENDED: %v %v", res[0].Columns, res[0].Rows)
	}
	sessRun(t, s, `DROP STREAM s DELETE TOPIC;`)
	deadline := time.Now().Add(5 * time.Second)
	for {
		res = sessRun(t, s, `SHOW TOPICS;`)
		if find(res[0]) == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("topic still listed after DROP ... DELETE TOPIC: %v", res[0].Rows)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestQuickStart is the README's first session: a stream, three inserts,
// a filtering persistent query, and a push query over its output.
func TestQuickStart(t *testing.T) {
	t.Parallel()
	_, s := sessEngine(t)
	sessRun(t, s, `SET 'auto.offset.reset'='earliest';
CREATE STREAM orders (id INT KEY, item STRING, qty INT) WITH (kafka_topic='orders', value_format='JSON', partitions=2);
INSERT INTO orders (id, item, qty) VALUES (1, 'apple', 3);
INSERT INTO orders (id, item, qty) VALUES (2, 'pear', 12);
INSERT INTO orders (id, item, qty) VALUES (3, 'plum', 20);
CREATE STREAM big_orders AS SELECT id, UCASE(item) AS item, qty * 2 AS double_qty FROM orders WHERE qty > 10;`)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var got []string
	err := s.Query(ctx, `SELECT * FROM big_orders EMIT CHANGES LIMIT 2;`, func(cols []string, row []sqltypes.Value) error {
		got = append(got, fmt.Sprint(cols, row))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	want := []string{"[ID ITEM DOUBLE_QTY] [2 PEAR 24]", "[ID ITEM DOUBLE_QTY] [3 PLUM 40]"}
	if !slices.Equal(got, want) {
		t.Errorf("rows = %v, want %v", got, want)
	}
}

func TestExecuteRefusesStreamedStatements(t *testing.T) {
	t.Parallel()
	e, s := sessEngine(t)
	sessRun(t, s, `CREATE STREAM s (v INT) WITH (kafka_topic='exec_t', value_format='JSON', partitions=1);`)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for _, sql := range []string{`SELECT * FROM s EMIT CHANGES;`, `PRINT 'exec_t';`} {
		if _, err := e.Execute(ctx, sql); err == nil || !strings.Contains(err.Error(), "session") {
			t.Errorf("%s: err = %v", sql, err)
		}
	}
}

// TestPushQueryAggregates: a push query with GROUP BY keeps its state in a
// temporary store and emits each updated aggregate.
func TestPushQueryAggregates(t *testing.T) {
	t.Parallel()
	_, s := sessEngine(t)
	sessRun(t, s, `CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='agg_t', value_format='JSON', partitions=1);
INSERT INTO s (k, v) VALUES ('a', 1);
INSERT INTO s (k, v) VALUES ('a', 2);
INSERT INTO s (k, v) VALUES ('b', 5);
SET 'auto.offset.reset'='earliest';`)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var got []string
	err := s.Query(ctx, `SELECT k, COUNT(*) AS n, SUM(v) AS total FROM s GROUP BY k EMIT CHANGES LIMIT 3;`,
		func(_ []string, row []sqltypes.Value) error {
			got = append(got, fmt.Sprint(row))
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"[a 1 1]", "[a 2 3]", "[b 1 5]"}; !slices.Equal(got, want) {
		t.Errorf("rows = %v, want %v", got, want)
	}
}
