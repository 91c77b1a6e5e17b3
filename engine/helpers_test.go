package engine_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/kafka/devbroker"
)

// quiet keeps librdkafka's informational logs out of test output.
var quiet = kafka.Property("log_level", "3")

// startBroker starts an in-process dev broker for one test.
func startBroker(t testing.TB, partitions int) *devbroker.Broker {
	t.Helper()
	b, err := devbroker.Start(devbroker.Config{Partitions: partitions})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// newEngine starts an engine on addr with a fresh state dir.
func newEngine(t testing.TB, addr string, props map[string]string) *engine.Engine {
	t.Helper()
	return openEngine(t, engine.Options{Bootstrap: addr, StateDir: t.TempDir(), Properties: props})
}

// openEngine starts an engine with opts; it closes at the end of the test
// unless closed before (a second Close does nothing).
func openEngine(t testing.TB, opts engine.Options) *engine.Engine {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e, err := engine.New(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = e.Close(ctx)
	})
	return e
}

// startEngineAt starts an engine on addr with its state in dir (a fresh
// one for ""), logging to t, and executes sql; the engine closes at the
// end of the test unless closed before (a second Close does nothing).
func startEngineAt(t *testing.T, addr, dir string, props map[string]string, sql string) *engine.Engine {
	t.Helper()
	return startEngineWith(t, engine.Options{Bootstrap: addr, StateDir: dir, Properties: props}, sql)
}

// startEngineWith is startEngineAt with any options (a fresh state
// directory when opts has none; t's logger).
func startEngineWith(t *testing.T, opts engine.Options, sql string) *engine.Engine {
	t.Helper()
	if opts.StateDir == "" {
		opts.StateDir = t.TempDir()
	}
	opts.Logger = testLogger(t)
	e := openEngine(t, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := e.Execute(ctx, sql); err != nil {
		t.Fatal(err)
	}
	return e
}

func createTopic(t testing.TB, addr, name string, parts int) {
	t.Helper()
	a, err := kafka.NewAdmin(kafka.BootstrapServers(addr), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.CreateTopics(ctx, kafka.TopicSpec{Name: name, Partitions: parts}); err != nil {
		t.Fatal(err)
	}
}

// produce writes recs and waits for their acknowledgement.
func produce(t testing.TB, addr string, recs []*kafka.Record) {
	t.Helper()
	p, err := kafka.NewProducer(kafka.BootstrapServers(addr), quiet, kafka.Property("linger.ms", "5"),
		kafka.Property("partitioner", "murmur2_random"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for len(recs) > 0 {
		n := min(len(recs), 50000)
		if err := p.Produce(ctx, recs[:n]...); err != nil {
			t.Fatal(err)
		}
		recs = recs[n:]
	}
}

// readCommitted reads topic from the beginning with read_committed until
// at least want records arrived and then quiet passed without more (to
// catch extras), or until deadline.
func readCommitted(t testing.TB, addr, topic string, want int, quietFor, deadline time.Duration) []*kafka.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	r, err := kafka.NewReader(ctx, topic, kafka.BootstrapServers(addr), kafka.FromBeginning(), quiet,
		kafka.MaxPollRecords(10000))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []*kafka.Record
	last := time.Now()
	for {
		f, err := r.Poll(ctx)
		if err != nil {
			t.Fatalf("reading %s: %v (have %d of %d)", topic, err, len(out), want)
		}
		if len(f.Records) > 0 {
			out = append(out, f.Records...)
			last = time.Now()
		}
		if len(out) >= want && time.Since(last) > quietFor {
			return out
		}
	}
}

// waitFor polls cond until it holds or d passes.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func key(i int) []byte { return fmt.Appendf(nil, "k%d", i) }
