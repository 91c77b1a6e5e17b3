package kafka_test

import (
	"context"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
	"github.com/rql/rql/kafka/devbroker"
)

// TestHeldPartitionIsNotCommittedUntilReleased: a partition held from
// OnAssigned yields nothing to the caller's commits while polling goes on
// with the other partition, even when its records arrive (its first fetch,
// before the session pauses it); after Release every one of its records
// is delivered, from its first, and committed.
func TestHeldPartitionIsNotCommittedUntilReleased(t *testing.T) {
	t.Parallel()
	b := startBroker(t, devbroker.Config{})
	a := newAdmin(t, b)
	createTopic(t, a, "held-in", 2)
	const n = 50
	p, err := kafka.NewProducer(kafka.BootstrapServers(b.Addr()), quiet)
	if err != nil {
		t.Fatal(err)
	}
	var recs []*kafka.Record
	for i := range n {
		for part := range int32(2) {
			recs = append(recs, &kafka.Record{Topic: "held-in", Partition: part, Key: []byte{byte(i)}, Value: []byte{byte(i)}})
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.Produce(ctx, recs...); err != nil {
		t.Fatal(err)
	}
	p.Close(ctx)

	p0 := kafka.TopicPartition{Topic: "held-in", Partition: 0}
	p1 := kafka.TopicPartition{Topic: "held-in", Partition: 1}
	var s *kafka.TxnSession
	held := false
	s = newSession(t, b, kafka.Group("held"), kafka.Topics("held-in"),
		kafka.ProcessingGuarantee(kafka.ExactlyOnceV2),
		kafka.OnAssigned(func(_ context.Context, tps []kafka.TopicPartition) {
			for _, tp := range tps {
				if tp == p0 {
					s.Hold(p0)
					held = s.Held(p0)
				}
			}
		}))

	// cycle polls until want records of partition of arrived (records of
	// a held partition are the caller's to skip: slipped notes their
	// offsets) and commits; it returns the offsets of partition of that
	// it got.
	var slipped []int64
	cycle := func(of kafka.TopicPartition, want int) []int64 {
		t.Helper()
		if err := s.Begin(); err != nil {
			t.Fatal(err)
		}
		var got []int64
		for polled := false; !polled || len(got) < want; polled = true {
			if ctx.Err() != nil {
				t.Fatalf("got %d records of %v, want %d", len(got), of, want)
			}
			f, err := s.Poll(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range f.Records {
				switch {
				case r.Topic == of.Topic && r.Partition == of.Partition:
					got = append(got, r.Offset)
				case r.Partition == p0.Partition && s.Held(p0):
					slipped = append(slipped, r.Offset)
				}
			}
		}
		if ok, err := s.End(ctx, true); !ok || err != nil {
			t.Fatalf("End: %v %v", ok, err)
		}
		return got
	}

	cycle(p1, n)
	for len(slipped) == 0 { // p0's first fetch, returned while held
		cycle(p1, 0)
	}
	if slipped[0] != 0 {
		t.Fatalf("slipped offsets %v", slipped)
	}
	if !held || !s.Held(p0) {
		t.Fatalf("partition 0 not held (held in OnAssigned %v, now %v)", held, s.Held(p0))
	}
	c, err := s.Committed(ctx, p0, p1)
	if err != nil {
		t.Fatal(err)
	}
	if c[p0] >= 0 || c[p1] != n {
		t.Fatalf("committed while partition 0 is held: %v", c)
	}
	// Records of a held partition that arrive anyway are neither
	// committed nor lost.
	if err := s.Release(p0); err != nil {
		t.Fatal(err)
	}
	if s.Held(p0) {
		t.Fatal("partition 0 still held after Release")
	}
	got := cycle(p0, n)
	for i, off := range got {
		if off != int64(i) {
			t.Fatalf("after Release, partition 0 delivered offsets %v, want 0..%d once each", got, n-1)
		}
	}
	if c, err = s.Committed(ctx, p0); err != nil || c[p0] != n {
		t.Fatalf("committed after Release: %v %v", c, err)
	}
}
