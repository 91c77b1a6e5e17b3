package engine

import (
	"context"

	"github.com/rql/rql/kafka"
)

// Tasks of sub-topologies that read several topics (joins): one task per
// partition number owns partition p of each input. q.tasks holds it under
// its first input's partition (sub.topic, p), q.route under the others;
// it is created when the first of its partitions is assigned and closed
// when the last is revoked. (The range assignor, which join queries use,
// assigns them together: co-partitioned topics have equal counts.)

// taskOf returns the task that processes records of tp.
func (q *query) taskOf(tp kafka.TopicPartition) *task {
	if t := q.tasks[tp]; t != nil {
		return t
	}
	return q.route[tp]
}

// subOf returns the sub-topology reading topic.
func (q *query) subOf(topic string) *subTopology {
	for _, s := range q.topo.subs {
		if s.readsTopic(topic) {
			return s
		}
	}
	return nil
}

// assignJoin attaches an assigned partition of a join query to its task
// (inside Poll). A stateful task restores on a goroutine: its partitions
// are held until it is built (restore.go).
func (q *query) assignJoin(ctx context.Context, tp kafka.TopicPartition) {
	sub := q.subOf(tp.Topic)
	if sub == nil {
		return
	}
	home := kafka.TopicPartition{Topic: sub.topic, Partition: tp.Partition}
	t := q.tasks[home]
	if r := q.pending[home]; t == nil && r != nil {
		q.holdPart(r, tp)
	} else if t == nil && sub.stateful {
		q.startRestore(ctx, home, tp, sub)
	} else if t == nil {
		var err error
		if t, err = q.newTask(ctx, home, sub); err != nil {
			if q.fatal == nil {
				q.fatal = err
			}
			return
		}
		q.tasks[home] = t
	}
	if t != nil && tp != home {
		if q.route == nil {
			q.route = map[kafka.TopicPartition]*task{}
		}
		q.route[tp] = t
	}
	q.mu.Lock()
	q.taskNames[taskName(tp)] = true
	q.mu.Unlock()
}

// revokeJoin detaches a revoked partition of a join query from its task,
// and closes the task when none of its partitions is left (inside Poll or
// Close).
func (q *query) revokeJoin(ctx context.Context, tp kafka.TopicPartition) {
	sub := q.subOf(tp.Topic)
	if sub == nil {
		return
	}
	home := kafka.TopicPartition{Topic: sub.topic, Partition: tp.Partition}
	delete(q.route, tp)
	q.mu.Lock()
	delete(q.taskNames, taskName(tp))
	held := false
	for _, in := range sub.inputs {
		held = held || q.taskNames[taskName(kafka.TopicPartition{Topic: in, Partition: tp.Partition})]
	}
	q.mu.Unlock()
	if r := q.pending[home]; r != nil && (r.dropPart(tp) || !held) {
		q.stopRestore(r)
	}
	if held {
		return
	}
	if t := q.tasks[home]; t != nil {
		t.close(ctx)
		delete(q.tasks, home)
	}
	for _, in := range sub.inputs {
		delete(q.route, kafka.TopicPartition{Topic: in, Partition: tp.Partition})
	}
}
