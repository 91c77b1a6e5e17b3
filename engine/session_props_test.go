package engine

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/sqltypes"
)

// TestRunWithProperties: Session.RunWith runs push queries, pull queries
// and INSERT VALUES under its properties alone — a property SET on the
// engine but absent from them is unset for the statement, in planning
// (the pull LIMIT switch) as at run time (auto.offset.reset) — and
// leaves the engine's properties as they were.
func TestRunWithProperties(t *testing.T) {
	t.Parallel()
	e, s := sessEngine(t)
	sessRun(t, s, `CREATE STREAM s (k STRING KEY, v BIGINT) WITH (kafka_topic='runwith_t', value_format='JSON', partitions=1);
INSERT INTO s (k, v) VALUES ('a', 1);
SET 'auto.offset.reset'='earliest';
SET 'ksql.query.pull.limit.clause.enabled'='false';`)
	before := maps.Clone(e.Catalog().Props)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rowsOf := func(props map[string]string, sql string) ([]string, error) {
		var rows []string
		err := s.RunWith(ctx, sql, props, Output{Row: func(r []sqltypes.Value) error {
			rows = append(rows, fmt.Sprint(r))
			return nil
		}})
		return rows, err
	}

	// Planning: the engine's 'false' refuses LIMIT; RunWith without it
	// accepts it, RunWith with it refuses it.
	if _, err := rowsOf(nil, `SELECT * FROM s LIMIT 1;`); err == nil || !strings.Contains(err.Error(), "LIMIT clause in pull queries is currently disabled") {
		t.Errorf("pull LIMIT under the engine's properties: %v", err)
	}
	if rows, err := rowsOf(map[string]string{}, `SELECT * FROM s LIMIT 1;`); err != nil || len(rows) != 1 {
		t.Errorf("pull LIMIT under RunWith({}): %v %v", rows, err)
	}
	if _, err := rowsOf(map[string]string{"ksql.query.pull.limit.clause.enabled": "false"}, `SELECT * FROM s LIMIT 1;`); err == nil {
		t.Error("pull LIMIT under RunWith(limit disabled): no error")
	}

	// INSERT VALUES under RunWith.
	if err := s.RunWith(ctx, `INSERT INTO s (k, v) VALUES ('b', 2);`, map[string]string{}, Output{}); err != nil {
		t.Fatal(err)
	}
	// Run time: earliest (RunWith's) reads both records...
	if rows, err := rowsOf(map[string]string{"auto.offset.reset": "earliest"}, `SELECT * FROM s EMIT CHANGES LIMIT 2;`); err != nil || fmt.Sprint(rows) != "[[a 1] [b 2]]" {
		t.Errorf("push query under RunWith(earliest): %v %v", rows, err)
	}
	// ... and without it (latest), a push query sees only later records
	// (written until it has one: its readers resolve the end
	// asynchronously).
	got := make(chan []string, 1)
	go func() {
		rows, err := rowsOf(map[string]string{}, `SELECT * FROM s EMIT CHANGES LIMIT 1;`)
		if err != nil {
			rows = append(rows, err.Error())
		}
		got <- rows
	}()
	var rows []string
	for i := 0; rows == nil; i++ {
		sessRun(t, s, fmt.Sprintf(`INSERT INTO s (k, v) VALUES ('new%d', %d);`, i, 100+i))
		select {
		case rows = <-got:
		case <-time.After(200 * time.Millisecond):
			if i > 50 {
				t.Fatal("the push query under RunWith({}) received no row")
			}
		}
	}
	if len(rows) != 1 || !strings.HasPrefix(rows[0], "[new") {
		t.Errorf("push query under RunWith({}) (latest): %v, want one record written after it started", rows)
	}
	if !maps.Equal(e.Catalog().Props, before) {
		t.Errorf("engine properties after RunWith: %v, want %v", e.Catalog().Props, before)
	}
}
