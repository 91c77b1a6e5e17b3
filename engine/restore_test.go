package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
	"github.com/rql/rql/kafka/devbroker"
)

// TestRestoreOutsideRebalance: a task restoring its state from a large
// changelog does not block the query. While the restore of partition 0 is
// held back (a test hook on the restore goroutine), the session keeps
// polling with partition 0 held (paused, nothing of it tracked), partition
// 1 is processed and committed, the query reports RESTORING with the
// changelog's progress, and nothing of partition 0 is processed; once the
// restore completes, partition 0's records are processed over the
// restored state (counts continue from the first run's, each record
// counted once).
func TestRestoreOutsideRebalance(t *testing.T) {
	t.Parallel()
	br, err := devbroker.Start(devbroker.Config{Partitions: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer br.Close()
	addr := br.Addr()
	admin, err := kafka.NewAdmin(kafka.BootstrapServers(addr), kafka.Property("log_level", "3"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	bg := context.Background()
	if err := admin.CreateTopics(bg, kafka.TopicSpec{Name: "orders", Partitions: 2}); err != nil {
		t.Fatal(err)
	}
	const sql = `
SET 'auto.offset.reset'='earliest';
CREATE STREAM orders (id VARCHAR KEY, n BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE counts AS SELECT id, COUNT(*) AS c FROM orders GROUP BY id;`
	const bigKeys, smallKeys = 20000, 100
	var first []*kafka.Record
	for i := range bigKeys {
		first = append(first, order(0, "a", i))
	}
	for i := range smallKeys {
		first = append(first, order(1, "b", i))
	}
	dir := t.TempDir()
	start := func(ctx context.Context) (*Engine, string) {
		e, err := New(ctx, Options{Bootstrap: addr, StateDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.Execute(ctx, sql)
		if err != nil {
			t.Fatal(err)
		}
		return e, res[len(res)-1].QueryID
	}
	waitCommitted := func(e *Engine, id string, n int64) {
		waitUntil(t, 60*time.Second, "committed records", func() bool {
			q, _ := e.Query(id)
			if q.State == StateError {
				t.Fatalf("query failed: %v", q.Err)
			}
			return q.CommittedRecords >= n
		})
	}

	// First run: a changelog of 20 000 keys in partition 0.
	e, id := start(bg)
	produceRecords(t, addr, first)
	waitCommitted(e, id, int64(len(first)))
	if err := e.Close(bg); err != nil {
		t.Fatal(err)
	}
	// The state is lost: the second run restores the whole changelogs.
	if err := os.RemoveAll(filepath.Join(dir, "rql", id)); err != nil {
		t.Fatal(err)
	}

	release := make(chan struct{})
	var heldPolls, polls atomic.Int64
	var heldNow atomic.Bool
	p0 := kafka.TopicPartition{Topic: "orders", Partition: 0}
	hooks := &testHooks{
		restore: func(ctx context.Context, name string) error {
			if !strings.HasSuffix(name, "/0") {
				return nil
			}
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
		polled: func(s *kafka.TxnSession) {
			polls.Add(1)
			held := s.Held(p0)
			heldNow.Store(held)
			if held {
				heldPolls.Add(1)
			}
		},
	}
	e, id2 := start(withTestHooks(bg, hooks))
	defer func() { _ = e.Close(bg) }()
	if id2 != id {
		t.Fatalf("second run's query is %s, the first's %s", id2, id)
	}
	var second []*kafka.Record
	for i := range smallKeys {
		second = append(second, order(0, "a", i), order(1, "b", i))
	}
	produceRecords(t, addr, second)

	// Partition 1 is processed while partition 0 restores.
	counts := newCountReader(t, addr, "COUNTS")
	defer counts.close()
	counts.waitFor(t, "partition 1's second records", func(c map[string]int64) bool {
		for i := range smallKeys {
			if c[fmt.Sprintf("b-%d", i)] != 2 {
				return false
			}
		}
		return true
	})
	q, _ := e.Query(id)
	if q.State != StateRestoring || len(q.Restoring) != 1 || !strings.HasSuffix(q.Restoring[0].Changelog, "/0") {
		t.Fatalf("while partition 0 restores: state %s, restoring %+v", q.State, q.Restoring)
	}
	if !heldNow.Load() || heldPolls.Load() == 0 {
		t.Fatalf("partition 0 not held by the session while restoring (polls %d, held %d)", polls.Load(), heldPolls.Load())
	}
	before := polls.Load()
	waitUntil(t, 20*time.Second, "more polls while partition 0 restores", func() bool { return polls.Load() > before+3 })
	counts.drain(t)
	for k, n := range counts.snapshot() {
		if strings.HasPrefix(k, "a-") && n != 1 {
			t.Fatalf("partition 0 processed before its restore: %s = %d", k, n)
		}
	}

	// The restore completes: partition 0 continues from the restored counts.
	close(release)
	counts.waitFor(t, "partition 0's second records", func(c map[string]int64) bool {
		for i := range smallKeys {
			if c[fmt.Sprintf("a-%d", i)] != 2 {
				return false
			}
		}
		return true
	})
	waitCommitted(e, id, int64(len(second)))
	q, _ = e.Query(id)
	if q.Restored < bigKeys+smallKeys {
		t.Errorf("restored %d records, want at least %d", q.Restored, bigKeys+smallKeys)
	}
	if heldNow.Load() {
		t.Errorf("partition 0 still held after its task is ready")
	}
	if c := counts.snapshot(); c["a-0"] != 2 || c["b-0"] != 2 || c[fmt.Sprintf("a-%d", bigKeys-1)] != 1 {
		t.Errorf("final counts a-0 %d b-0 %d a-last %d", c["a-0"], c["b-0"], c[fmt.Sprintf("a-%d", bigKeys-1)])
	}
}

func order(p int32, prefix string, i int) *kafka.Record {
	return &kafka.Record{Topic: "orders", Partition: p, Key: fmt.Appendf(nil, "%s-%d", prefix, i),
		Value: fmt.Appendf(nil, `{"N":%d}`, i)}
}

func produceRecords(t *testing.T, addr string, recs []*kafka.Record) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := produceAll(ctx, addr, recs); err != nil {
		t.Fatal(err)
	}
}

func produceAll(ctx context.Context, addr string, recs []*kafka.Record) error {
	p, err := kafka.NewProducer(kafka.BootstrapServers(addr), kafka.Property("log_level", "3"),
		kafka.Property("linger.ms", "5"))
	if err != nil {
		return err
	}
	defer p.Close(ctx)
	return p.Produce(ctx, recs...)
}

func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// countReader follows a CTAS's committed output: the latest C per key.
type countReader struct {
	r      *kafka.Reader
	counts map[string]int64
}

func newCountReader(t *testing.T, addr, topic string) *countReader {
	t.Helper()
	r, err := kafka.NewReader(context.Background(), topic, kafka.BootstrapServers(addr), kafka.FromBeginning(),
		kafka.Property("log_level", "3"))
	if err != nil {
		t.Fatal(err)
	}
	return &countReader{r: r, counts: map[string]int64{}}
}

func (c *countReader) close() { c.r.Close() }

func (c *countReader) snapshot() map[string]int64 { return c.counts }

// drain reads until two polls in a row return nothing.
func (c *countReader) drain(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for empty := 0; empty < 2; {
		f, err := c.r.Poll(ctx)
		if err != nil {
			t.Fatalf("reading the output: %v", err)
		}
		if len(f.Records) == 0 {
			empty++
			continue
		}
		empty = 0
		c.add(t, f.Records)
	}
}

func (c *countReader) add(t *testing.T, recs []*kafka.Record) {
	t.Helper()
	for _, r := range recs {
		var v struct{ C int64 }
		if err := json.Unmarshal(r.Value, &v); err != nil {
			t.Fatalf("output %q: %v", r.Value, err)
		}
		c.counts[string(r.Key)] = v.C
	}
}

// waitFor reads until cond holds of the counts read so far.
func (c *countReader) waitFor(t *testing.T, what string, cond func(map[string]int64) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for !cond(c.counts) {
		f, err := c.r.Poll(ctx)
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		c.add(t, f.Records)
	}
}
