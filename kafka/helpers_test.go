package kafka_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
	"github.com/rql/rql/kafka/devbroker"
)

// startBroker starts a dev broker for one test and closes it afterwards.
func startBroker(t testing.TB, cfg devbroker.Config) *devbroker.Broker {
	t.Helper()
	b, err := devbroker.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// quiet keeps librdkafka's informational logs out of test output.
var quiet = kafka.LogFunc(func(int, string, string) {})

func newAdmin(t testing.TB, b *devbroker.Broker) *kafka.Admin {
	t.Helper()
	a, err := kafka.NewAdmin(kafka.BootstrapServers(b.Addr()), quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

func createTopic(t testing.TB, a *kafka.Admin, name string, parts int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.CreateTopics(ctx, kafka.TopicSpec{Name: name, Partitions: parts}); err != nil {
		t.Fatal(err)
	}
}

// produceN writes records "k<i>" → "v<i>" for i in [from, to).
func produceN(t testing.TB, b *devbroker.Broker, topic string, from, to int) {
	t.Helper()
	p, err := kafka.NewProducer(kafka.BootstrapServers(b.Addr()), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	recs := make([]*kafka.Record, 0, to-from)
	for i := from; i < to; i++ {
		recs = append(recs, &kafka.Record{Topic: topic, Partition: -1,
			Key: fmt.Appendf(nil, "k%d", i), Value: fmt.Appendf(nil, "v%d", i)})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Produce(ctx, recs...); err != nil {
		t.Fatal(err)
	}
}

// readAll reads topic from the beginning with read_committed until want
// records arrived and then a quiet period passed (to catch extras), or
// the deadline.
func readAll(t testing.TB, b *devbroker.Broker, topic string, want int) []*kafka.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	r, err := kafka.NewReader(ctx, topic, kafka.BootstrapServers(b.Addr()), kafka.FromBeginning(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []*kafka.Record
	var quietSince time.Time
	for {
		f, err := r.Poll(ctx)
		if err != nil {
			t.Fatalf("reading %s: %v (have %d of %d)", topic, err, len(out), want)
		}
		out = append(out, f.Records...)
		if len(out) < want {
			continue
		}
		if len(f.Records) > 0 || quietSince.IsZero() {
			quietSince = time.Now()
		}
		if time.Since(quietSince) > 300*time.Millisecond {
			return out
		}
	}
}
