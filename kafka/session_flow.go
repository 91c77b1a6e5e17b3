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
//   - a record of a held partition that Poll returns is not tracked: no
//     End commits an offset of the partition and no abort rewinds it; the
//     caller must skip it. The first such record pauses the partition
//     (no more fetches while it is held) and Release seeks the partition
//     back to it and resumes it;
//   - a held partition of which Poll returned nothing is neither paused
//     nor resumed nor sought: Release leaves it alone, and its first
//     records come after Release;
//   - revoking a held partition drops the hold.
//
// Why not pause the partition as it is assigned: a partition without a
// committed offset starts at a logical offset (auto.offset.reset) that
// librdkafka looks up with a ListOffsets request. Every pause, resume or
// seek bumps the partition's op version in librdkafka; a ListOffsets reply
// of an older version is dropped as outdated and re-arms librdkafka's
// offset-query timer, which the reply of the current version does not
// stop. 500 ms later the timer looks the logical offset up again and sets
// the next fetch position to it, and the next pause/resume or seek makes
// the fetcher start there: a partition whose hold was released while its
// start offset was being looked up was delivered again from its first
// record, after its offsets were committed (see
// TestReleaseWhileStartOffsetIsLookedUp). The first record returned
// proves the lookup done, so pausing and seeking from then on is safe.

// hold is a held partition; first is the offset of the first record Poll
// returned for it (-1: none), paused says the session paused it then.
type hold struct {
	first  int64
	paused bool
}

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

// Release ends the hold of tps (those still held): each of which Poll
// returned records while held is rewound to the first of them and
// resumed; the others are left as they are (see Hold). It is called
// between Polls.
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
		if h.paused {
			resume = append(resume, tp)
		}
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

// skipHeld says whether r's partition is held; at the first record
// returned for it, it notes the offset and pauses the partition (see
// Hold). Poll does not track such records.
func (s *TxnSession) skipHeld(tp TopicPartition, off int64) bool {
	h := s.held[tp]
	if h == nil {
		return false
	}
	if h.first < 0 {
		h.first = off
		// A failed pause only costs fetches: records of a held partition
		// are skipped and fetched again after Release.
		h.paused = s.c.Pause(toCK([]TopicPartition{tp})) == nil
	}
	return true
}

// unhold drops the hold of a revoked partition, resuming it if the
// session paused it, so that it is not still paused when assigned again.
func (s *TxnSession) unhold(c *ck.Consumer, tp TopicPartition) {
	h := s.held[tp]
	if h == nil {
		return
	}
	delete(s.held, tp)
	if h.paused {
		_ = c.Resume(toCK([]TopicPartition{tp}))
	}
}
