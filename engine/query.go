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

	// changelogs are the state tables of the stateful sub-topology and
	// their topics; internal lists every internal topic (deleted with the
	// query by TERMINATE / DROP).
	changelogs []changelog
	internal   []string

	cancel  context.CancelFunc
	done    chan struct{}
	stopCtx atomic.Pointer[context.Context]

	// run goroutine
	tasks map[kafka.TopicPartition]*task
	out   []*kafka.Record // outputs of the fetch being processed
	slab  []kafka.Record
	busy  []*task // tasks with records in the fetch being processed
	fatal error   // from a rebalance callback
	cycle int64   // records consumed in the open cycle
	// A query without asynchronous enrichment processes and produces a
	// fetch (its stage) beside the Poll of the next one (see run): staging
	// is set while a stage runs, stageCh receives its result, stageErr
	// keeps the first failure until the run loop takes it (settle). While
	// staging, out, busy, cycle, the consumed count and the tasks'
	// processing state belong to the stage.
	hasAsync bool
	staging  bool
	stageCh  chan error
	stageErr error
	// cycleFailed: processing or producing a fetch of the open cycle
	// failed (a stop's cancellation included); the cycle never commits.
	cycleFailed bool
	// reader restores task state and measures changelog ends (created on
	// first use); stateFailed is set when applying committed state failed:
	// no checkpoint may be stored after that.
	reader      *kafka.PartitionReader
	stateFailed bool
	clog        []*kafka.Record
	// enrichDrain: commits drain enrichment calls (rql.enrich.commit);
	// pollWait is the session's configured poll wait (enrich.go).
	enrichDrain bool
	pollWait    time.Duration
	// multiState marks a query (not cut as joins are) with several stateful
	// sub-topologies: each restores its own changelogs (openTaskState).
	multiState bool
	// stores are the tasks' databases, for pull queries (pull.go).
	stores pullStores
	// route maps the other input partitions of multi-input tasks (joins)
	// to their task, which tasks holds under its first input's partition
	// (join_start.go); glob is the replica of the global tables the query
	// joins (global.go; nil without).
	route map[kafka.TopicPartition]*task
	glob  *globalTables
	// sess is the query's session (set when run starts); pending are the
	// stateful tasks whose state is being restored, by their key in tasks
	// (restore.go).
	sess         *kafka.TxnSession
	pending      map[kafka.TopicPartition]*restoring
	restoreSlots chan struct{}

	mu        sync.Mutex
	state     QueryState
	err       error
	taskNames map[string]bool

	consumed, produced, committed, aborted, perrors, committedRecs, restored atomic.Int64

	m queryMetrics // runtime figures (metrics.go)
}

func (q *query) status() QueryStatus {
	st := q.lockedStatus()
	q.m.fill(&st)
	return st
}

