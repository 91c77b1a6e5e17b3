package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/sqltypes"
)

// regroupSQL re-groups the table "users" (keyed by id) by region, a
// non-key column: through the GROUP BY repartition topic, which carries
// signed changes (a row moving to another region is subtracted from the
// old one and added to the new one).
const regroupSQL = `
SET 'auto.offset.reset'='earliest';
CREATE TABLE users (id VARCHAR PRIMARY KEY, region VARCHAR, score BIGINT) WITH (kafka_topic='users', value_format='JSON');
CREATE TABLE by_region AS SELECT region, COUNT(*) AS n, SUM(score) AS total, AVG(score) AS mean FROM users GROUP BY region;
CREATE TABLE big_regions AS SELECT region, COUNT(*) AS n, SUM(score) AS total FROM users GROUP BY region HAVING SUM(score) > 400;
`

// regroupListSQL adds aggregate functions whose results depend on the
// order of the rows (with one partition the order is the driver's).
const regroupListSQL = regroupSQL + `
CREATE TABLE lists AS SELECT region, COLLECT_LIST(score) AS scores, HISTOGRAM(id) AS ids FROM users GROUP BY region;
`

var regroupSinks = []string{"BY_REGION", "BIG_REGIONS"}

// userChanges are n changes of the users table over 60 ids: rows moving
// between regions, updates within a region, tombstones, NULL regions.
func userChanges(n int, seed uint64) []driver.Record {
	rnd := rand.New(rand.NewPCG(seed, 7))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	out := make([]driver.Record, 0, n)
	for i := range n {
		r := driver.Record{Topic: "users", Key: fmt.Appendf(nil, "u%d", rnd.IntN(60)), Timestamp: base + int64(i)*10}
		switch x := rnd.IntN(12); {
		case x == 0:
			// tombstone: Value nil
		case x == 1:
			r.Value = fmt.Appendf(nil, `{"REGION":null,"SCORE":%d}`, rnd.IntN(100))
		default:
			r.Value = fmt.Appendf(nil, `{"REGION":"r%d","SCORE":%d}`, rnd.IntN(5), rnd.IntN(100))
		}
		out = append(out, r)
	}
	return out
}

