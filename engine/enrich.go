package engine

import (
	"context"
	"encoding/binary"
	"strings"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/exec/asyncio"
	"github.com/rql/rql/exec/build"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
)

// Asynchronous enrichment (ENRICH USING ASYNC) on the Kafka runtime; see
// doc.go "Enrichment" and docs/enrichment.md. The operators of a task
// (build.AsyncEnrich) keep calls in flight across fetches and commits:
//
//   - the task pushes records only while its operator has free slots; the
//     rest wait in the task's backlog (one queue per input topic); above
//     8 × buffer records of backlog the task's partitions are paused in the
//     consumer, and resumed at 4 × buffer (backpressure, bounded memory:
//     backlog ≤ 8 × buffer + one fetch);
//   - results are taken on the task's goroutine: the query loop polls with
//     a short wait while calls are in flight and lets every task whose
//     operator signalled Ready emit them (Poll);
//   - at commit (carry, the default) the partition's offset is the lowest
//     one not fully emitted (CommitOffsets), and, in key and unordered
//     order, the offsets above it that were emitted already (Checkpoint's
//     Done list) are written to the task's state table EnrichCheckpoint in
//     the same transaction; a restarted task Restores them, so it skips
//     them when it consumes them again. Under rql.enrich.commit=drain the
//     commit waits for every call instead.
//
// A task reading several topics (a join's sides, a foreign-key join's
// internal topic) always drains: with calls carried over, a stream record
// whose call was in flight at a crash would be joined again after the
// restart against a table side whose later records were committed
// meanwhile, so its output could differ from a run without the crash.
// Its backlog keeps one queue per topic and pushes their records in
// timestamp order (as task.push does), in runs of one topic; its commit
// offsets are, per input partition, the first record still in the
// backlog or else the position after the last record pushed; all its
// partitions are paused and resumed together (pausing the stream side
// alone would let the table side's records pile up in the backlog, since
// they must wait behind the stream's older records).
//
// An aborted cycle rewinds the partition to its committed offset and
// rebuilds the task's operators (in-flight calls are dropped: they come
// again).

// enrichCommitProp selects how a commit treats calls in flight: "carry"
// (default) or "drain".
const enrichCommitProp = "rql.enrich.commit"

// asyncPollWait is the consumer's poll wait while calls are in flight:
// results are emitted at most this long after they are ready.
const asyncPollWait = time.Millisecond

// enrichTable is the state table holding a task's enrichment checkpoint.
func enrichTable(queryID string) string { return queryID + "-EnrichCheckpoint" }

// taskAsync is the enrichment plumbing of one task.
type taskAsync struct {
	ops []*build.AsyncEnrich
	// queues hold, per input topic (in order of first record), the
	// records fetched but not pushed yet (no free slot); queued counts
	// them all.
	queues []asyncQueue
	queued int
	// paused says the task's partitions are paused in the consumer (run
	// goroutine).
	paused bool
	// ckpt is the checkpoint row last restored or staged.
	ckpt []byte
}

// asyncQueue is the backlog of one input topic of a task.
type asyncQueue struct {
	topic string
	recs  []*kafka.Record
	// pos is the offset after the last record of topic pushed through
	// the operators since they were built; -1 before the first.
	pos int64
}

// queue returns the backlog queue of topic, adding it when new.
func (as *taskAsync) queue(topic string) *asyncQueue {
	for i := range as.queues {
		if as.queues[i].topic == topic {
			return &as.queues[i]
		}
	}
	as.queues = append(as.queues, asyncQueue{topic: topic, pos: -1})
	return &as.queues[len(as.queues)-1]
}

// multiInput says the sub-topology's tasks read several topics (a join's
// sides, a foreign-key join's internal topic): their enrichments drain
// on every commit (see above).
func (s *subTopology) multiInput() bool { return len(s.inputs) > 1 || len(s.fks) > 0 }