func (q *query) lockedStatus() QueryStatus {
	q.mu.Lock()
	defer q.mu.Unlock()
	return QueryStatus{ID: q.id, SQL: q.sql, Sink: q.sink.Name, Group: q.group, State: q.state, Err: q.err,
		Tasks: sortedKeys(q.taskNames), Consumed: q.consumed.Load(), Produced: q.produced.Load(),
		Committed: q.committed.Load(), Aborted: q.aborted.Load(), ProcessingErrors: q.perrors.Load(),
		CommittedRecords: q.committedRecs.Load(), Restored: q.restored.Load(), StateTopics: q.internal}
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

// run is the commit cycle: Begin → Poll → process → Produce … → End,
// committing every commit interval, until ctx is cancelled (graceful stop)
// or a fatal error. Without asynchronous enrichment a fetch is processed
// and produced (startStage) while the next Poll runs, which takes the
// librdkafka consume path (≈ half the loop's time) off the processing's
// critical path; every other step waits for the stage first.
func (q *query) run(ctx context.Context, s *kafka.TxnSession) {
	defer close(q.done)
	q.sess = s
	hooks := hooksOf(ctx)
	inTxn := false
	var start time.Time
	err := func() error {
		if err := q.glob.start(ctx); err != nil { // global.go: read to the end first
			return err
		}
		for {
			if !inTxn {
				if err := s.Begin(); err != nil {
					return err
				}
				inTxn, start, q.cycle, q.cycleFailed = true, time.Now(), 0, false
			}
			if len(q.pending) > 0 {
				// Tasks whose restore finished join the open cycle
				// before any of their records is polled (restore.go).
				if err := q.settle(); err != nil {
					return err
				}
				if err := q.adoptRestored(ctx, s); err != nil {
					return err
				}
			}
			f, err := s.Poll(ctx) // beside the previous fetch's stage
			if serr := q.settle(); serr != nil {
				return serr
			}
			if err != nil {
				return err
			}
			if hooks != nil && hooks.polled != nil {
				hooks.polled(s)
			}
			if q.fatal != nil {
				return q.fatal
			}
			for _, fe := range f.Errors {
				q.e.log.Debug("fetch error", "query", q.id, "topic", fe.Topic, "partition", fe.Partition, "error", fe.Err)
			}
			if err := q.glob.follow(ctx); err != nil {
				return err
			}
			asyncBusy := false
			switch {
			case !q.hasAsync && len(f.Records) > 0:
				q.startStage(ctx, s, f.Records)
			case !q.hasAsync:
				// Outputs of the run loop itself (the processing log of a
				// global table's poison records, global.go).
				if err := q.produceOut(ctx, s.Produce); err != nil {
					q.cycleFailed = true
					return err
				}
			default:
				if err := q.process(ctx, f.Records); err != nil {
					q.cycleFailed = true
					return err
				}
				if asyncBusy, err = q.asyncFlow(s); err != nil {
					return err
				}
				if err := q.produceOut(ctx, s.Produce); err != nil {
					q.cycleFailed = true
					return err
				}
			}
			// Commit every interval, and at once when the input is idle
			// (nothing fetched): no reason to hold results back then.
			due := time.Since(start) >= q.qc.interval
			if due || len(f.Records) == 0 {
				if err := q.settle(); err != nil {
					return err
				}
				if due || (q.cycle > 0 && !asyncBusy) {
					inTxn = false
					if err := q.end(ctx, s, true); err != nil {
						return err
					}
				}
			}
			q.sample(ctx, s)
		}
	}()
	if serr := q.settle(); serr != nil && err == nil {
		err = serr
	}
	fctx, cancel := q.finishCtx()
	defer cancel()
	graceful := errors.Is(err, context.Canceled) && ctx.Err() != nil
	if !graceful {
		q.fail(err)
	}
	if inTxn && !errors.Is(err, rqlerr.KafkaFatal) {
		// Commit what was processed (graceful) or abort it (failure).
		if eerr := q.end(fctx, s, graceful); eerr != nil && graceful {
			q.fail(eerr)
		}
	}
	if cerr := s.Close(fctx); cerr != nil && graceful {
		q.e.log.Warn("closing query session", "query", q.id, "error", cerr)
	}
	q.closeTasks(fctx)
	q.glob.close()
	if q.reader != nil {
		q.reader.Close()
	}
}

// restoreReader returns the query's partition reader.
func (q *query) restoreReader() (*kafka.PartitionReader, error) {
	if q.reader != nil {
		return q.reader, nil
	}
	r, err := kafka.NewPartitionReader(append(q.e.clientOpts(), kafka.MaxPollRecords(10000))...)
	if err != nil {
		return nil, err
	}
	q.reader = r
	return r, nil
}

// end ends the open cycle. An aborted cycle (rebalance, abortable error)
// is not an error: the session rewound and the records come again. Only
// a fatal error is returned.
//
// State: before a commit, the tasks' pending state writes are produced to
// their changelogs in the transaction; after it committed they are applied
// to RocksDB (with the changelog checkpoints); after an abort they are
// dropped and the tasks that processed records rebuild their operators
// from the committed state.
func (q *query) end(ctx context.Context, s *kafka.TxnSession, commit bool) error {
	q.awaitStage()
	if q.cycleFailed {
		// A fetch was not wholly processed and produced (its stop's
		// cancellation included): its offsets must not commit.
		commit = false
	}
	if commit {
		if err := q.asyncCommit(ctx, s); err != nil {
			return err
		}
		if err := q.produceChangelogs(ctx, s); err != nil {
			if errors.Is(err, rqlerr.KafkaFatal) || rqlerr.CodeOf(err) == rqlerr.BUG {
				return err
			}
			q.e.log.Warn("producing changelogs", "query", q.id, "error", err)
			commit = false
		}
	}
	committed, err := q.endCycle(ctx, s, commit)
	switch {
	case committed:
		q.committed.Add(1)
		q.committedRecs.Add(q.cycle)
	default:
		q.aborted.Add(1)
	}
	q.cycle = 0
	if aerr := q.asyncEnd(ctx, s, committed); aerr != nil {
		return aerr
	}
	if serr := q.endState(ctx, committed); serr != nil {
		return serr
	}
	if err != nil {
		if errors.Is(err, rqlerr.KafkaFatal) || errors.Is(err, context.Canceled) {
			return err
		}
		q.e.log.Warn("cycle aborted", "query", q.id, "error", err)
	}
	return nil
}

// produceChangelogs produces every task's pending state writes to the
// changelog topics in the open transaction.
func (q *query) produceChangelogs(ctx context.Context, s *kafka.TxnSession) error {
	out := q.clog[:0]
	for _, t := range q.tasks {
		if t.st == nil || t.st.txn.Len() == 0 {
			continue
		}
		var err error
		if out, err = t.st.changelogRecords(out); err != nil {
			return err
		}
	}
	if len(out) == 0 {
		return nil
	}
	err := s.Produce(ctx, out...)
	clear(out)
	q.clog = out[:0]
	return err
}

// endState applies (committed) or drops (aborted) the tasks' pending
// state writes; a failure to apply is fatal for the query.
func (q *query) endState(ctx context.Context, committed bool) error {
	for _, t := range q.tasks {
		dirty := t.dirty
		t.dirty = false
		if t.st == nil {
			continue
		}
		if !committed {
			if dirty || t.st.txn.Len() > 0 {
				if err := t.reset(ctx); err != nil {
					q.stateFailed = true
					return err
				}
			}
			continue
		}
		if err := t.st.apply(); err != nil {
			q.stateFailed = true
			return err
		}
		if time.Since(t.st.measured) >= checkpointEvery {
			if err := q.measure(ctx, t.st); err != nil {
				q.e.log.Warn("storing the state checkpoint", "query", q.id, "partition", t.tp.Partition, "error", err)
			}
		}
	}
	return nil
}

// process pushes a fetch's records through the tasks of their partitions
// — concurrently when several tasks have records, each on its own
// goroutine — then gathers their outputs in task order. Records of a
// partition without a task are skipped: revoked within this Poll (the
// session will not commit this cycle), or held while its task restores
// (the session does not track them and rewinds the partition to them when
// it is released: restore.go).
func (q *query) process(ctx context.Context, recs []*kafka.Record) error {
	busy := q.busy[:0]
	for i := 0; i < len(recs); {
		tp := kafka.TopicPartition{Topic: recs[i].Topic, Partition: recs[i].Partition}
		j := i + 1
		for j < len(recs) && recs[j].Partition == tp.Partition && recs[j].Topic == tp.Topic {
			j++
		}
		if t := q.taskOf(tp); t != nil {
			if len(t.recs) == 0 {
				busy = append(busy, t)
			}
			t.recs = append(t.recs, recs[i:j]...)
		}
		i = j
	}
	busy = q.asyncReady(busy)
	q.busy = busy
	switch len(busy) {
	case 0:
		return nil
	case 1:
		busy[0].process(ctx)
	default:
		var wg sync.WaitGroup
		for _, t := range busy[1:] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				t.process(ctx)
			}()
		}
		busy[0].process(ctx)
		wg.Wait()
	}
	var first error
	for _, t := range busy {
		if t.err != nil && first == nil {
			first = t.err
		}
		n := int64(len(t.recs))
		q.consumed.Add(n)
		q.cycle += n
		q.out = append(q.out, t.out...)
		clear(t.recs)
		t.recs, t.err = t.recs[:0], nil
		clear(t.out)
		t.out = t.out[:0]
	}
	clear(q.busy)
	return first
}

