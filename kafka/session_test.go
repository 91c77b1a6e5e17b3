package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
	"github.com/rql/rql/kafka/devbroker"
	"github.com/rql/rql/rqlerr"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// copier runs the consume → transform → produce cycle of a session: each
// output value is the input value tagged with the cycle that produced it.
type copier struct {
	t     testing.TB
	s     *kafka.TxnSession
	out   string
	cycle int
	pause time.Duration // after every Poll, to slow the loop down
	stop  func() bool   // ends a cycle that has no records yet
}

func newSession(t testing.TB, b *devbroker.Broker, opts ...kafka.Opt) *kafka.TxnSession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	base := []kafka.Opt{kafka.BootstrapServers(b.Addr()), kafka.OffsetReset("earliest"), quiet,
		kafka.PollWait(20 * time.Millisecond)}
	s, err := kafka.NewSession(ctx, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// run does one cycle: Begin, poll and produce until it has copied at least
// one record and d has passed (or 5s passed), then End(commit). It returns
// the records copied and End's answer.
func (c *copier) run(d time.Duration, commit bool) (n int, tag string, committed bool, err error) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.cycle++
	tag = fmt.Sprintf("c%d", c.cycle)
	if err := c.s.Begin(); err != nil {
		c.t.Fatal(err)
	}
	start := time.Now()
	for n == 0 || time.Since(start) < d {
		if ctx.Err() != nil || (n == 0 && c.stop != nil && c.stop()) {
			break
		}
		f, err := c.s.Poll(ctx)
		if err != nil && ctx.Err() == nil {
			c.t.Fatal(err)
		}
		for _, fe := range f.Errors {
			c.t.Logf("fetch error: %v", fe.Err)
		}
		outs := make([]*kafka.Record, len(f.Records))
		for i, r := range f.Records {
			outs[i] = &kafka.Record{Topic: c.out, Partition: -1, Key: r.Key,
				Value: []byte(string(r.Value) + "|" + tag)}
		}
		if err := c.s.Produce(ctx, outs...); err != nil {
			c.t.Fatal(err)
		}
		n += len(f.Records)
		time.Sleep(c.pause)
	}
	committed, err = c.s.End(context.Background(), commit)
	return n, tag, committed, err
}

// checkExactlyOnce reads out and checks it holds v0..v<n-1> exactly once,
// none tagged with a tag in bad.
func checkExactlyOnce(t *testing.T, b *devbroker.Broker, out string, n int, bad map[string]bool) {
	t.Helper()
	recs := readAll(t, b, out, n)
	seen := map[string]int{}
	for _, r := range recs {
		v, tag, _ := strings.Cut(string(r.Value), "|")
		if bad[tag] {
			t.Errorf("read_committed reader saw %q from an aborted transaction", r.Value)
		}
		seen[v]++
	}
	for i := 0; i < n; i++ {
		if c := seen[fmt.Sprintf("v%d", i)]; c != 1 {
			t.Errorf("v%d seen %d times, want 1", i, c)
		}
	}
	if len(recs) != n {
		t.Errorf("read %d records, want %d", len(recs), n)
	}
}

func TestTxnAbortIsInvisibleAndRedelivered(t *testing.T) {
	t.Parallel()
	const n = 300
	b := startBroker(t, devbroker.Config{})
	a := newAdmin(t, b)
	createTopic(t, a, "in", 2)
	createTopic(t, a, "out", 2)
	produceN(t, b, "in", 0, n)
	c := &copier{t: t, s: newSession(t, b, kafka.Group("g"), kafka.Topics("in")), out: "out"}

	bad := map[string]bool{}
	got, tag, committed, err := c.run(50*time.Millisecond, false)
	if err != nil || committed {
		t.Fatalf("End(false) = %v, %v", committed, err)
	}
	bad[tag] = true
	t.Logf("aborted a transaction of %d records", got)
	total := 0
	for total < n {
		k, _, committed, err := c.run(20*time.Millisecond, true)
		if err != nil || !committed {
			t.Fatalf("End(true) = %v, %v", committed, err)
		}
		total += k
	}
	if total != n {
		t.Errorf("committed cycles consumed %d records, want %d (duplicates)", total, n)
	}
	checkExactlyOnce(t, b, "out", n, bad)
}

