package engine

import (
	"context"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/rqlerr"
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
	// sub-topology of a PARTITION BY query); curPart / curOff are the
	// source position of the row it is serializing.
	rep     *exec.Sink
	curPart int32
	curOff  int64
	one     exec.Batch
	closed  bool

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
	t.in = t.in[:0]
	for _, r := range t.recs {
		t.in = append(t.in, toExec(r, t.sub.fromRepartition))
	}
	if err := t.pipe.Push(ctx, t.tp.Topic, t.in); err != nil {
		t.err = rqlerr.Wrap(rqlerr.CodeOf(err), err, "query %s, task %s", t.q.id, taskName(t.tp))
		t.failed = true
	}
	clear(t.in)
}

// close releases the operators; it may be called more than once.
func (t *task) close(ctx context.Context) {
	if t.closed {
		return
	}
	t.closed = true
	if t.rep != nil {
		_ = t.rep.Close(ctx)
	}
	_ = t.pipe.Close(ctx)
}

// emit queues a record of the query's sink for the open cycle.
func (t *task) emit(_ context.Context, r exec.Record) error {
	t.queue(r, nil)
	return nil
}

// emitRepartition queues a re-keyed record for the repartition topic,
// tagged with its source position.
func (t *task) emitRepartition(_ context.Context, r exec.Record) error {
	t.queue(r, &kafka.Header{Key: srcHeader, Value: srcPos(t.curPart, t.curOff)})
	return nil
}

// logEntry sends a processing-log entry to the processing-log topic in the
// open cycle and to the engine's logger. Entries of the second
// sub-topology of a PARTITION BY name the source topic (the partition and
// offset are the source record's already).
func (t *task) logEntry(en exec.LogEntry) {
	if t.sub.fromRepartition && en.Topic == t.sub.topic {
		en.Topic = t.sub.srcTopic
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
		t.curPart, t.curOff = b.Rows[i].Partition, b.Rows[i].Offset
		t.one.Rows = b.Rows[i : i+1]
		if err := t.rep.Process(ctx, 0, &t.one, exec.Discard{}); err != nil {
			return err
		}
	}
	t.one.Rows = nil
	return nil
}

func (c *repCollector) EmitWatermark(context.Context, exec.Watermark) error { return nil }

// queue converts an operator's output record for the producer, choosing
// its partition as Kafka's default partitioner does: murmur2 of the key,
// and round robin for null keys.
func (t *task) queue(r exec.Record, extra *kafka.Header) {
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
	kr := t.newRecord()
	*kr = kafka.Record{Topic: r.Topic, Partition: p, Key: r.Key, Value: r.Value, Timestamp: time.UnixMilli(r.Timestamp)}
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