// partitions are the input partitions t owns: partition p of each input
// still routed to t (a join task), or t.tp.
func (t *task) partitions() []kafka.TopicPartition {
	if len(t.sub.inputs) <= 1 {
		return []kafka.TopicPartition{t.tp}
	}
	out := make([]kafka.TopicPartition, 0, len(t.sub.inputs))
	for _, in := range t.sub.inputs {
		tp := kafka.TopicPartition{Topic: in, Partition: t.tp.Partition}
		if t.q.taskOf(tp) == t {
			out = append(out, tp)
		}
	}
	return out
}

// asyncOps returns the asynchronous enrichment operators of p.
func asyncOps(p *exec.Pipeline) []*build.AsyncEnrich {
	var out []*build.AsyncEnrich
	for _, op := range p.Ops {
		if a, ok := op.(*build.AsyncEnrich); ok {
			out = append(out, a)
		}
	}
	return out
}

// readEnrichCommit reads rql.enrich.commit: true for drain.
func readEnrichCommit(props map[string]string) (bool, error) {
	v, ok := props[enrichCommitProp]
	if !ok {
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "carry", "":
		return false, nil
	case "drain":
		return true, nil
	}
	return false, rqlerr.New(rqlerr.StmtInvalidProps, "invalid %s %q: want carry or drain", enrichCommitProp, v)
}

// prepareEnrich inspects the trial build t of sub when the query starts:
// it creates the dead-letter topics of its enrichments and, when commits
// carry calls over in key or unordered order, declares the checkpoint
// table (which makes the sub-topology stateful).
func (q *query) prepareEnrich(ctx context.Context, sub *subTopology, t *task, parts int) error {
	ops := asyncOps(t.pipe)
	if len(ops) == 0 {
		return nil
	}
	q.hasAsync = true
	if sub.fromRepartition {
		// Its records carry their source positions (srcHeader), which
		// carried-over commit offsets and checkpoints would confuse with
		// the repartition topic's. (The grammar puts ENRICH before
		// PARTITION BY and GROUP BY, so no query reaches this.)
		return rqlerr.New(rqlerr.StmtInvalidProps,
			"the Kafka runtime runs ENRICH USING ASYNC only before a repartition (PARTITION BY, GROUP BY)")
	}
	// After a join (several inputs per task) the enrichment drains on
	// every commit whatever rql.enrich.commit says (see above), so it
	// needs no checkpoint table.
	drain, err := readEnrichCommit(q.props)
	if err != nil {
		return err
	}
	q.enrichDrain = drain
	for _, op := range ops {
		opts := op.Operator().Options()
		if opts.OnFailure == asyncio.FailDLQ {
			n, err := q.e.createTopic(ctx, opts.DLQTopic, parts, nil)
			if err != nil {
				return err
			}
			q.outParts[opts.DLQTopic] = n
		}
	}
	if !drain && !sub.multiInput() && len(ops) == 1 && ops[0].Operator().Options().Order != asyncio.Ordered {
		sub.enrichCkpt, sub.stateful = true, true
		table := enrichTable(q.id)
		c := changelog{table: table, topic: q.e.changelogTopic(q.id, table)}
		q.changelogs = append(q.changelogs, c)
		sub.changelogs = append(sub.changelogs, c) // a query cut like a join's keeps them per sub-topology
		q.internal = append(q.internal, c.topic)
		q.outParts[c.topic] = sub.partsOr(parts)
	}
	return nil
}

// initAsync finds the task's enrichment operators after a build and
// restores their checkpoint from the committed state.
func (t *task) initAsync() error {
	ops := asyncOps(t.pipe)
	if len(ops) == 0 {
		t.as = nil
		return nil
	}
	t.as = &taskAsync{ops: ops}
	if t.st == nil || !t.sub.enrichCkpt {
		return nil
	}
	v, ok, err := t.st.txn.Get(enrichTable(t.q.id), ckptKey(t.tp.Partition), nil)
	if err != nil || !ok {
		return err
	}
	commit, done, err := decodeEnrichCkpt(v)
	if err != nil {
		return err
	}
	t.as.ckpt = v
	ops[0].Restore([]asyncio.PartitionCheckpoint{{Partition: t.tp.Partition, Commit: commit, Done: done}})
	return nil
}