func TestTxnOffsetsCommittedAtomically(t *testing.T) {
	t.Parallel()
	const n = 300
	b := startBroker(t, devbroker.Config{})
	a := newAdmin(t, b)
	createTopic(t, a, "in", 3)
	createTopic(t, a, "out", 1)
	produceN(t, b, "in", 0, n)

	opts := []kafka.Opt{kafka.Group("g"), kafka.Topics("in"), kafka.TransactionalID("g-0")}
	first := &copier{t: t, s: newSession(t, b, opts...), out: "out"}
	total := 0
	for total < n/3 {
		k, _, committed, err := first.run(10*time.Millisecond, true)
		if err != nil || !committed {
			t.Fatalf("End(true) = %v, %v", committed, err)
		}
		total += k
	}
	// An open transaction with output and consumed records dies with its
	// session: its output is aborted and its records go to the next member.
	if err := first.s.Begin(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f, err := first.s.Poll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Records {
		if err := first.s.Produce(ctx, &kafka.Record{Topic: "out", Partition: -1, Value: []byte(string(r.Value) + "|lost")}); err != nil {
			t.Fatal(err)
		}
	}
	if err := first.s.Close(ctx); err != nil {
		t.Fatal(err)
	}

	second := &copier{t: t, s: newSession(t, b, opts...), out: "out"}
	for total < n {
		k, _, committed, err := second.run(10*time.Millisecond, true)
		if err != nil || !committed {
			t.Fatalf("End(true) = %v, %v", committed, err)
		}
		total += k
	}
	if total != n {
		t.Errorf("the two sessions committed %d records, want %d", total, n)
	}
	checkExactlyOnce(t, b, "out", n, map[string]bool{"lost": true})
}

func TestTxnEndTxnFaultIsAbortedAndRecovered(t *testing.T) {
	t.Parallel()
	const n = 200
	b := startBroker(t, devbroker.Config{})
	a := newAdmin(t, b)
	createTopic(t, a, "in", 2)
	createTopic(t, a, "out", 2)
	produceN(t, b, "in", 0, n)
	c := &copier{t: t, s: newSession(t, b, kafka.Group("g"), kafka.Topics("in"), kafka.TransactionalID("faulty")), out: "out"}

	fault := b.Cluster().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.EndTxn}, TxnID: "faulty",
		Err: kerr.UnknownServerError, Count: 1})
	bad := map[string]bool{}
	_, tag, committed, err := c.run(30*time.Millisecond, true)
	if committed || !errors.Is(err, rqlerr.KafkaTxnAbort) {
		t.Fatalf("End(true) with a failing EndTxn = %v, %v; want false, %s", committed, err, rqlerr.KafkaTxnAbort)
	}
	if fault.Hits() != 1 {
		t.Fatalf("fault hit %d times, want 1", fault.Hits())
	}
	t.Logf("surfaced: %v", err)
	bad[tag] = true
	total := 0
	for total < n {
		k, _, committed, err := c.run(20*time.Millisecond, true)
		if err != nil || !committed {
			t.Fatalf("End(true) after recovery = %v, %v", committed, err)
		}
		total += k
	}
	if total != n {
		t.Errorf("committed cycles consumed %d records, want %d", total, n)
	}
	checkExactlyOnce(t, b, "out", n, bad)
}

