package engine

import (
	"context"
	"encoding/binary"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/format"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// task runs one sub-topology's operators for one input partition. Its
// process may run on a goroutine of its own (see query.process); its other
// methods run on the query's goroutine.
type task struct {
	q    *query
	tp   kafka.TopicPartition
	sub  *subTopology
	pipe *exec.Pipeline
	// rep serializes re-keyed rows into the repartition topic (first
	// sub-topology of a PARTITION BY query); cur is the row it is
	// serializing (its source goes into srcHeader).
	rep    *exec.Sink
	cur    *exec.Row
	one    exec.Batch
	closed bool
	// repKeys compute a GROUP BY repartition record's partition (repPart)
	// from its row (see subTopology.repKeys).
	repKeys []*exec.Evaluator
	repPart int32
	// st is the task's state (stateful sub-topologies; see state.go);
	// dirty says the task processed records in the open cycle.
	st    *taskState
	dirty bool
	// as is the asynchronous enrichment plumbing (enrich.go); nil
	// without ENRICH USING ASYNC.
	as *taskAsync
	// jt is the join plumbing (join_task.go): nil for a task reading one
	// topic without foreign-key joins. repSerde, for a join repartition,
	// serializes the join key that places a record (see groupPartition).
	jt       *joinTask
	repSerde format.Serde
	// windows maps the topics of the windowed sources the task reads to
	// their windows (see toExecWindowed).
	windows map[string]*parser.Window

	// Per fetch: the records to process (a run of the fetch, in offset
	// order), what they produced (outputs and processing-log records, in
	// order), and the error that stopped them.
	recs []*kafka.Record
	in   []exec.Record
	out  []*kafka.Record
	err  error
	slab []kafka.Record
	rr   uint32

	failed bool
}

// process runs t.recs through the operators, appending to t.out. It may
// run concurrently with other tasks' process: a task touches only its own
// operators and buffers. After an error it skips records
// (the query is failing).
func (t *task) process(ctx context.Context) {
	if t.failed {
		return
	}
	t.dirty = true
	if t.as != nil {
		t.processAsync(ctx)
		return
	}
	if err := t.push(ctx); err != nil { // join_task.go
		t.err = rqlerr.Wrap(rqlerr.CodeOf(err), err, "query %s, task %s", t.q.id, taskName(t.tp))
		t.failed = true
	}
}

// close releases the operators and the state; it may be called more
// than once. Pending state writes (of a cycle that will not commit) are
// dropped. A task with nothing pending stores a fresh checkpoint first, so
// that the next owner of the partition (this process after a restart, or
// another member) restores only what changed meanwhile.
func (t *task) close(ctx context.Context) {
	if t.closed {
		return
	}
	t.closed = true
	if t.rep != nil {
		_ = t.rep.Close(ctx)
	}
	_ = t.pipe.Close(ctx)
	if t.st != nil {
		if t.st.txn.Len() == 0 && !t.q.stateFailed {
			if err := t.q.measure(ctx, t.st); err != nil {
				t.q.e.log.Warn("storing the state checkpoint", "query", t.q.id, "partition", t.tp.Partition, "error", err)
			}
		}
		t.q.stores.remove(t.st.db)
		t.st.close()
	}
}

// reset drops the task's pending state writes and rebuilds its operators
// from the committed state, after an aborted cycle: the operators' memory
// (stream time, sequence numbers) must not keep what the cycle did.
func (t *task) reset(ctx context.Context) error {
	if t.st != nil {
		t.st.txn.Discard()
	}
	if t.rep != nil {
		_ = t.rep.Close(ctx)
		t.rep = nil
	}
	_ = t.pipe.Close(ctx)
	return t.build(ctx)
}

// emit queues a record of the query's sink for the open cycle.
func (t *task) emit(_ context.Context, r exec.Record) error {
	t.queue(r, nil)
	return nil
}

// emitRepartition queues a re-keyed record for the repartition topic,
// tagged with its source position.
func (t *task) emitRepartition(_ context.Context, r exec.Record) error {
	src := t.cur
	if src == nil {
		src = &exec.Row{}
	}
	kr := t.queue(r, &kafka.Header{Key: srcHeader, Value: srcPos(src)})
	if t.repKeys != nil {
		kr.Partition = t.repPart
	}
	return nil
}

// groupPartition is the repartition topic partition of a GROUP BY row:
// murmur2 of its encoded grouping values (rows with a NULL grouping value,
// which the aggregation drops, go to partition 0); of a join side's row:
// murmur2 of its join key serialized as the co-partitioned side's keys
// (repSerde).
func (t *task) groupPartition(r *exec.Row) int32 {
	n := t.q.outParts[t.sub.repSink.Target.Topic]
	if n <= 1 {
		return 0
	}
	vals := make([]sqltypes.Value, len(t.repKeys))
	for i, ev := range t.repKeys {
		v, err := ev.Eval(r)
		if err != nil || v == nil {
			return 0
		}
		vals[i] = v
	}
	if t.repSerde != nil {
		p, err := keyPartition(t.repSerde, vals, n)
		if err != nil {
			return 0
		}
		return p
	}
	enc, err := exec.EncodeKey(nil, vals...)
	if err != nil {
		return 0
	}
	return partitionFor(enc, n)
}

// logEntry sends a processing-log entry to the processing-log topic in the
// open cycle and to the engine's logger. Entries of the second
// sub-topology of a PARTITION BY name the source topic (the partition and
// offset are the source record's already).
func (t *task) logEntry(en exec.LogEntry) {
	if src, ok := t.sub.fromInternal(en.Topic); ok {
		en.Topic = src
	}
	q := t.q
	q.perrors.Add(1)
	t.out = append(t.out, q.e.plog.record(en))
	q.e.log.Warn("processing error", "query", en.QueryID, "topic", en.Topic, "partition", en.Partition,
		"offset", en.Offset, "reason", en.Reason)
}

// repCollector receives the re-keyed rows of a task's first sub-topology
// and serializes them one at a time, so that each record carries its own
// source position.
type repCollector task

func (c *repCollector) Collect(ctx context.Context, b *exec.Batch) error {
	t := (*task)(c)
	for i := range b.Rows {
		t.cur = &b.Rows[i]
		if t.repKeys != nil {
			t.repPart = t.groupPartition(&b.Rows[i])
		}
		t.one.Rows = b.Rows[i : i+1]
		if err := t.rep.Process(ctx, 0, &t.one, exec.Discard{}); err != nil {
			return err
		}
	}
	t.one.Rows, t.cur = nil, nil
	return nil
}

func (c *repCollector) EmitWatermark(context.Context, exec.Watermark) error { return nil }

// queue converts an operator's output record for the producer, choosing
// its partition as Kafka's default partitioner does: murmur2 of the key,
// and round robin for null keys.
func (t *task) queue(r exec.Record, extra *kafka.Header) *kafka.Record {
	n := t.q.outParts[r.Topic]
	if n <= 0 {
		n = 1
	}
	var p int32
	if r.Key != nil {
		p = partitionFor(r.Key, n)
	} else {
		p = int32(t.rr % uint32(n))
		t.rr++
	}
	key := r.Key
	if r.HasWindow {
		key = t.windowedKey(r)
	}
	kr := t.newRecord()
	*kr = kafka.Record{Topic: r.Topic, Partition: p, Key: key, Value: r.Value, Timestamp: time.UnixMilli(r.Timestamp)}
	if len(r.Headers) > 0 || extra != nil {
		kr.Headers = make([]kafka.Header, 0, len(r.Headers)+1)
		for _, h := range r.Headers {
			kr.Headers = append(kr.Headers, kafka.Header{Key: h.Key, Value: h.Value})
		}
		if extra != nil {
			kr.Headers = append(kr.Headers, *extra)
		}
	}
	t.out = append(t.out, kr)
	return kr
}

// windowedKey appends the window to a windowed sink record's key, as
// ksqlDB's windowed serdes do: the window start for time windows, the
// window end then start for sessions (8 bytes big-endian each). The
// partition stays that of the key alone (ksqlDB's windowed partitioner).
func (t *task) windowedKey(r exec.Record) []byte {
	k := make([]byte, 0, len(r.Key)+16)
	k = append(k, r.Key...)
	if w := t.q.sink.Window; w != nil && w.Kind == parser.WindowSession && r.Topic == t.q.sink.Topic {
		k = binary.BigEndian.AppendUint64(k, uint64(r.WindowEnd))
	}
	return binary.BigEndian.AppendUint64(k, uint64(r.WindowStart))
}

// newRecord returns a record from the task's slab: records are allocated
// in blocks rather than one by one (they live until the producer copied
// them, i.e. until Produce returns).
func (t *task) newRecord() *kafka.Record {
	if len(t.slab) == 0 {
		t.slab = make([]kafka.Record, 256)
	}
	r := &t.slab[0]
	t.slab = t.slab[1:]
	return r
}
