package engine

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rql/rql/kafka"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
)

// closeTimeout bounds the final commit and the leaving of the group when
// a query stops and its stop ctx has no deadline.
const closeTimeout = 30 * time.Second

// query is one running persistent query: this engine's member of the
// query's consumer group. Fields below "run goroutine" are used by the
// goroutine running the commit cycle (and the rebalance callbacks it
// runs) only.
type query struct {
	e        *Engine
	id, sql  string
	sink     *planner.Source
	group    string
	topo     *topology
	props    map[string]string
	qc       queryConfig
	outParts map[string]int // partition count of every topic written

	cancel  context.CancelFunc
	done    chan struct{}
	taskCtx context.Context // of the tasks' operators: not cancelled by a stop, which drains them
	stopCtx atomic.Pointer[context.Context]

	// run goroutine
	tasks map[kafka.TopicPartition]*task
	out   []*kafka.Record // outputs of the fetch being processed
	slab  []kafka.Record

	// Results of the tasks, guarded by resMu: outputs not yet produced,
	// records dispatched but not processed, the first task error.
	resMu    sync.Mutex
	idle     *sync.Cond // signalled when inflight drops to 0
	results  []*kafka.Record
	spare    []*kafka.Record
	inflight int64
	workErr  error
	fatal    error // from a rebalance callback
	cycle    int64 // records consumed in the open cycle

	mu        sync.Mutex
	state     QueryState
	err       error
	taskNames map[string]bool

	consumed, produced, committed, aborted, perrors, committedRecs atomic.Int64
}

func (q *query) status() QueryStatus {
	q.mu.Lock()
	defer q.mu.Unlock()
	return QueryStatus{ID: q.id, SQL: q.sql, Sink: q.sink.Name, Group: q.group, State: q.state, Err: q.err,
		Tasks: sortedKeys(q.taskNames), Consumed: q.consumed.Load(), Produced: q.produced.Load(),
		Committed: q.committed.Load(), Aborted: q.aborted.Load(), ProcessingErrors: q.perrors.Load(),
		CommittedRecords: q.committedRecs.Load()}
}

