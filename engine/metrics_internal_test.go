package engine

import (
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/planner"
)

// TestRestoreProgressInStatus: while a store restores, the query's state
// is RESTORING with the records restored of the total, and SHOW QUERIES'
// progress says so; afterwards it is RUNNING again.
func TestRestoreProgressInStatus(t *testing.T) {
	q := &query{id: "Q", sink: &planner.Source{Name: "S"}, state: StateRunning, taskNames: map[string]bool{}}
	p := q.restoreBegin("Q-store-changelog/0", 200)
	for range 50 {
		p.step()
	}
	st := q.status()
	if st.State != StateRestoring || len(st.Restoring) != 1 || st.Restoring[0].Restored != 50 || st.Restoring[0].Total != 200 {
		t.Fatalf("status while restoring: %s %+v", st.State, st.Restoring)
	}
	if got := Progress(st); got != "restoring state: 50 of 200 records (25%)" {
		t.Errorf("progress = %q", got)
	}
	q.restoreEnd(p)
	st = q.status()
	if st.State != StateRunning || len(st.Restoring) != 0 || Progress(st) != "" {
		t.Errorf("after the restore: %s %+v %q", st.State, st.Restoring, Progress(st))
	}
	lines := RuntimeLines(st)
	if len(lines) == 0 || lines[0] != [2]string{"state", "RUNNING"} || !strings.Contains(lines[4][1], "unknown") {
		t.Errorf("runtime lines: %q", lines)
	}
}

// TestCommitLatencyBuckets: commits land in the bucket of their duration.
func TestCommitLatencyBuckets(t *testing.T) {
	var m queryMetrics
	for _, ms := range []int{1, 3, 40, 20000} {
		m.committedCycle(nil, nil, timeMs(ms))
	}
	c := m.commit
	if c.Count != 4 || c.Max != timeMs(20000) || c.Last != timeMs(20000) {
		t.Fatalf("summary %+v", c)
	}
	// 1ms → ≤1ms, 3ms → ≤5ms, 40ms → ≤50ms, 20s → the last bucket.
	want := map[int]uint64{0: 1, 2: 1, 5: 1, len(commitBuckets): 1}
	for i, n := range c.Buckets {
		if n != want[i] {
			t.Errorf("bucket %d = %d, want %d", i, n, want[i])
		}
	}
}

func timeMs(ms int) time.Duration { return time.Duration(ms) * time.Millisecond }