// startStage processes recs and produces their outputs on a goroutine,
// beside the run loop's next Poll (nothing for no records). The run loop
// settles the stage before it touches the tasks or the session otherwise:
// after that Poll, before a commit and when it stops; the rebalance
// callbacks Poll runs wait for it first (awaitStage).
func (q *query) startStage(ctx context.Context, s *kafka.TxnSession, recs []*kafka.Record) {
	if len(recs) == 0 {
		return
	}
	if q.stageCh == nil {
		q.stageCh = make(chan error, 1)
	}
	q.staging = true
	go func() {
		err := q.process(ctx, recs)
		if err == nil {
			err = q.produceOut(ctx, s.ProduceBeside)
		}
		q.stageCh <- err
	}()
}

// awaitStage waits for the running stage, keeping its error for settle.
func (q *query) awaitStage() {
	if !q.staging {
		return
	}
	if err := <-q.stageCh; err != nil {
		q.cycleFailed = true
		if q.stageErr == nil {
			q.stageErr = err
		}
	}
	q.staging = false
}

// settle waits for the running stage and returns (once) the first error of
// the stages since the last settle.
func (q *query) settle() error {
	q.awaitStage()
	err := q.stageErr
	q.stageErr = nil
	return err
}

// produceOut produces the outputs of the processed fetch with produce.
func (q *query) produceOut(ctx context.Context, produce func(context.Context, ...*kafka.Record) error) error {
	if len(q.out) == 0 {
		return nil
	}
	if err := produce(ctx, q.out...); err != nil {
		return err
	}
	q.produced.Add(int64(len(q.out)))
	clear(q.out)
	q.out = q.out[:0]
	return nil
}

