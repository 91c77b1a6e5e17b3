package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/exec/driver"
)

// Re-grouping the result of a table join by other columns than its key:
// the join's sub-topology ends in the group changes (its input store keyed
// by the join's output key), which cross the GROUP BY repartition topic
// as signed changes to the sub-topology applying them.

// joinRegroupSQL re-groups three table joins: an inner and a left
// primary-key join of ta and tb (4 partitions each), and a foreign-key
// join of tc (3 partitions) to tb.
const joinRegroupSQL = `
SET 'auto.offset.reset'='earliest';
CREATE TABLE ta (id VARCHAR PRIMARY KEY, region VARCHAR, score BIGINT) WITH (kafka_topic='ta', value_format='JSON');
CREATE TABLE tb (id VARCHAR PRIMARY KEY, tier VARCHAR) WITH (kafka_topic='tb', value_format='JSON');
CREATE TABLE tc (id VARCHAR PRIMARY KEY, bid VARCHAR, v BIGINT) WITH (kafka_topic='tc', value_format='JSON');
CREATE TABLE by_region AS SELECT a.region AS region, COUNT(*) AS n, SUM(a.score) AS total
  FROM ta a JOIN tb b ON a.id = b.id GROUP BY a.region;
CREATE TABLE by_tier AS SELECT b.tier AS tier, COUNT(*) AS n, SUM(a.score) AS total
  FROM ta a LEFT JOIN tb b ON a.id = b.id GROUP BY b.tier HAVING SUM(a.score) > 300;
CREATE TABLE fk_tier AS SELECT b.tier AS tier, COUNT(*) AS n, SUM(c.v) AS total
  FROM tc c JOIN tb b ON c.bid = b.id GROUP BY b.tier;
`

var (
	joinRegroupSinks  = []string{"BY_REGION", "BY_TIER", "FK_TIER"}
	joinRegroupTopics = map[string]int{"ta": 4, "tb": 4, "tc": 3}
)

// joinRegroupChanges are n changes of ta, tb and tc over 40 ids each: rows
// of ta moving between regions, rows of tb moving between tiers (so every
// joined row of that id moves between the groups of the tier queries),
// rows of tc changing the tb row they point to, deletes on every side,
// NULL group columns.
func joinRegroupChanges(n int, seed uint64) []driver.Record {
	rnd := rand.New(rand.NewPCG(seed, 11))
	out := make([]driver.Record, 0, n)
	for i := range n {
		r := driver.Record{Key: fmt.Appendf(nil, "k%d", rnd.IntN(40)), Timestamp: joinBase + int64(i)*10}
		del := rnd.IntN(10) == 0
		switch rnd.IntN(3) {
		case 0:
			r.Topic = "ta"
			if rnd.IntN(15) == 0 {
				r.Value = fmt.Appendf(nil, `{"REGION":null,"SCORE":%d}`, rnd.IntN(100))
			} else {
				r.Value = fmt.Appendf(nil, `{"REGION":"r%d","SCORE":%d}`, rnd.IntN(5), rnd.IntN(100))
			}
		case 1:
			r.Topic = "tb"
			if rnd.IntN(15) == 0 {
				r.Value = []byte(`{"TIER":null}`)
			} else {
				r.Value = fmt.Appendf(nil, `{"TIER":"t%d"}`, rnd.IntN(3))
			}
		default:
			r.Topic = "tc"
			r.Value = fmt.Appendf(nil, `{"BID":"k%d","V":%d}`, rnd.IntN(40), rnd.IntN(100))
		}
		if del {
			r.Value = nil
		}
		out = append(out, r)
	}
	return out
}

