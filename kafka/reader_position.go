package kafka

import (
	"context"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// CaughtUp reports whether the Reader has read every partition up to the
// end it had when Ends measured it: its position (the next offset it will
// return, past any transaction markers) is at least that end. The global
// tables of the runtime bootstrap with it: read to the end, then follow.
func (r *Reader) CaughtUp(ends map[int32]int64) (bool, error) {
	tps := make([]ck.TopicPartition, 0, len(ends))
	for p := range ends {
		tps = append(tps, ck.TopicPartition{Topic: &r.topic, Partition: p})
	}
	pos, err := r.c.Position(tps)
	if err != nil {
		return false, classify(err, "reading the position in "+r.topic)
	}
	for _, tp := range pos {
		end := ends[tp.Partition]
		if tp.Offset < 0 || int64(tp.Offset) < end {
			return false, nil
		}
	}
	return true, nil
}

// Ends returns the end offset of each non-empty partition read (empty
// ones have nothing to catch up with and are left out).
func (r *Reader) Ends(ctx context.Context) (map[int32]int64, error) {
	out := make(map[int32]int64, len(r.parts))
	for _, p := range r.parts {
		lo, hi, err := r.c.QueryWatermarkOffsets(r.topic, p, r.cfg.timeoutMs(ctx))
		if err != nil {
			return nil, classify(err, "reading the offsets of "+r.topic)
		}
		if hi > lo {
			out[p] = hi
		}
	}
	return out, nil
}

// Positions returns the position of each partition read (the next offset
// it will return, past any transaction markers), leaving out partitions
// whose position is not known yet.
func (r *Reader) Positions() (map[int32]int64, error) {
	tps := make([]ck.TopicPartition, 0, len(r.parts))
	for _, p := range r.parts {
		tps = append(tps, ck.TopicPartition{Topic: &r.topic, Partition: p})
	}
	pos, err := r.c.Position(tps)
	if err != nil {
		return nil, classify(err, "reading the position in "+r.topic)
	}
	out := make(map[int32]int64, len(pos))
	for _, tp := range pos {
		if tp.Offset >= 0 {
			out[tp.Partition] = int64(tp.Offset)
		}
	}
	return out, nil
}
