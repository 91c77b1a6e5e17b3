package e2e

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// statefulCrashSQL has a table aggregation re-grouped through the GROUP BY
// repartition topic and a tumbling-window aggregation, over the
// 4-partition topic "in".
const statefulCrashSQL = `
SET 'auto.offset.reset'='earliest';
CREATE STREAM src (id VARCHAR KEY, n BIGINT, pad VARCHAR) WITH (kafka_topic='in', value_format='JSON');
CREATE TABLE per_bucket AS SELECT n % 100 AS bucket, COUNT(*) AS c, SUM(n) AS s FROM src GROUP BY n % 100;
CREATE TABLE per_window AS SELECT n % 10 AS b, COUNT(*) AS c FROM src
  WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY n % 10;
`

const statefulRecords = 100000

var restoredLine = regexp.MustCompile(`task state ready.* restored=(\d+)`)

// TestStatefulExactlyOnceUnderSIGKILL feeds records while `rql run` with
// two aggregations is SIGKILLed at random moments and restarted (each
// start restores its state from the changelogs, from the local
// checkpoint), then checks that the final tables read with read_committed
// (last value per key) equal the ones computed from the input without
// crashes: no record counted twice or lost in any aggregate. Every third
// restart also loses the local state directory (as after a disk loss or a
// move to another machine) and restores it from the changelogs.
func TestStatefulExactlyOnceUnderSIGKILL(t *testing.T) {
	t.Parallel()
	addr := startBroker(t)
	createTopic(t, addr, "in", 4)
	dir := t.TempDir()
	app := writeFile(t, dir, "app.sql", statefulCrashSQL)
	args := []string{"run", "--bootstrap-servers", addr, "--state-dir", filepath.Join(dir, "state"),
		"--service-id", "agg", "--property", "commit.interval.ms=100", app}
	fed := feed(t, addr, "in", statefulRecords, 8*time.Second)

	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewSource(seed))
	t.Logf("seed %d", seed)
	restores, restored := 0, 0
	killLoop(t, rng, 8, 500, 1200, args, func(i int, output string) {
		if i%3 == 1 {
			// A lost disk: the next start restores everything from the
			// changelogs.
			wipeState(t, filepath.Join(dir, "state", "agg", "CTAS_*"))
		}
		for _, m := range restoredLine.FindAllStringSubmatch(output, -1) {
			n, _ := strconv.Atoi(m[1])
			restores++
			restored += n
		}
	})
	t.Logf("%d task restores read %d changelog records", restores, restored)
	if err := <-fed; err != nil {
		t.Fatal(err)
	}
	final := start(t, nil, args...)
	defer final.term(t, 30*time.Second)

	// The tables computed from the input as it is in Kafka.
	in := readCommitted(t, addr, "in", statefulRecords, 60*time.Second)
	type agg struct{ C, S int64 }
	wantBucket := map[int64]agg{}
	wantWindow := map[[2]int64]int64{}
	for _, r := range in {
		var v struct{ N int64 }
		if err := json.Unmarshal(r.Value, &v); err != nil {
			t.Fatal(err)
		}
		a := wantBucket[v.N%100]
		a.C++
		a.S += v.N
		wantBucket[v.N%100] = a
		ts := r.Timestamp.UnixMilli()
		wantWindow[[2]int64{v.N % 10, ts - ts%1000}]++
	}

	gotBucket := map[int64]agg{}
	gotWindow := map[[2]int64]int64{}
	bad := 0
	tables := func() bool {
		return fmt.Sprint(gotBucket) == fmt.Sprint(wantBucket) && fmt.Sprint(gotWindow) == fmt.Sprint(wantWindow)
	}
	deadline := time.Now().Add(60 * time.Second)
	for !tables() && time.Now().Before(deadline) {
		clear(gotBucket)
		clear(gotWindow)
		bad = 0
		for _, r := range readCommitted(t, addr, "PER_BUCKET", 1, 10*time.Second) {
			var v agg
			if len(r.Key) != 8 || json.Unmarshal(r.Value, &v) != nil {
				bad++
				continue
			}
			gotBucket[int64(binary.BigEndian.Uint64(r.Key))] = v
		}
		for _, r := range readCommitted(t, addr, "PER_WINDOW", 1, 10*time.Second) {
			var v struct{ C int64 }
			if len(r.Key) != 16 || json.Unmarshal(r.Value, &v) != nil {
				bad++
				continue
			}
			k := [2]int64{int64(binary.BigEndian.Uint64(r.Key)), int64(binary.BigEndian.Uint64(r.Key[8:]))}
			gotWindow[k] = v.C
		}
	}
	var total int64
	for _, a := range gotBucket {
		total += a.C
	}
	t.Logf("PER_BUCKET: %d keys, %d records counted; PER_WINDOW: %d windows (want %d)", len(gotBucket), total,
		len(gotWindow), len(wantWindow))
	if !tables() || bad > 0 {
		var diffs []string
		for k, w := range wantBucket {
			if g := gotBucket[k]; g != w && len(diffs) < 5 {
				diffs = append(diffs, fmt.Sprintf("bucket %d: got %+v, want %+v", k, g, w))
			}
		}
		for k, w := range wantWindow {
			if g := gotWindow[k]; g != w && len(diffs) < 10 {
				diffs = append(diffs, fmt.Sprintf("window %v: got %d, want %d", k, g, w))
			}
		}
		t.Errorf("final tables differ from the crash-free ones (%d unreadable records):\n%s\nlast run's output:\n%s",
			bad, strings.Join(diffs, "\n"), tail(final.output(), 40))
	}
}