// driverRun runs sql and recs through the in-process driver and returns
// each sink's records.
func driverRun(t *testing.T, sql string, recs []driver.Record, sinks []string) map[string][]driver.Record {
	t.Helper()
	d, err := driver.New(driver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	d.CreateTopic("users", 1)
	if _, err := d.Execute(ctx, sql); err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := d.Produce(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	out := map[string][]driver.Record{}
	for _, s := range sinks {
		out[s] = d.Records(s)
	}
	return out
}

func finalTable(recs []driver.Record) map[string]string {
	tab := map[string]string{}
	for _, r := range recs {
		upsert(tab, string(r.Key), r.Value)
	}
	return tab
}

// TestTableRegroupMatchesDriver re-groups a 4-partition table by a
// non-key column on the Kafka engine and checks the final tables (last
// value per key, HAVING tombstones included) against the driver's; a pull
// query on the result sees each region once (the first sub-topology's
// stores hold only the input rows).
func TestTableRegroupMatchesDriver(t *testing.T) {
	t.Parallel()
	br := startBroker(t, 1)
	createTopic(t, br.Addr(), "users", 4)
	recs := userChanges(2000, 1)
	want := driverRun(t, regroupSQL, recs, regroupSinks)
	e := newEngine(t, br.Addr(), nil)
	ctx := context.Background()
	if _, err := e.Execute(ctx, regroupSQL); err != nil {
		t.Fatal(err)
	}
	produce(t, br.Addr(), toKafka(recs))
	for _, s := range regroupSinks {
		w := finalTable(want[s])
		tombstones := 0
		for _, r := range want[s] {
			if r.Value == nil {
				tombstones++
			}
		}
		got := brokerTable(t, br.Addr(), s, w, 60*time.Second)
		t.Logf("%s: %d keys, the driver emitted %d records (%d tombstones)", s, len(got), len(want[s]), tombstones)
		if s == "BIG_REGIONS" && tombstones == 0 {
			t.Errorf("%s: the input exercises no HAVING tombstone", s)
		}
		if fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s through the broker differs from the driver: %s", s, diffTables(got, w))
		}
	}
	// Pull query: one row per region, as the final table.
	s := e.NewSession()
	defer s.Close(ctx)
	var rows []string
	if err := s.Query(ctx, `SELECT region, n, total FROM by_region;`, func(_ []string, row []sqltypes.Value) error {
		rows = append(rows, fmt.Sprint(row...))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n := len(finalTable(want["BY_REGION"])); len(rows) != n {
		t.Errorf("pull query: %d rows %v, want %d", len(rows), rows, n)
	}
	// Internal topics: the repartition topic and the input store's
	// changelog (written by the first sub-topology).
	topics, err := e.Admin().ListTopics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(topics, " ")
	id := e.Queries()[0].ID
	for _, name := range []string{"rql-" + id + "-Aggregate-GroupBy-repartition",
		"rql-" + id + "-Aggregate-Aggregate-Materialize-input-changelog",
		"rql-" + id + "-Aggregate-Aggregate-Materialize-changelog"} {
		if !strings.Contains(all, name) {
			t.Errorf("topic %s missing; topics: %s", name, all)
		}
	}
}

// TestTableRegroupSequenceMatchesDriver: with one partition the engine
// emits exactly the driver's records, in order (one updated row for a row
// staying in its group, the old group's then the new group's for a row
// moving, HAVING tombstones), order-sensitive aggregates included.
func TestTableRegroupSequenceMatchesDriver(t *testing.T) {
	t.Parallel()
	br := startBroker(t, 1)
	createTopic(t, br.Addr(), "users", 1)
	recs := userChanges(600, 2)
	sinks := append(slices.Clone(regroupSinks), "LISTS")
	want := driverRun(t, regroupListSQL, recs, sinks)
	e := newEngine(t, br.Addr(), nil)
	if _, err := e.Execute(context.Background(), regroupListSQL); err != nil {
		t.Fatal(err)
	}
	produce(t, br.Addr(), toKafka(recs))
	for _, s := range sinks {
		got := readCommitted(t, br.Addr(), s, len(want[s]), 500*time.Millisecond, 60*time.Second)
		t.Logf("%s: %d records, the driver %d", s, len(got), len(want[s]))
		n := max(len(got), len(want[s]))
		for i := range n {
			var g, w string
			if i < len(got) {
				g = fmt.Sprintf("%s=%s@%d", got[i].Key, got[i].Value, got[i].Timestamp.UnixMilli())
			}
			if i < len(want[s]) {
				w = fmt.Sprintf("%s=%s@%d", want[s][i].Key, want[s][i].Value, want[s][i].Timestamp)
			}
			if g != w {
				t.Errorf("%s: record %d of %d is %q, the driver's (of %d) %q", s, i, len(got), g, len(want[s]), w)
				break
			}
		}
	}
}

// TestTableRegroupRestore stops an engine re-grouping a 4-partition table
// and starts another with an empty state directory: both sub-topologies
// restore their stores from the changelogs (the input store of the first,
// whose rows must still be subtracted from their groups, and the
// accumulators of the second), and the tables go on matching the driver's.
func TestTableRegroupRestore(t *testing.T) {
	t.Parallel()
	br := startBroker(t, 1)
	createTopic(t, br.Addr(), "users", 4)
	recs := userChanges(1600, 3)
	first, second := recs[:800], recs[800:]
	start := func(dir string) *engine.Engine {
		return startEngineAt(t, br.Addr(), dir, nil, regroupSQL)
	}
	check := func(what string, recs []driver.Record) {
		t.Helper()
		want := driverRun(t, regroupSQL, recs, regroupSinks)
		for _, s := range regroupSinks {
			w := finalTable(want[s])
			if got := brokerTable(t, br.Addr(), s, w, 60*time.Second); fmt.Sprint(got) != fmt.Sprint(w) {
				t.Fatalf("%s, %s: %s", what, s, diffTables(got, w))
			}
		}
	}
	dir1 := t.TempDir()
	e := start(dir1)
	produce(t, br.Addr(), toKafka(first))
	check("first run", first)
	id := e.Queries()[0].ID
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.Close(ctx); err != nil {
		t.Fatal(err)
	}
	// One directory per task of each stateful sub-topology.
	for _, d := range []string{"s0-0", "s0-3", "0", "3"} {
		if _, err := os.Stat(filepath.Join(dir1, "rql", id, d)); err != nil {
			t.Errorf("state directory %s: %v", d, err)
		}
	}
	e = start(t.TempDir())
	produce(t, br.Addr(), toKafka(second))
	check("after a restore from the changelogs", recs)
	var restored int64
	for _, q := range e.Queries() {
		restored += q.Restored
	}
	if restored == 0 {
		t.Error("the second engine restored nothing")
	}
}