func TestAtLeastOnceResumes(t *testing.T) {
	t.Parallel()
	b := startBroker(t, devbroker.Config{})
	a := newAdmin(t, b)
	createTopic(t, a, "in", 2)
	createTopic(t, a, "out", 2)
	produceN(t, b, "in", 0, 100)
	opts := []kafka.Opt{kafka.Group("g"), kafka.Topics("in"), kafka.ProcessingGuarantee(kafka.AtLeastOnce)}
	run := func(want int) {
		c := &copier{t: t, s: newSession(t, b, opts...), out: "out"}
		total := 0
		for total < want {
			k, _, committed, err := c.run(10*time.Millisecond, true)
			if err != nil || !committed {
				t.Fatalf("End(true) = %v, %v", committed, err)
			}
			total += k
		}
		if err := c.s.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	run(100)
	produceN(t, b, "in", 100, 150)
	run(50) // resumes at the committed offsets: only the new records
	checkExactlyOnce(t, b, "out", 150, nil)
}

func TestRebalanceAbortsOpenTransaction(t *testing.T) {
	t.Parallel()
	const n = 2000
	b := startBroker(t, devbroker.Config{})
	a := newAdmin(t, b)
	createTopic(t, a, "in", 4)
	createTopic(t, a, "out", 4)
	produceN(t, b, "in", 0, n)

	var total atomic.Int64
	var mu sync.Mutex
	revoked, assigned := 0, 0
	hooks := []kafka.Opt{kafka.Group("g"), kafka.Topics("in"), kafka.MaxPollRecords(10),
		kafka.Property("consumer.heartbeat.interval.ms", "100"),
		kafka.OnAssigned(func(_ context.Context, ps []kafka.TopicPartition) { mu.Lock(); assigned += len(ps); mu.Unlock() }),
		kafka.OnRevoked(func(_ context.Context, ps []kafka.TopicPartition, _ bool) { mu.Lock(); revoked += len(ps); mu.Unlock() })}
	var uncommitted atomic.Int64
	loop := func(c *copier) {
		for total.Load() < n {
			k, _, committed, err := c.run(20*time.Millisecond, true)
			if err != nil {
				t.Error(err)
				return
			}
			if committed {
				total.Add(int64(k))
			} else {
				uncommitted.Add(1)
			}
		}
	}
	stop := func() bool { return total.Load() >= n }
	first := &copier{t: t, s: newSession(t, b, hooks...), out: "out", pause: 5 * time.Millisecond, stop: stop}
	done := make(chan struct{})
	go func() { loop(first); close(done) }()
	for total.Load() == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	t0 := time.Now()
	second := &copier{t: t, s: newSession(t, b, hooks...), out: "out", pause: 5 * time.Millisecond, stop: stop}
	loop(second)
	t.Logf("second loop done after %s (total %d)", time.Since(t0), total.Load())
	<-done
	t.Logf("both done after %s", time.Since(t0))
	if got := total.Load(); got != n {
		t.Errorf("committed cycles consumed %d records, want %d", got, n)
	}
	mu.Lock()
	t.Logf("assigned %d, revoked %d partitions; %d cycles not committed", assigned, revoked, uncommitted.Load())
	if revoked == 0 || assigned <= 4 {
		t.Errorf("no rebalance seen: assigned %d, revoked %d", assigned, revoked)
	}
	mu.Unlock()
	checkExactlyOnce(t, b, "out", n, nil)
}

// At-least-once never skips a record it could not deliver: a record the
// broker refuses fails the session (fatal) before any offset passes it,
// and a new member resumes at the committed offsets with nothing lost.
func TestAtLeastOnceDeliveryFailureIsFatalAndLosesNothing(t *testing.T) {
	t.Parallel()
	const n = 100
	b := startBroker(t, devbroker.Config{})
	a := newAdmin(t, b)
	createTopic(t, a, "in", 2)
	createTopic(t, a, "out", 2)
	produceN(t, b, "in", 0, n)
	opts := []kafka.Opt{kafka.Group("g"), kafka.Topics("in"), kafka.ProcessingGuarantee(kafka.AtLeastOnce)}
	c := &copier{t: t, s: newSession(t, b, opts...), out: "out"}

	fault := b.Cluster().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "out",
		Err: kerr.InvalidRecord, Count: -1})
	_, _, committed, err := c.run(30*time.Millisecond, true)
	if committed || !errors.Is(err, rqlerr.KafkaFatal) {
		t.Fatalf("End(true) with refused records = %v, %v; want false, %s", committed, err, rqlerr.KafkaFatal)
	}
	if fault.Hits() == 0 {
		t.Fatal("the produce fault was never hit")
	}
	t.Logf("surfaced: %v", err)
	if err := c.s.Begin(); !errors.Is(err, rqlerr.KafkaFatal) {
		t.Errorf("Begin after a fatal error = %v, want %s", err, rqlerr.KafkaFatal)
	}
	_ = c.s.Close(context.Background())
	fault.Remove()

	c = &copier{t: t, s: newSession(t, b, opts...), out: "out"}
	total := 0
	for total < n {
		k, _, committed, err := c.run(20*time.Millisecond, true)
		if err != nil || !committed {
			t.Fatalf("End(true) after the fault = %v, %v", committed, err)
		}
		total += k
	}
	if total != n {
		t.Errorf("the new member consumed %d records, want all %d (no offset committed past the failure)", total, n)
	}
	seen := map[string]bool{}
	for _, r := range readAll(t, b, "out", n) {
		v, _, _ := strings.Cut(string(r.Value), "|")
		seen[v] = true
	}
	for i := 0; i < n; i++ {
		if !seen[fmt.Sprintf("v%d", i)] {
			t.Errorf("v%d lost", i)
		}
	}
}
