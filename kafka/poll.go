package kafka

import (
	"context"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// pollSlice is the longest one librdkafka poll call blocks: cgo calls
// cannot be interrupted, so cancelling a Poll's ctx takes effect within it.
const pollSlice = 20 * time.Millisecond

// A wait of at most shortWait (a runtime with asynchronous work polls
// every millisecond) is spent in Go, between non-blocking polls shortSleep
// apart, rather than in librdkafka: a goroutine blocked in a cgo call
// holds its P until the Go runtime's monitor takes it back, and at a
// thousand short polls a second that starved the goroutines serving the
// asynchronous calls (1024 enrichment workers, broker and service in the
// same process, 2 Ps: 0.82 → 0.84–0.88 of Little's law limit on 2 cores).
const (
	shortWait  = 2 * time.Millisecond
	shortSleep = 250 * time.Microsecond
)

// pollBatch polls c until a record or error arrives, ctx is done or wait
// elapses, then takes what else is ready without blocking, up to max
// records. keep, if set, is told of every record before it is returned.
// It returns ctx's error only when ctx ended before anything arrived; a
// fatal client error is returned as the error.
func pollBatch(ctx context.Context, c *ck.Consumer, wait time.Duration, max int, keep func(*Record)) (Fetch, error) {
	var f Fetch
	deadline := time.Now().Add(wait)
	for f.Empty() {
		if err := ctx.Err(); err != nil {
			return f, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return f, nil
		}
		if left > pollSlice {
			left = pollSlice
		}
		var ev ck.Event
		if wait <= shortWait {
			if ev = c.Poll(0); ev == nil {
				time.Sleep(min(left, shortSleep))
				continue
			}
		} else {
			ev = c.Poll(int(left/time.Millisecond) + 1)
		}
		if err := take(&f, ev, keep); err != nil {
			return f, err
		}
	}
	for len(f.Records) < max {
		ev := c.Poll(0)
		if ev == nil {
			break
		}
		if err := take(&f, ev, keep); err != nil {
			return f, err
		}
	}
	return f, nil
}

// take adds one event to f. Only a fatal error is returned.
func take(f *Fetch, ev ck.Event, keep func(*Record)) error {
	switch e := ev.(type) {
	case *ck.Message:
		if e.TopicPartition.Error != nil {
			fe := FetchError{Partition: e.TopicPartition.Partition,
				Err: classify(e.TopicPartition.Error, "fetch")}
			if e.TopicPartition.Topic != nil {
				fe.Topic = *e.TopicPartition.Topic
			}
			f.Errors = append(f.Errors, fe)
			return nil
		}
		r := f.newRecord()
		setFromMessage(r, e)
		if keep != nil {
			keep(r)
		}
		f.Records = append(f.Records, r)
	case ck.Error:
		err := classify(e, "consume")
		if e.IsFatal() {
			return err
		}
		f.Errors = append(f.Errors, FetchError{Partition: -1, Err: err})
	}
	return nil
}
