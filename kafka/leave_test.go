package kafka_test

import (
	"context"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
	"github.com/rql/rql/kafka/devbroker"
)

// A static member (group.instance.id) that closes gracefully leaves the
// group at once: the other member gets its partitions without waiting for
// session.timeout.ms (45 s).
func TestStaticMemberCloseHandsPartitionsOver(t *testing.T) {
	t.Parallel()
	b := startBroker(t, devbroker.Config{})
	a := newAdmin(t, b)
	createTopic(t, a, "in", 4)
	opts := func(id string) []kafka.Opt {
		return []kafka.Opt{kafka.Group("g"), kafka.Topics("in"), kafka.InstanceID(id),
			kafka.TransactionalID("g-" + id)}
	}
	s1 := newSession(t, b, opts("one")...)
	s2 := newSession(t, b, opts("two")...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for len(s1.Assigned()) == 0 || len(s2.Assigned()) == 0 || len(s1.Assigned())+len(s2.Assigned()) != 4 {
		if ctx.Err() != nil {
			t.Fatalf("the two members never split the partitions: %v / %v", s1.Assigned(), s2.Assigned())
		}
		if _, err := s1.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s2.Poll(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := s1.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for len(s2.Assigned()) != 4 {
		if ctx.Err() != nil {
			t.Fatalf("after the other member closed, this one holds %v, want all 4 partitions before session.timeout.ms", s2.Assigned())
		}
		if _, err := s2.Poll(ctx); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("took over 4 partitions %v after the other member closed", time.Since(start).Round(time.Millisecond))
}
