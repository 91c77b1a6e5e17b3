package driver

import (
	"fmt"
	"testing"

	"github.com/rql/rql/exec"
)

// The window stores of a stream-stream join drop expired rows as stream
// time advances: after 20 minutes of event time at one row per side per
// second, each store holds at most the rows of retention + one segment
// (2 s + 60 s), not all 1200.
func TestStreamStreamJoinStoreBounded(t *testing.T) {
	d := newDriver(t)
	defer closeDriver(t, d)
	run(t, d, ddlStreams)
	run(t, d, `CREATE STREAM O AS SELECT L.K, A, B FROM L JOIN R WITHIN 1 SECOND GRACE PERIOD 0 SECONDS ON L.K = R.K;`)
	const n = 1200
	for i := 0; i < n; i++ {
		ts := int64(i) * 1000
		key := fmt.Sprintf("k%d", i%7)
		produce(t, d, "l", key, fmt.Sprintf(`{"A":%d}`, i), ts)
		produce(t, d, "r", key, fmt.Sprintf(`{"B":%d}`, i), ts+500)
	}
	if got := len(d.Records("O")); got != n {
		t.Fatalf("%d join results, want %d (purging must not lose live rows)", got, n)
	}
	retention := int64(2000)
	bound := int((retention + exec.SegmentInterval(retention)) / 1000)
	for _, side := range []string{"left", "right"} {
		count := 0
		for _, table := range storeTables(t, d, "-Join1-"+side+"-window") {
			it := d.db.Range(table, nil, nil)
			for ; it.Valid(); it.Next() {
				count++
			}
			it.Close()
		}
		if count == 0 || count > bound+1 {
			t.Errorf("%s window store holds %d rows, want 1..%d", side, count, bound+1)
		}
	}
}

// storeTables names the state table with the given suffix of every
// running query (state tables are named <query id><suffix>).
func storeTables(t *testing.T, d *Driver, suffix string) []string {
	t.Helper()
	var out []string
	for _, q := range d.queries {
		out = append(out, q.id+suffix)
	}
	if len(out) == 0 {
		t.Fatal("no running query")
	}
	return out
}