// checkJoinRegroup compares the final tables of the sinks through the
// broker with the driver's for recs.
func checkJoinRegroup(t *testing.T, addr, what string, recs []driver.Record) {
	t.Helper()
	want := joinDriver(t, joinRegroupSQL, joinRegroupTopics, [][]driver.Record{recs}, joinRegroupSinks)
	for _, s := range joinRegroupSinks {
		w := driverFinal(want[s])
		tombstones := 0
		for _, r := range want[s] {
			if r.Value == nil {
				tombstones++
			}
		}
		got := brokerTable(t, addr, s, w, 60*time.Second)
		t.Logf("%s, %s: %d keys, the driver emitted %d records (%d tombstones)", what, s, len(got), len(want[s]), tombstones)
		if len(w) < 2 {
			t.Errorf("%s, %s: the driver's table has %d keys: the input exercises too little", what, s, len(w))
		}
		if s == "BY_TIER" && tombstones == 0 {
			t.Errorf("%s, %s: the input exercises no HAVING tombstone", what, s)
		}
		if fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s, %s through the broker differs from the driver: %s", what, s, diffTables(got, w))
		}
	}
}

// TestJoinRegroupMatchesDriver re-groups the results of inner, left and
// foreign-key table joins over 4- and 3-partition tables by non-key
// columns (rows moving between groups through updates of either side,
// deletes on either side) and checks the final tables against the
// driver's; the GROUP BY repartition topic and the input store's changelog
// exist.
func TestJoinRegroupMatchesDriver(t *testing.T) {
	t.Parallel()
	b := startBroker(t, 1)
	addr := b.Addr()
	recs := joinRegroupChanges(2400, 1)
	e := startJoinEngine(t, addr, joinRegroupSQL, joinRegroupTopics)
	// Small batches: changes of the sides interleave with processing.
	for i := 0; i < len(recs); i += 200 {
		produce(t, addr, toKafka(recs[i:min(i+200, len(recs))]))
		time.Sleep(20 * time.Millisecond)
	}
	checkJoinRegroup(t, addr, "one run", recs)
	topics, err := e.Admin().ListTopics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(topics, " ")
	for _, q := range e.Queries() {
		if q.Err != nil {
			t.Errorf("query %s: %v", q.ID, q.Err)
		}
		for _, name := range []string{"rql-" + q.ID + "-Aggregate-GroupBy-repartition",
			"rql-" + q.ID + "-Aggregate-Aggregate-Materialize-input-changelog",
			"rql-" + q.ID + "-Aggregate-Aggregate-Materialize-changelog"} {
			if !strings.Contains(all, name) {
				t.Errorf("topic %s missing; topics: %s", name, all)
			}
		}
	}
}

// TestJoinRegroupRestore stops an engine re-grouping table joins and
// starts another with an empty state directory: the join's sub-topology
// restores the join stores and the input store (whose rows must still be
// subtracted from their groups), the last one the accumulators, and the
// tables go on matching the driver's.
func TestJoinRegroupRestore(t *testing.T) {
	t.Parallel()
	br := startBroker(t, 1)
	addr := br.Addr()
	for n, p := range joinRegroupTopics {
		createTopic(t, addr, n, p)
	}
	recs := joinRegroupChanges(2000, 2)
	first, second := recs[:1000], recs[1000:]
	start := func(dir string) *engine.Engine {
		return startEngineAt(t, addr, dir, map[string]string{"commit.interval.ms": "50"}, joinRegroupSQL)
	}
	dir1 := t.TempDir()
	e := start(dir1)
	produce(t, addr, toKafka(first))
	checkJoinRegroup(t, addr, "first run", first)
	var ids []string
	for _, q := range e.Queries() {
		ids = append(ids, q.ID)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.Close(ctx); err != nil {
		t.Fatal(err)
	}
	// The join's sub-topology keeps its state apart from the last one's.
	for _, id := range ids {
		if strings.Contains(id, "BY_REGION") {
			for _, d := range []string{"s0-0", "s0-3", "0", "3"} {
				if _, err := os.Stat(filepath.Join(dir1, "rql", id, d)); err != nil {
					t.Errorf("%s: state directory %s: %v", id, d, err)
				}
			}
		}
	}
	e = start(t.TempDir())
	produce(t, addr, toKafka(second))
	checkJoinRegroup(t, addr, "after a restore from the changelogs", recs)
	var restored int64
	for _, q := range e.Queries() {
		if q.Err != nil {
			t.Errorf("query %s: %v", q.ID, q.Err)
		}
		restored += q.Restored
	}
	if restored == 0 {
		t.Error("the second engine restored nothing")
	}
}
