package engine_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/kafka"
)

// statefulSQL has a GROUP BY on a non-key column (through the GROUP BY
// repartition topic), one on the key (no repartition), a tumbling window
// and an EMIT FINAL hopping window, over the 4-partition topic "orders".
const statefulSQL = `
SET 'auto.offset.reset'='earliest';
CREATE STREAM orders (id VARCHAR KEY, region VARCHAR, amount BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE by_region AS SELECT region, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY region;
CREATE TABLE by_id AS SELECT id, COUNT(*) AS n, MAX(amount) AS top FROM orders GROUP BY id;
CREATE TABLE per_window AS SELECT region, COUNT(*) AS n FROM orders WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY region;
CREATE TABLE final_win AS SELECT id, COUNT(*) AS n, SUM(amount) AS total FROM orders
  WINDOW TUMBLING (SIZE 10 SECONDS, RETENTION 1 HOURS, GRACE PERIOD 1 SECONDS) GROUP BY id EMIT FINAL;
`

var statefulSinks = []string{"BY_REGION", "BY_ID", "PER_WINDOW", "FINAL_WIN"}

// orderRecords are n orders with increasing timestamps (10 per second).
func orderRecords(n, from int) []driver.Record {
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	out := make([]driver.Record, 0, n)
	for i := from; i < from+n; i++ {
		out = append(out, driver.Record{Topic: "orders", Key: fmt.Appendf(nil, "o%d", i%50),
			Value:     fmt.Appendf(nil, `{"REGION":"r%d","AMOUNT":%d}`, i%7, i%13),
			Timestamp: base + int64(i)*100})
	}
	return out
}

func toKafka(recs []driver.Record) []*kafka.Record {
	out := make([]*kafka.Record, len(recs))
	for i, r := range recs {
		out[i] = &kafka.Record{Topic: r.Topic, Partition: -1, Key: r.Key, Value: r.Value, Timestamp: time.UnixMilli(r.Timestamp)}
	}
	return out
}

