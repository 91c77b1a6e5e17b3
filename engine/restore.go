package engine

import (
	"context"
	"errors"
	"runtime"

	"github.com/rql/rql/kafka"
)

// Restoring outside the rebalance callback (as Kafka Streams does). A
// long restore inside the callback would block Poll past
// max.poll.interval.ms and get the member kicked out of the group, so:
//
//   - onAssigned (inside Poll) builds stateless tasks at once, but for a
//     stateful one it starts the restore on a goroutine (restoring) and
//     holds its partitions in the session (kafka.TxnSession.Hold): any
//     record of them Poll returns is neither processed (no task: process
//     skips it) nor tracked for the commit, and the first one pauses the
//     partition (not the assignment itself: see kafka/session_flow.go on
//     librdkafka's start offset lookup);
//   - the run loop keeps polling (heartbeats, max.poll.interval.ms) and
//     processing the other partitions; between Polls, adoptRestored
//     builds the task of every finished restore and releases its
//     partitions (rewound to the first record returned while held, and
//     resumed; untouched when none was), so the task joins the open cycle
//     before any of its records is processed;
//   - a revocation (or Close) cancels a restore and waits for it; its
//     database keeps the checkpoint of the last batch applied, so the
//     next restore of the partition resumes there.
//
// At most max(2, NumCPU) restores of a query run at once; each reads with
// a PartitionReader of its own (the query's reader
// belongs to the run goroutine) and reports progress through
// restoreBegin/step/end (RESTORING in the query status, DESCRIBE
// EXTENDED). Join tasks (several input partitions, all held) and tasks
// whose asynchronous enrichment keeps its checkpoint in state restore the
// same way: the build, which reads that checkpoint, runs after the
// restore, on the run goroutine.

// restoring is a stateful task whose state is being restored.
type restoring struct {
	home  kafka.TopicPartition   // the task's key in query.tasks
	sub   *subTopology           // its sub-topology
	parts []kafka.TopicPartition // its partitions held in the session
	// cancel stops the restore; done is closed when the goroutine ended,
	// with st (the restored state) or err set.
	cancel context.CancelFunc
	done   chan struct{}
	st     *taskState
	err    error
}

// startRestore starts restoring the state of task home of sub on a
// goroutine and holds tp (one of the task's partitions) in the session.
// It runs inside onAssigned.
func (q *query) startRestore(ctx context.Context, home, tp kafka.TopicPartition, sub *subTopology) {
	rctx, cancel := context.WithCancel(ctx)
	r := &restoring{home: home, sub: sub, cancel: cancel, done: make(chan struct{})}
	if q.pending == nil {
		q.pending = map[kafka.TopicPartition]*restoring{}
	}
	q.pending[home] = r
	q.holdPart(r, tp)
	if q.restoreSlots == nil {
		q.restoreSlots = make(chan struct{}, max(2, runtime.NumCPU()))
	}
	slots := q.restoreSlots
	go func() {
		defer close(r.done)
		select { // bounded concurrency: each restore is a reader and a RocksDB writer
		case slots <- struct{}{}:
			defer func() { <-slots }()
		case <-rctx.Done():
			r.err = rctx.Err()
			return
		}
		rd, err := kafka.NewPartitionReader(append(q.e.clientOpts(), kafka.MaxPollRecords(10000))...)
		if err != nil {
			r.err = err
			return
		}
		defer rd.Close()
		r.st, r.err = q.openTaskState(rctx, sub, home.Partition, rd)
	}()
}

// holdPart adds tp to r's partitions and holds it in the session.
func (q *query) holdPart(r *restoring, tp kafka.TopicPartition) {
	r.parts = append(r.parts, tp)
	q.sess.Hold(tp)
}

// stopRestore cancels r, waits for its goroutine and closes what it
// restored (inside onRevoked, closeTasks).
func (q *query) stopRestore(r *restoring) {
	r.cancel()
	<-r.done
	if r.st != nil {
		r.st.close()
		r.st = nil
	}
	delete(q.pending, r.home)
}

// dropPart removes tp from r's partitions; it reports whether none is
// left.
func (r *restoring) dropPart(tp kafka.TopicPartition) bool {
	for i, p := range r.parts {
		if p == tp {
			r.parts = append(r.parts[:i:i], r.parts[i+1:]...)
			break
		}
	}
	return len(r.parts) == 0
}

// adoptRestored builds the task of every finished restore and releases
// its partitions; it runs between Polls. A failed restore fails the
// query, as a failed build does.
func (q *query) adoptRestored(ctx context.Context, s *kafka.TxnSession) error {
	for home, r := range q.pending {
		select {
		case <-r.done:
		default:
			continue
		}
		delete(q.pending, home)
		r.cancel()
		if r.err != nil {
			if errors.Is(r.err, context.Canceled) && ctx.Err() != nil {
				return ctx.Err()
			}
			return r.err
		}
		t, err := q.buildTask(ctx, home, r.sub, r.st)
		r.st = nil
		if err != nil {
			return err
		}
		q.tasks[home] = t
		for _, tp := range r.parts {
			if tp == home {
				continue
			}
			if q.route == nil {
				q.route = map[kafka.TopicPartition]*task{}
			}
			q.route[tp] = t
		}
		if err := s.Release(r.parts...); err != nil {
			return err
		}
		q.e.log.Info("task ready", "query", q.id, "task", taskName(home), "partitions", len(r.parts))
	}
	return nil
}

// stopRestores cancels every restore in progress (closeTasks).
func (q *query) stopRestores() {
	for _, r := range q.pending {
		q.stopRestore(r)
	}
}

// testHooks lets this package's tests observe the restore machinery
// deterministically; they come with the context the query was started
// with (withTestHooks), never in production.
type testHooks struct {
	// restore runs on a restore's goroutine before it reads changelog
	// name ("topic/partition"); an error stops the restore.
	restore func(ctx context.Context, name string) error
	// polled runs on the run goroutine after every Poll.
	polled func(s *kafka.TxnSession)
}

type testHooksKey struct{}

func withTestHooks(ctx context.Context, h *testHooks) context.Context {
	return context.WithValue(ctx, testHooksKey{}, h)
}

func hooksOf(ctx context.Context) *testHooks {
	h, _ := ctx.Value(testHooksKey{}).(*testHooks)
	return h
}