// processAsync runs the task's fetched records through operators with
// calls in flight: it emits the ready results, then pushes as many
// records of the backlog as there are free slots — with several input
// topics, in timestamp order across their queues (as task.push), each
// run of one topic pushed as that topic's records.
func (t *task) processAsync(ctx context.Context) {
	as := t.as
	for _, r := range t.recs {
		q := as.queue(r.Topic)
		q.recs = append(q.recs, r)
	}
	as.queued += len(t.recs)
	if err := t.pollAsync(ctx); err != nil {
		t.setErr(err)
		return
	}
	for n := min(as.free(), as.queued); n > 0; {
		// The queue whose next record is the oldest, and the oldest next
		// record of the others: its run goes while its times do not pass
		// that one.
		best, other := -1, int64(1<<63-1)
		for i := range as.queues {
			if len(as.queues[i].recs) == 0 {
				continue
			}
			ts := as.queues[i].recs[0].Timestamp.UnixMilli()
			switch {
			case best < 0:
				best = i
			case ts < as.queues[best].recs[0].Timestamp.UnixMilli():
				other = as.queues[best].recs[0].Timestamp.UnixMilli()
				best = i
			default:
				other = min(other, ts)
			}
		}
		q := &as.queues[best]
		end := 1
		for end < n && end < len(q.recs) && q.recs[end].Timestamp.UnixMilli() <= other {
			end++
		}
		err := t.pushAsyncRun(ctx, q.topic, q.recs[:end])
		q.pos = q.recs[end-1].Offset + 1
		rest := copy(q.recs, q.recs[end:])
		clear(q.recs[rest:])
		q.recs = q.recs[:rest]
		as.queued -= end
		n -= end
		if err != nil {
			t.setErr(err)
			return
		}
	}
}

// pushAsyncRun pushes records of one topic through the operators: as a
// join task pushes them (join_task.go: the internal topics' source
// positions, the foreign-key hops), or as a single-input task does.
func (t *task) pushAsyncRun(ctx context.Context, topic string, recs []*kafka.Record) error {
	if t.jt != nil {
		return t.pushRun(ctx, topic, recs)
	}
	t.in = t.in[:0]
	for _, r := range recs {
		t.in = append(t.in, toExecWindowed(r, t.sub.fromRepartition, t.sub.srcTopic, t.windows[topic]))
	}
	err := t.pipe.Push(ctx, topic, t.in)
	clear(t.in)
	return err
}

func (t *task) setErr(err error) {
	t.err = rqlerr.Wrap(rqlerr.CodeOf(err), err, "query %s, task %s", t.q.id, taskName(t.tp))
	t.failed = true
}

// pollAsync emits the ready results of every operator, upstream first.
func (t *task) pollAsync(ctx context.Context) error {
	for _, op := range t.as.ops {
		if err := op.Poll(ctx); err != nil {
			return err
		}
	}
	return nil
}

// free is how many records may be pushed without blocking (the slots
// free in the first operator).
func (as *taskAsync) free() int {
	op := as.ops[0].Operator()
	return max(op.Options().Buffer-op.InFlight(), 0)
}

// busy says the task holds calls in flight or records in its backlog.
func (as *taskAsync) busy() bool {
	if as.queued > 0 {
		return true
	}
	for _, op := range as.ops {
		if op.Operator().InFlight() > 0 {
			return true
		}
	}
	return false
}

// ready says (consuming the signal) that an operator may have results.
func (as *taskAsync) ready() bool {
	r := false
	for _, op := range as.ops {
		select {
		case <-op.Ready():
			r = true
		default:
		}
	}
	return r || (as.queued > 0 && as.free() > 0)
}

// asyncReady adds to busy the tasks with enrichment results to emit.
func (q *query) asyncReady(busy []*task) []*task {
	for _, t := range q.tasks {
		if t.as == nil || t.failed || len(t.recs) > 0 {
			continue
		}
		if t.as.ready() {
			busy = append(busy, t)
		}
	}
	return busy
}