// driverTables runs sql and recs through the in-process driver and
// returns the final table (last value per key) of each sink.
func driverTables(t *testing.T, sql string, recs []driver.Record, sinks []string) map[string]map[string]string {
	t.Helper()
	d, err := driver.New(driver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	d.CreateTopic("orders", 1)
	if _, err := d.Execute(ctx, sql); err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := d.Produce(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	out := map[string]map[string]string{}
	for _, s := range sinks {
		tab := map[string]string{}
		for _, r := range d.Records(s) {
			k := string(r.Key)
			if r.Window != nil {
				k = string(binary.BigEndian.AppendUint64(append([]byte(nil), r.Key...), uint64(r.Window.Start)))
			}
			upsert(tab, k, r.Value)
		}
		out[s] = tab
	}
	return out
}

func upsert(tab map[string]string, k string, v []byte) {
	if v == nil {
		delete(tab, k)
	} else {
		tab[k] = string(v)
	}
}

// brokerTable reads topic with read_committed until its final table
// equals want (or deadline), and returns it.
func brokerTable(t *testing.T, addr, topic string, want map[string]string, deadline time.Duration) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	r, err := kafka.NewReader(ctx, topic, kafka.BootstrapServers(addr), kafka.FromBeginning(), quiet, kafka.MaxPollRecords(10000))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tab := map[string]string{}
	for {
		if fmt.Sprint(tab) == fmt.Sprint(want) {
			return tab
		}
		f, err := r.Poll(ctx)
		if err != nil {
			return tab
		}
		for _, rec := range f.Records {
			upsert(tab, string(rec.Key), rec.Value)
		}
	}
}

func diffTables(got, want map[string]string) string {
	var b strings.Builder
	n := 0
	for k, v := range want {
		if got[k] != v && n < 5 {
			fmt.Fprintf(&b, "  %q: got %q, want %q\n", k, got[k], v)
			n++
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok && n < 5 {
			fmt.Fprintf(&b, "  %q: got %q, not wanted\n", k, v)
			n++
		}
	}
	return fmt.Sprintf("%d keys, want %d\n%s", len(got), len(want), b.String())
}

// TestStatefulQueriesMatchDriver runs aggregations and a window through
// the Kafka engine (4 partitions, GROUP BY repartition, changelogs) and
// checks their final tables against the in-process driver's.
func TestStatefulQueriesMatchDriver(t *testing.T) {
	t.Parallel()
	br := startBroker(t, 1)
	createTopic(t, br.Addr(), "orders", 4)
	recs := orderRecords(3000, 0)
	want := driverTables(t, statefulSQL, recs, statefulSinks)
	e := newEngine(t, br.Addr(), nil)
	if _, err := e.Execute(context.Background(), statefulSQL); err != nil {
		t.Fatal(err)
	}
	produce(t, br.Addr(), toKafka(recs))
	for _, s := range statefulSinks[:3] {
		got := brokerTable(t, br.Addr(), s, want[s], 30*time.Second)
		t.Logf("%s: %d keys", s, len(got))
		if fmt.Sprint(got) != fmt.Sprint(want[s]) {
			t.Errorf("%s through the broker differs from the driver: %s", s, diffTables(got, want[s]))
		}
	}
	// EMIT FINAL: stream time is per task, so each partition's last
	// windows are still open (the driver's single stream time closed
	// them); every window the engine emitted is the driver's, once.
	fw := want["FINAL_WIN"]
	got, dups := map[string]string{}, 0
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		clear(got)
		dups = 0
		for _, r := range readCommitted(t, br.Addr(), "FINAL_WIN", 0, 300*time.Millisecond, 20*time.Second) {
			if _, ok := got[string(r.Key)]; ok {
				dups++
			}
			upsert(got, string(r.Key), r.Value)
		}
		if len(got) >= len(fw)-100 {
			break
		}
	}
	t.Logf("FINAL_WIN: %d windows emitted, the driver %d", len(got), len(fw))
	if dups > 0 || len(got) < len(fw)-100 {
		t.Errorf("EMIT FINAL: %d windows emitted (%d twice), the driver emitted %d", len(got), dups, len(fw))
	}
	for k, v := range got {
		if fw[k] != v {
			t.Errorf("EMIT FINAL window %q: got %s, the driver %s", k, v, fw[k])
			break
		}
	}
	// The internal topics exist: changelogs and the GROUP BY repartition.
	topics, err := e.Admin().ListTopics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(topics, " ")
	id := e.Queries()[0].ID
	for _, name := range []string{"rql-" + id + "-Aggregate-GroupBy-repartition",
		"rql-" + id + "-Aggregate-Aggregate-Materialize-changelog"} {
		if !strings.Contains(all, name) {
			t.Errorf("topic %s missing; topics: %s", name, all)
		}
	}
}

// TestStateRestore stops an engine running a GROUP BY and restarts it
// three ways, checking the answers each time against the driver's and the
// number of changelog records each restore read:
//
//   - with its state directory: the checkpoint is at the changelog's end,
//     nothing is read;
//   - with the state directory of an older run: the checkpoint is valid
//     but behind, only the changelog's tail is read;
//   - without a state directory: the whole changelog is read.
func TestStateRestore(t *testing.T) {
	t.Parallel()
	br := startBroker(t, 1)
	createTopic(t, br.Addr(), "orders", 2)
	sql := `
SET 'auto.offset.reset'='earliest';
CREATE STREAM orders (id VARCHAR KEY, region VARCHAR, amount BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE by_region AS SELECT region, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY region;
`
	dir := t.TempDir()
	first, second := orderRecords(1000, 0), orderRecords(1000, 1000)
	extra1, extra2 := orderRecords(1, 2000), orderRecords(1, 2001)
	start := func() *engine.Engine {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		e, err := engine.New(ctx, engine.Options{Bootstrap: br.Addr(), StateDir: dir, Logger: testLogger(t)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Execute(ctx, sql); err != nil {
			t.Fatal(err)
		}
		return e
	}
	stop := func(e *engine.Engine) engine.QueryStatus {
		var q engine.QueryStatus
		if qs := e.Queries(); len(qs) > 0 {
			q = qs[0]
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := e.Close(ctx); err != nil {
			t.Fatal(err)
		}
		return q
	}
	check := func(what string, recs ...[]driver.Record) {
		var all []driver.Record
		for _, r := range recs {
			all = append(all, r...)
		}
		want := driverTables(t, sql, all, []string{"BY_REGION"})["BY_REGION"]
		if got := brokerTable(t, br.Addr(), "BY_REGION", want, 20*time.Second); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: %s", what, diffTables(got, want))
		}
	}
	// changelogRecords counts the records of the query's changelogs.
	changelogRecords := func(q engine.QueryStatus) int64 {
		r, err := kafka.NewPartitionReader(kafka.BootstrapServers(br.Addr()), quiet)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		var n int64
		for _, topic := range q.StateTopics {
			if !strings.HasSuffix(topic, "-changelog") {
				continue
			}
			for p := int32(0); p < 2; p++ {
				low, high, err := r.Offsets(ctx, topic, p)
				if err != nil {
					t.Fatal(err)
				}
				c, err := r.Read(ctx, topic, p, low, high, func(*kafka.Record) error { return nil })
				if err != nil {
					t.Fatal(err)
				}
				n += c
			}
		}
		return n
	}

	e := start()
	produce(t, br.Addr(), toKafka(first))
	check("first run", first)
	q := stop(e)
	if q.Restored != 0 {
		t.Errorf("first run restored %d records from empty changelogs", q.Restored)
	}
	stateDir := filepath.Join(dir, "rql", q.ID)
	snapshot := filepath.Join(t.TempDir(), "snapshot")
	copyDir(t, stateDir, snapshot)
	n1 := changelogRecords(q)

	e = start()
	produce(t, br.Addr(), toKafka(second))
	check("after a restart from the checkpoint", first, second)
	q = stop(e)
	if q.Restored != 0 {
		t.Errorf("restart with a checkpoint at the changelog end restored %d records, want 0", q.Restored)
	}
	n2 := changelogRecords(q)

	// The first run's state: its checkpoint is valid, the tail is missing.
	if err := os.RemoveAll(stateDir); err != nil {
		t.Fatal(err)
	}
	copyDir(t, snapshot, stateDir)
	e = start()
	waitFor(t, 20*time.Second, "the tasks", func() bool { return len(e.Queries()[0].Tasks) == 4 })
	produce(t, br.Addr(), toKafka(extra1))
	check("after a restore of the changelog tail", first, second, extra1)
	q = stop(e)
	t.Logf("changelogs: %d records after the first run, %d after the second; tail restore read %d", n1, n2, q.Restored)
	if q.Restored != n2-n1 {
		t.Errorf("restore from an older checkpoint read %d changelog records, want the %d of the tail", q.Restored, n2-n1)
	}

	// No local state: everything comes from the changelogs; a new input
	// record then updates the restored aggregates.
	if err := os.RemoveAll(stateDir); err != nil {
		t.Fatal(err)
	}
	n3 := changelogRecords(q)
	e = start()
	produce(t, br.Addr(), toKafka(extra2))
	check("after a full restore", first, second, extra1, extra2)
	q = stop(e)
	t.Logf("full restore read %d", q.Restored)
	if q.Restored != n3 {
		t.Errorf("restore without local state read %d changelog records, want all %d", q.Restored, n3)
	}

	// TERMINATE deletes the local state and the internal topics.
	e = start()
	if _, err := e.Execute(context.Background(), "TERMINATE "+q.ID+";"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stateDir); !os.IsNotExist(err) {
		t.Errorf("state directory %s still there after TERMINATE (%v)", stateDir, err)
	}
	waitFor(t, 10*time.Second, "the internal topics to go", func() bool {
		topics, err := e.Admin().ListTopics(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		all := " " + strings.Join(topics, " ") + " "
		for _, topic := range q.StateTopics {
			if strings.Contains(all, " "+topic+" ") {
				return false
			}
		}
		return true
	})
	stop(e)
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testLogger(t *testing.T) *slog.Logger {
	if os.Getenv("RQL_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}