// stop ends the query gracefully (commit, close tasks, leave the group)
// and waits for it, at most until ctx ends.
func (q *query) stop(ctx context.Context) error {
	q.stopCtx.Store(&ctx)
	q.cancel()
	select {
	case <-q.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.state == StateRunning {
		q.state = StateStopped
	}
	if q.state == StateError {
		return nil // reported through Queries, not as a failure to stop
	}
	return nil
}

// finishCtx is the context of the final commit and Close.
func (q *query) finishCtx() (context.Context, context.CancelFunc) {
	ctx := context.Background()
	if p := q.stopCtx.Load(); p != nil {
		ctx = context.WithoutCancel(*p)
		if dl, ok := (*p).Deadline(); ok {
			return context.WithDeadline(ctx, dl)
		}
	}
	return context.WithTimeout(ctx, closeTimeout)
}

// fail stops the query with err, visible in its status.
func (q *query) fail(err error) {
	q.mu.Lock()
	q.state, q.err = StateError, err
	q.mu.Unlock()
	q.e.log.Error("query failed", "query", q.id, "error", err)
}

// run is the commit cycle: Begin → Poll → hand records to the tasks →
// Produce what they output … → (wait for the tasks) End, committing every
// commit interval, until ctx is cancelled (graceful stop) or a fatal error.
// Tasks process on their own goroutines while this one polls and
// produces; before End, every record polled in the cycle has been
// processed and its outputs produced.
func (q *query) run(ctx context.Context, s *kafka.TxnSession) {
	defer close(q.done)
	inTxn := false
	var start time.Time
	err := func() error {
		for {
			if !inTxn {
				if err := s.Begin(); err != nil {
					return err
				}
				inTxn, start, q.cycle = true, time.Now(), 0
			}
			f, err := s.Poll(ctx)
			if err != nil {
				return err
			}
			if q.fatal != nil {
				return q.fatal
			}
			for _, fe := range f.Errors {
				q.e.log.Debug("fetch error", "query", q.id, "topic", fe.Topic, "partition", fe.Partition, "error", fe.Err)
			}
			q.dispatch(f.Records)
			// Commit every interval, and at once when the input is idle
			// (nothing fetched): no reason to hold results back then.
			end := time.Since(start) >= q.qc.interval || (len(f.Records) == 0 && q.cycle > 0)
			if end {
				q.barrier()
			}
			if err := q.produce(ctx, s); err != nil {
				return err
			}
			if end {
				inTxn = false
				if err := q.end(ctx, s, true); err != nil {
					return err
				}
			}
		}
	}()
	fctx, cancel := q.finishCtx()
	defer cancel()
	graceful := errors.Is(err, context.Canceled) && ctx.Err() != nil
	if !graceful {
		q.fail(err)
	}
	q.barrier()
	if inTxn && !errors.Is(err, rqlerr.KafkaFatal) {
		// Commit what was processed (graceful) or abort it (failure).
		if graceful {
			if perr := q.produce(fctx, s); perr != nil {
				graceful = false
				q.fail(perr)
			}
		}
		if eerr := q.end(fctx, s, graceful); eerr != nil && graceful {
			q.fail(eerr)
		}
	}
	if cerr := s.Close(fctx); cerr != nil && graceful {
		q.e.log.Warn("closing query session", "query", q.id, "error", cerr)
	}
	q.closeTasks(fctx)
}

// produce hands the tasks' outputs so far to the session, and returns the
// first error of a task.
func (q *query) produce(ctx context.Context, s *kafka.TxnSession) error {
	q.resMu.Lock()
	out, werr := q.results, q.workErr
	q.results = q.spare[:0]
	q.resMu.Unlock()
	if werr != nil {
		return werr
	}
	if len(out) > 0 {
		if err := s.Produce(ctx, out...); err != nil {
			return err
		}
		q.produced.Add(int64(len(out)))
	}
	clear(out)
	q.spare = out[:0]
	return nil
}

// end ends the open cycle. An aborted cycle (rebalance, abortable error)
// is not an error: the session rewound and the records come again. Only
// a fatal error is returned.
func (q *query) end(ctx context.Context, s *kafka.TxnSession, commit bool) error {
	committed, err := s.End(ctx, commit)
	switch {
	case committed:
		q.committed.Add(1)
		q.committedRecs.Add(q.cycle)
	default:
		q.aborted.Add(1)
	}
	q.cycle = 0
	if err != nil {
		if errors.Is(err, rqlerr.KafkaFatal) || errors.Is(err, context.Canceled) {
			return err
		}
		q.e.log.Warn("cycle aborted", "query", q.id, "error", err)
	}
	return nil
}

// dispatch hands a fetch's records to the tasks of their partitions, a
// run of consecutive records of one partition at a time, in order.
// Records of a partition without a task (revoked within this Poll) are
// skipped: the session will not commit this cycle.
func (q *query) dispatch(recs []*kafka.Record) {
	for i := 0; i < len(recs); {
		tp := kafka.TopicPartition{Topic: recs[i].Topic, Partition: recs[i].Partition}
		j := i + 1
		for j < len(recs) && recs[j].Partition == tp.Partition && recs[j].Topic == tp.Topic {
			j++
		}
		if t := q.tasks[tp]; t != nil {
			n := int64(j - i)
			q.resMu.Lock()
			q.inflight += n
			q.resMu.Unlock()
			q.consumed.Add(n)
			q.cycle += n
			t.work <- recs[i:j]
		}
		i = j
	}
}

// deliver is called by a task when it processed n records: their outputs
// join the query's results (in the task's order) and a failure is kept.
func (q *query) deliver(out []*kafka.Record, err error, n int64) {
	q.resMu.Lock()
	q.results = append(q.results, out...)
	if err != nil && q.workErr == nil {
		q.workErr = err
	}
	q.inflight -= n
	if q.inflight == 0 {
		q.idle.Broadcast()
	}
	q.resMu.Unlock()
}

// barrier waits until the tasks processed every record dispatched.
func (q *query) barrier() {
	q.resMu.Lock()
	for q.inflight > 0 {
		q.idle.Wait()
	}
	q.resMu.Unlock()
}

func taskName(tp kafka.TopicPartition) string {
	return tp.Topic + "/" + strconv.Itoa(int(tp.Partition))
}

// onAssigned creates a task per assigned partition (inside Poll).
func (q *query) onAssigned(ctx context.Context, parts []kafka.TopicPartition) {
	for _, tp := range parts {
		if q.tasks[tp] != nil {
			continue
		}
		var sub *subTopology
		for _, s := range q.topo.subs {
			if s.topic == tp.Topic {
				sub = s
			}
		}
		if sub == nil {
			continue
		}
		t, err := q.newTask(ctx, tp, sub)
		if err != nil {
			if q.fatal == nil {
				q.fatal = err
			}
			continue
		}
		t.start(q.taskCtx)
		q.tasks[tp] = t
		q.mu.Lock()
		q.taskNames[taskName(tp)] = true
		q.mu.Unlock()
	}
	q.e.log.Info("partitions assigned", "query", q.id, "partitions", len(parts))
}

// onRevoked closes the tasks of revoked partitions (inside Poll or Close).
func (q *query) onRevoked(ctx context.Context, parts []kafka.TopicPartition, lost bool) {
	q.barrier()
	for _, tp := range parts {
		if t := q.tasks[tp]; t != nil {
			t.close(ctx)
			delete(q.tasks, tp)
		}
		q.mu.Lock()
		delete(q.taskNames, taskName(tp))
		q.mu.Unlock()
	}
	q.e.log.Info("partitions revoked", "query", q.id, "partitions", len(parts), "lost", lost)
}

func (q *query) closeTasks(ctx context.Context) {
	q.barrier()
	for tp, t := range q.tasks {
		t.close(ctx)
		delete(q.tasks, tp)
	}
	q.mu.Lock()
	clear(q.taskNames)
	q.mu.Unlock()
}
