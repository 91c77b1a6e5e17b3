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
