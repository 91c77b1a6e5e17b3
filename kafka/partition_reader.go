package kafka

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rql/rql/rqlerr"
)

// PartitionReader reads one partition at a time from a given offset up to
// a given end, with isolation.level=read_committed and no consumer group,
// and answers partitions' offsets. The runtime restores state stores from
// their changelog topics with it and measures the changelog positions it
// checkpoints. A PartitionReader is not safe for concurrent use.
type PartitionReader struct {
	c   *ck.Consumer
	cfg *cfg
}

// NewPartitionReader returns a PartitionReader. Options used:
// BootstrapServers, ClientID, Property(ies), PropertiesFile, LogFunc,
// RequestTimeout, MaxPollRecords.
func NewPartitionReader(opts ...Opt) (*PartitionReader, error) {
	c := newCfg(opts)
	m, err := c.validate(kindConsumer)
	if err != nil {
		return nil, err
	}
	// A group.id is required by confluent-kafka-go, never used to join.
	var b [8]byte
	_, _ = rand.Read(b[:])
	m["group.id"] = "rql-restore-" + hex.EncodeToString(b[:])
	m["enable.auto.commit"] = false
	m["enable.auto.offset.store"] = false
	m["isolation.level"] = "read_committed"
	m["enable.partition.eof"] = true
	// The end of a partition shows as an empty fetch: do not let the
	// broker hold it (transaction markers at the end are never returned).
	if _, set := m["fetch.wait.max.ms"]; !set {
		m["fetch.wait.max.ms"] = 10
	}
	cons, err := ck.NewConsumer(&m)
	if err != nil {
		return nil, rqlerr.Wrap(rqlerr.KafkaConfig, err, "creating partition reader")
	}
	c.startLogs(cons.Logs())
	return &PartitionReader{c: cons, cfg: c}, nil
}

// Offsets returns the partition's log start offset and its end: under
// read_committed the last stable offset (the first offset of a transaction
// still open, else the high watermark).
func (r *PartitionReader) Offsets(ctx context.Context, topic string, partition int32) (low, high int64, err error) {
	lo, hi, err := r.c.QueryWatermarkOffsets(topic, partition, r.cfg.timeoutMs(ctx))
	if err != nil {
		return 0, 0, classify(err, "reading the offsets of "+topic)
	}
	return lo, hi, nil
}

// Read calls fn for every committed record of topic/partition with
// from <= offset < to, in offset order, and returns how many it read. It
// stops at to, at the partition's end (aborted records and transaction
// markers are skipped, not returned), at fn's first error, or when ctx
// ends (a missing deadline means the request timeout per silent wait).
func (r *PartitionReader) Read(ctx context.Context, topic string, partition int32, from, to int64,
	fn func(*Record) error) (int64, error) {
	if from >= to {
		return 0, nil
	}
	tp := ck.TopicPartition{Topic: &topic, Partition: partition, Offset: ck.Offset(from)}
	if err := r.c.Assign([]ck.TopicPartition{tp}); err != nil {
		return 0, classify(err, "assigning "+topic)
	}
	defer func() { _ = r.c.Unassign() }()
	var n int64
	idle := time.Now()
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		ev := r.c.Poll(int(pollSlice / time.Millisecond))
		switch e := ev.(type) {
		case nil:
			// Control records at the end never show as messages: the
			// position tells that they were passed.
			pos, err := r.c.Position([]ck.TopicPartition{{Topic: &topic, Partition: partition}})
			if err == nil && len(pos) == 1 && int64(pos[0].Offset) >= to {
				return n, nil
			}
			if time.Since(idle) > r.cfg.reqTO {
				return n, rqlerr.New(rqlerr.KafkaRetriable, "reading %s/%d: no progress towards offset %d for %s",
					topic, partition, to, r.cfg.reqTO)
			}
		case *ck.Message:
			if e.TopicPartition.Error != nil {
				err := classify(e.TopicPartition.Error, "reading "+topic)
				if rqlerr.CodeOf(err) != rqlerr.KafkaRetriable {
					return n, err
				}
				continue
			}
			idle = time.Now()
			off := int64(e.TopicPartition.Offset)
			if off >= to {
				return n, nil
			}
			if err := fn(fromMessage(e)); err != nil {
				return n, err
			}
			n++
			if off+1 >= to {
				return n, nil
			}
		case ck.PartitionEOF:
			if int64(e.Offset) >= to || e.Offset < 0 {
				return n, nil
			}
			// The end moved since the caller measured it: keep reading to to.
		case ck.Error:
			if e.IsFatal() {
				return n, classify(e, "reading "+topic)
			}
		}
	}
}

// Close releases the reader. It may be called more than once.
func (r *PartitionReader) Close() {
	if !r.c.IsClosed() {
		_ = r.c.Close()
	}
}