// asyncFlow pauses the partitions of tasks with a backlog (all the
// partitions of a join task) and resumes the others, and shortens the poll wait while calls are in flight; it
// returns whether any task is busy.
func (q *query) asyncFlow(s *kafka.TxnSession) (bool, error) {
	anyBusy := false
	for _, t := range q.tasks {
		as := t.as
		if as == nil {
			continue
		}
		anyBusy = anyBusy || as.busy()
		// Hysteresis: pause above 8 buffers of backlog, resume at 4, so
		// that the fetch resumed (which takes a few hundred ms) refills
		// the backlog before the operator runs dry.
		lo := 4 * as.ops[0].Operator().Options().Buffer
		want := as.paused
		switch {
		case as.queued > 2*lo:
			want = true
		case as.queued <= lo:
			want = false
		}
		if want == as.paused {
			continue
		}
		var err error
		if want {
			err = s.Pause(t.partitions()...)
		} else {
			err = s.Resume(t.partitions()...)
		}
		if err != nil {
			return anyBusy, err
		}
		as.paused = want
	}
	if anyBusy {
		s.SetPollWait(asyncPollWait)
	} else {
		s.SetPollWait(q.pollWait)
	}
	return anyBusy, nil
}

// asyncCommit prepares the tasks' enrichments for the commit of the open
// cycle: under drain (always for a task with several inputs) it waits for
// every call and produces the results; it sets each input partition's
// commit offset and stages the checkpoints.
func (q *query) asyncCommit(ctx context.Context, s *kafka.TxnSession) error {
	var out []*kafka.Record
	for _, t := range q.tasks {
		as := t.as
		if as == nil || t.failed {
			continue
		}
		drain := q.enrichDrain || len(as.ops) > 1 || t.sub.multiInput()
		if drain {
			for _, op := range as.ops {
				if err := op.Drain(ctx); err != nil {
					t.setErr(err)
					return t.err
				}
			}
			out = append(out, t.out...)
			clear(t.out)
			t.out = t.out[:0]
		}
		for i := range as.queues {
			aq := &as.queues[i]
			off := aq.pos
			if len(aq.recs) > 0 && (off < 0 || aq.recs[0].Offset < off) {
				off = aq.recs[0].Offset
			}
			if off < 0 {
				continue
			}
			tp := kafka.TopicPartition{Topic: aq.topic, Partition: t.tp.Partition}
			if !drain { // one input: aq.topic is t.tp.Topic
				op := as.ops[0]
				if op.Operator().InFlight() > 0 {
					if c, ok := op.CommitOffsets()[t.tp.Partition]; ok {
						off = min(off, c)
					}
				}
				if t.sub.enrichCkpt && t.st != nil {
					t.stageEnrichCkpt(op, off)
				}
			}
			s.SetCommitOffset(tp, off)
		}
	}
	if len(out) == 0 {
		return nil
	}
	q.produced.Add(int64(len(out)))
	return s.Produce(ctx, out...)
}

// stageEnrichCkpt writes the task's checkpoint row (the commit offset and
// the offsets above it already emitted) when it changed.
func (t *task) stageEnrichCkpt(op *build.AsyncEnrich, off int64) {
	var done []int64
	for _, cp := range op.Checkpoint() {
		if cp.Partition != t.tp.Partition {
			continue
		}
		for _, d := range cp.Done {
			if d >= off {
				done = append(done, d)
			}
		}
	}
	v := encodeEnrichCkpt(off, done)
	if string(v) == string(t.as.ckpt) {
		return
	}
	t.as.ckpt = v
	t.st.txn.Pending().Put(enrichTable(t.q.id), ckptKey(t.tp.Partition), v)
}

// asyncEnd follows the end of a cycle: after an abort the session
// rewound the partitions to their committed offsets, so the tasks drop
// their backlog and calls in flight (stateful tasks are rebuilt by
// endState, the others here).
func (q *query) asyncEnd(ctx context.Context, s *kafka.TxnSession, committed bool) error {
	if committed {
		return nil
	}
	for _, t := range q.tasks {
		if t.as == nil {
			continue
		}
		if t.as.paused {
			if err := s.Resume(t.partitions()...); err != nil {
				return err
			}
		}
		if t.st != nil {
			t.dirty = true // endState rebuilds it
			continue
		}
		if err := t.reset(ctx); err != nil {
			return err
		}
	}
	return nil
}