func taskName(tp kafka.TopicPartition) string {
	return tp.Topic + "/" + strconv.Itoa(int(tp.Partition))
}

// onAssigned creates a task per assigned partition (inside Poll); a
// stateful task restores its state on a goroutine meanwhile, its
// partition held in the session (restore.go).
func (q *query) onAssigned(ctx context.Context, parts []kafka.TopicPartition) {
	q.awaitStage()
	for _, tp := range parts {
		if q.topo.joins {
			q.assignJoin(ctx, tp) // join_start.go
			continue
		}
		if q.tasks[tp] != nil || q.pending[tp] != nil {
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
		if sub.stateful {
			q.startRestore(ctx, tp, tp, sub)
			q.mu.Lock()
			q.taskNames[taskName(tp)] = true
			q.mu.Unlock()
			continue
		}
		t, err := q.newTask(ctx, tp, sub)
		if err != nil {
			if q.fatal == nil {
				q.fatal = err
			}
			continue
		}
		q.tasks[tp] = t
		q.mu.Lock()
		q.taskNames[taskName(tp)] = true
		q.mu.Unlock()
	}
	q.e.log.Info("partitions assigned", "query", q.id, "partitions", len(parts))
}

// onRevoked closes the tasks of revoked partitions (inside Poll or Close).
func (q *query) onRevoked(ctx context.Context, parts []kafka.TopicPartition, lost bool) {
	q.awaitStage()
	for _, tp := range parts {
		if q.topo.joins {
			q.revokeJoin(ctx, tp) // join_start.go
		} else if t := q.tasks[tp]; t != nil {
			t.close(ctx)
			delete(q.tasks, tp)
		} else if r := q.pending[tp]; r != nil {
			q.stopRestore(r)
		}
		q.mu.Lock()
		delete(q.taskNames, taskName(tp))
		q.mu.Unlock()
	}
	q.e.log.Info("partitions revoked", "query", q.id, "partitions", len(parts), "lost", lost)
}

func (q *query) closeTasks(ctx context.Context) {
	q.awaitStage()
	q.stopRestores()
	for tp, t := range q.tasks {
		t.close(ctx)
		delete(q.tasks, tp)
	}
	q.mu.Lock()
	clear(q.taskNames)
	q.mu.Unlock()
}
