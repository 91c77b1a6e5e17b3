package kafka_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
	"github.com/rql/rql/kafka/devbroker"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestReleaseWhileStartOffsetIsLookedUp: a held partition without a
// committed offset is released while librdkafka is still looking up where
// to start (auto.offset.reset: a ListOffsets request in flight, held back
// here by the broker until Release returned). Every record of the
// partition is delivered once, also when the partition is paused (an
// operator's backpressure) across the time librdkafka's offset-query
// retry timer (500 ms) would fire, and resumed.
//
// Regression: Hold paused the partition as it was assigned and Release
// resumed it. In librdkafka a pause or resume bumps the partition's op
// version; a ListOffsets reply of an older version is dropped as outdated
// *and re-arms the offset-query timer*, which the current reply does not
// stop. 500 ms after the partition started fetching the timer looked the
// logical offset up again and set the next fetch position to it; the next
// pause/resume made the fetcher start there: the whole partition was
// delivered a second time after its offsets were committed (async ENRICH,
// whose backpressure pauses partitions, emitted whole partitions twice).
func TestReleaseWhileStartOffsetIsLookedUp(t *testing.T) {
	t.Parallel()
	b := startBroker(t, devbroker.Config{})
	a := newAdmin(t, b)
	createTopic(t, a, "lookup-in", 1)
	const n = 40
	produceN(t, b, "lookup-in", 0, n)

	// Hold back the consumer's first lookup of the earliest offset.
	inFlight, wake := make(chan struct{}), make(chan struct{})
	var once sync.Once
	c := b.Cluster()
	c.ControlKey(int16(kmsg.ListOffsets), func(req kmsg.Request) (kmsg.Response, error, bool) {
		r, ok := req.(*kmsg.ListOffsetsRequest)
		if !ok || len(r.Topics) == 0 || r.Topics[0].Topic != "lookup-in" {
			return nil, nil, false
		}
		first := false
		once.Do(func() { first = true })
		if !first {
			return nil, nil, false
		}
		close(inFlight)
		c.SleepControl(func() { <-wake })
		return nil, nil, false // answered by the cluster, after Release
	})

	p0 := kafka.TopicPartition{Topic: "lookup-in", Partition: 0}
	var s *kafka.TxnSession
	s = newSession(t, b, kafka.Group("lookup"), kafka.Topics("lookup-in"),
		kafka.ProcessingGuarantee(kafka.ExactlyOnceV2),
		kafka.OnAssigned(func(_ context.Context, tps []kafka.TopicPartition) {
			if slices.Contains(tps, p0) {
				s.Hold(p0)
			}
		}))

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var got []int64
	released := false
	var complete time.Time // when the n-th record arrived
	paused := false
	for complete.IsZero() || time.Since(complete) < 2*time.Second {
		if ctx.Err() != nil {
			t.Fatalf("released %v, got offsets %v, want 0..%d", released, got, n-1)
		}
		if err := s.Begin(); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			if !released {
				select {
				case <-inFlight:
					if err := s.Release(p0); err != nil {
						t.Fatal(err)
					}
					released = true
					close(wake)
				default:
				}
			}
			f, err := s.Poll(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range f.Records {
				if !released {
					t.Fatalf("record %d delivered before the start offset was known", r.Offset)
				}
				got = append(got, r.Offset)
			}
		}
		if _, err := s.End(ctx, true); err != nil {
			t.Fatal(err)
		}
		switch {
		case len(got) >= n && complete.IsZero():
			complete, paused = time.Now(), true
			if err := s.Pause(p0); err != nil {
				t.Fatal(err)
			}
		case paused && time.Since(complete) >= time.Second:
			paused = false
			if err := s.Resume(p0); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, off := range got {
		if off != int64(i) || len(got) != n {
			t.Fatalf("partition delivered offsets %v, want 0..%d once each", got, n-1)
		}
	}
	if cm, err := s.Committed(ctx, p0); err != nil || cm[p0] != n {
		t.Fatalf("committed %v %v, want %d", cm, err, n)
	}
}