// asyncBusy says some task holds calls in flight or a backlog.
func (q *query) asyncBusy() bool {
	for _, t := range q.tasks {
		if t.as != nil && t.as.busy() {
			return true
		}
	}
	return false
}

func ckptKey(p int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(p)) }

// encodeEnrichCkpt encodes a checkpoint row: the commit offset, then the
// done offsets as increasing deltas (varints).
func encodeEnrichCkpt(commit int64, done []int64) []byte {
	b := binary.AppendVarint(nil, commit)
	b = binary.AppendUvarint(b, uint64(len(done)))
	prev := commit
	for _, d := range done {
		b = binary.AppendVarint(b, d-prev)
		prev = d
	}
	return b
}

func decodeEnrichCkpt(b []byte) (int64, []int64, error) {
	bad := rqlerr.New(rqlerr.StateCorrupt, "corrupt enrichment checkpoint (%d bytes)", len(b))
	commit, n := binary.Varint(b)
	if n <= 0 {
		return 0, nil, bad
	}
	b = b[n:]
	cnt, n := binary.Uvarint(b)
	if n <= 0 || cnt > uint64(len(b)) {
		return 0, nil, bad
	}
	b = b[n:]
	done := make([]int64, 0, cnt)
	prev := commit
	for range cnt {
		d, n := binary.Varint(b)
		if n <= 0 {
			return 0, nil, bad
		}
		b = b[n:]
		prev += d
		done = append(done, prev)
	}
	return commit, done, nil
}

// perTaskEnrich divides the concurrency options of q's asynchronous
// enrichments among the query's parts input partitions, since every task
// (partition) runs its own operator: workers, buffer (when given) and
// rate become per task, rounded up, so that the query as a whole has the
// concurrency, memory bound and call rate its WITH clause says (when one
// instance runs every partition). q is not modified.
func perTaskEnrich(q *planner.QueryPlan, parts int) (*planner.QueryPlan, error) {
	if parts <= 1 || !hasAsyncEnrich(q.Root) {
		return q, nil
	}
	root, err := splitEnrichNode(q.Root, parts)
	if err != nil {
		return nil, err
	}
	cp := *q
	cp.Root = root
	return &cp, nil
}

func hasAsyncEnrich(n planner.Node) bool {
	if en, ok := n.(*planner.Enrich); ok && en.Async {
		return true
	}
	for _, c := range n.Children() {
		if hasAsyncEnrich(c) {
			return true
		}
	}
	return false
}

func splitEnrichNode(n planner.Node, parts int) (planner.Node, error) {
	kids := n.Children()
	if len(kids) > 0 {
		nk := make([]planner.Node, len(kids))
		for i, c := range kids {
			r, err := splitEnrichNode(c, parts)
			if err != nil {
				return nil, err
			}
			nk[i] = r
		}
		var err error
		if n, err = n.WithChildren(nk...); err != nil {
			return nil, err
		}
	}
	en, ok := n.(*planner.Enrich)
	if !ok || !en.Async {
		return n, nil
	}
	opts, err := build.EnrichOptions(true, en.Options)
	if err != nil {
		return n, nil // reported by the build, with its position
	}
	ceil := func(v int) int64 { return int64(max(1, (v+parts-1)/parts)) }
	set := map[string]any{"workers": ceil(opts.Workers)}
	var props parser.Properties
	for _, p := range en.Options {
		switch strings.ToLower(p.Name) {
		case "workers":
		case "buffer":
			set["buffer"] = ceil(opts.Buffer)
		case "rate":
			if opts.Rate > 0 {
				set["rate"] = opts.Rate / float64(parts)
			}
		default:
			props = append(props, p)
		}
	}
	for _, name := range []string{"workers", "buffer", "rate"} {
		if v, ok := set[name]; ok {
			props = append(props, parser.Property{Name: name, Value: v})
		}
	}
	cp := *en
	cp.Options = props
	return &cp, nil
}
