package kafka

import (
	"context"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// Where a session stands in its partitions, for lag metrics. Like the rest
// of TxnSession, these methods belong to the goroutine running the cycle.

// PartitionPosition is the consumer's local view of one assigned
// partition: no request goes to the broker to read it.
type PartitionPosition struct {
	TopicPartition
	// Position is the offset after the last record Poll returned (-1
	// when none was returned since the partition was assigned or
	// rewound).
	Position int64
	// Low and High are the partition's first and end offsets as the
	// consumer's fetches last saw them (under read_committed the end is
	// the last stable offset); -1 when not known yet.
	Low, High int64
}

// Positions returns the local position and watermarks of every assigned
// partition (librdkafka's Position and cached GetWatermarkOffsets: cheap,
// no broker round trip).
func (s *TxnSession) Positions() []PartitionPosition {
	if s.closed || len(s.assigned) == 0 {
		return nil
	}
	tps := make([]TopicPartition, 0, len(s.assigned))
	for tp := range s.assigned {
		tps = append(tps, tp)
	}
	out := make([]PartitionPosition, len(tps))
	for i, tp := range tps {
		out[i] = PartitionPosition{TopicPartition: tp, Position: -1, Low: -1, High: -1}
		if lo, hi, err := s.c.GetWatermarkOffsets(tp.Topic, tp.Partition); err == nil {
			out[i].Low, out[i].High = validOffset(lo), validOffset(hi)
		}
	}
	if pos, err := s.c.Position(toCK(tps)); err == nil {
		for i, p := range pos {
			if i < len(out) && p.Error == nil {
				out[i].Position = validOffset(int64(p.Offset))
			}
		}
	}
	return out
}

// PendingCommits returns the offsets End(true) would commit now: for
// every assigned partition with records returned since the last End (or
// a SetCommitOffset), the offset committed for it.
func (s *TxnSession) PendingCommits() map[TopicPartition]int64 {
	offs := s.offsets()
	if len(offs) == 0 {
		return nil
	}
	out := make(map[TopicPartition]int64, len(offs))
	for _, o := range offs {
		out[TopicPartition{Topic: *o.Topic, Partition: o.Partition}] = int64(o.Offset)
	}
	return out
}

// Committed reads the consumer group's committed offsets of tps from the
// broker (one request; -1 for a partition without a committed offset).
func (s *TxnSession) Committed(ctx context.Context, tps ...TopicPartition) (map[TopicPartition]int64, error) {
	if len(tps) == 0 {
		return nil, nil
	}
	if err := s.usable(); err != nil {
		return nil, err
	}
	res, err := s.c.Committed(toCK(tps), s.cfg.timeoutMs(ctx))
	if err != nil {
		return nil, classify(err, "reading committed offsets")
	}
	out := make(map[TopicPartition]int64, len(res))
	for _, r := range res {
		if r.Topic == nil || r.Error != nil {
			continue
		}
		out[TopicPartition{Topic: *r.Topic, Partition: r.Partition}] = validOffset(int64(r.Offset))
	}
	return out, nil
}

// validOffset maps librdkafka's logical offsets (OffsetInvalid, ...) to -1.
func validOffset(o int64) int64 {
	if o < 0 || o == int64(ck.OffsetInvalid) {
		return -1
	}
	return o
}

// Returned returns, for every assigned partition with records returned by
// Poll since the last End, the offset after the last of them.
func (s *TxnSession) Returned() map[TopicPartition]int64 {
	if len(s.spans) == 0 {
		return nil
	}
	out := make(map[TopicPartition]int64, len(s.spans))
	for tp, sp := range s.spans {
		if s.assigned[tp] {
			out[tp] = sp.next
		}
	}
	return out
}
