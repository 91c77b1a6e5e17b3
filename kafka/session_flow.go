package kafka

import (
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// Flow control and commit positions for runtimes whose operators keep
// work across cycles (asynchronous enrichment: records consumed but whose
// results are not produced yet).

// SetCommitOffset makes End(true) of the open cycle commit off for tp (an
// assigned partition) instead of the offset after the last record Poll
// returned — even when Poll returned no record of tp in this cycle. off
// must not exceed that position. A commit that leaves tp below its
// position records off as tp's floor: when a later cycle aborts, tp is
// rewound to its floor (not only to the first record of that cycle), so
// that the caller, which discards its carried-over work on an abort, gets
// those records again. A commit of tp's position (no SetCommitOffset)
// clears the floor.
func (s *TxnSession) SetCommitOffset(tp TopicPartition, off int64) {
	if s.commitAt == nil {
		s.commitAt = map[TopicPartition]int64{}
	}
	s.commitAt[tp] = off
}

// Pause stops fetching tp's records (Poll returns none of them) until
// Resume: the backpressure of an operator whose buffer is full. Records
// already returned stay the caller's; fetching resumes after the last one.
func (s *TxnSession) Pause(tps ...TopicPartition) error {
	if len(tps) == 0 {
		return nil
	}
	if err := s.c.Pause(toCK(tps)); err != nil {
		return classify(err, "pausing partitions")
	}
	return nil
}

// Resume restarts fetching paused partitions.
func (s *TxnSession) Resume(tps ...TopicPartition) error {
	if len(tps) == 0 {
		return nil
	}
	if err := s.c.Resume(toCK(tps)); err != nil {
		return classify(err, "resuming partitions")
	}
	return nil
}

func toCK(tps []TopicPartition) []ck.TopicPartition {
	out := make([]ck.TopicPartition, len(tps))
	for i, tp := range tps {
		topic := tp.Topic
		out[i] = ck.TopicPartition{Topic: &topic, Partition: tp.Partition}
	}
	return out
}

// committedFloors updates the floors after a successful commit.
func (s *TxnSession) committedFloors() {
	for tp := range s.spans {
		if _, ok := s.commitAt[tp]; !ok {
			delete(s.floor, tp)
		}
	}
	for tp, off := range s.commitAt {
		if !s.assigned[tp] {
			continue
		}
		if s.floor == nil {
			s.floor = map[TopicPartition]int64{}
		}
		s.floor[tp] = off
	}
}

// SetPollWait changes how long Poll waits for records when none are
// ready (PollWait): a runtime with asynchronous work shortens it so that
// it gets back to that work quickly.
func (s *TxnSession) SetPollWait(d time.Duration) { s.cfg.pollWait = d }

// Held partitions: a runtime that must prepare a partition before it
// processes its records (restore a task's state from its changelog) holds
// it from the rebalance callback that assigns it until Release, so that
// Poll keeps running meanwhile (heartbeats, max.poll.interval.ms) while
// nothing of the partition is processed or committed:
//
//   - the rebalance callback assigns the partitions itself and pauses the
//     held ones (confluent-kafka-go does not assign again when the
//     callback did);
//   - a record of a held partition that Poll still returns (fetched before
//     the pause took effect) is not tracked: no End commits an offset of
//     the partition and no abort rewinds it; the caller must skip it;
//     Release seeks the partition back to the first such record;
//   - revoking a held partition drops the hold.

// hold is a held partition; first is the offset of the first record Poll
// returned for it (-1: none).
type hold struct{ first int64 }

// Hold marks tps held. It is called from OnAssigned, for partitions that
// callback is assigning; other calls are ignored.
func (s *TxnSession) Hold(tps ...TopicPartition) {
	for _, tp := range tps {
		if !s.assigned[tp] {
			continue
		}
		if s.held == nil {
			s.held = map[TopicPartition]*hold{}
		}
		if s.held[tp] == nil {
			s.held[tp] = &hold{first: -1}
		}
	}
}

// Held says whether tp is held.
func (s *TxnSession) Held(tp TopicPartition) bool { return s.held[tp] != nil }

// Release ends the hold of tps (those still held): each is rewound to the
// first record Poll returned for it while held, if any, and resumed. It
// is called between Polls.
func (s *TxnSession) Release(tps ...TopicPartition) error {
	var seek, resume []TopicPartition
	var offs []int64
	for _, tp := range tps {
		h := s.held[tp]
		if h == nil {
			continue
		}
		delete(s.held, tp)
		if !s.assigned[tp] {
			continue
		}
		if h.first >= 0 {
			seek, offs = append(seek, tp), append(offs, h.first)
		}
		resume = append(resume, tp)
	}
	if len(seek) > 0 {
		cks := toCK(seek)
		for i := range cks {
			cks[i].Offset = ck.Offset(offs[i])
		}
		res, err := s.c.SeekPartitions(cks)
		if err != nil {
			return s.noteFatal(asFatal(classify(err, "rewinding released partitions")))
		}
		for _, r := range res {
			if r.Error != nil {
				return s.noteFatal(asFatal(classify(r.Error, "rewinding released partitions")))
			}
		}
	}
	return s.Resume(resume...)
}

// skipHeld says whether r's partition is held, noting the first offset
// returned (see Hold); Poll does not track such records.
func (s *TxnSession) skipHeld(tp TopicPartition, off int64) bool {
	h := s.held[tp]
	if h == nil {
		return false
	}
	if h.first < 0 {
		h.first = off
	}
	return true
}

// assignHeld runs at the end of the assignment callback: when the
// callback held some of the assigned partitions, it assigns them itself
// (incrementally under the cooperative protocol, the whole assignment
// under the eager one) and pauses the held ones.
func (s *TxnSession) assignHeld(c *ck.Consumer, parts []ck.TopicPartition) error {
	var held []TopicPartition
	for _, p := range parts {
		if p.Topic == nil {
			continue
		}
		if tp := (TopicPartition{Topic: *p.Topic, Partition: p.Partition}); s.held[tp] != nil {
			held = append(held, tp)
		}
	}
	if len(held) == 0 {
		return nil // confluent-kafka-go assigns
	}
	var err error
	if c.GetRebalanceProtocol() == "COOPERATIVE" {
		err = c.IncrementalAssign(parts)
	} else {
		err = c.Assign(parts)
	}
	if err != nil {
		return asFatal(classify(err, "assigning partitions"))
	}
	// A failed pause only costs fetches: records of held partitions are
	// skipped and fetched again after Release.
	_ = c.Pause(toCK(held))
	return nil
}

// unhold drops the hold of a revoked partition, resuming it so that it is
// not still paused when assigned again.
func (s *TxnSession) unhold(c *ck.Consumer, tp TopicPartition) {
	if s.held[tp] == nil {
		return
	}
	delete(s.held, tp)
	_ = c.Resume(toCK([]TopicPartition{tp}))
}
