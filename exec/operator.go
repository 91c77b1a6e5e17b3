package exec

import (
	"context"

	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/state"
)

// Row is one row flowing between operators: one value per column of the
// producing plan node's schema, plus record metadata.
type Row struct {
	Vals []sqltypes.Value
	// Rowtime, Partition and Offset are the pseudo columns ROWTIME,
	// ROWPARTITION and ROWOFFSET of the input record.
	Rowtime   int64
	Partition int32
	Offset    int64
	// Topic is the topic of the input record the row stems from (set by
	// Source; a join's output row has its triggering record's, a
	// foreign-key join's the left or right record whose change produced
	// it): with Partition and Offset it names that record, e.g. in
	// enrichment idempotency keys. "" for rows made otherwise.
	Topic string
	// Seq numbers the rows a join emits for one triggering record (0, 1,
	// ...; 0 for every other row), in the join's own deterministic order
	// (for a foreign-key join: per message of that record's change),
	// so that rows of one record stay apart in idempotency keys whatever
	// order later operators see them in.
	Seq int32
	// NullValue marks a record with a null value: a tombstone for tables,
	// a null-valued event for streams. Only key columns are meaningful.
	NullValue bool
	// NullKey marks a record read with a null key (no key bytes): a sink
	// writes it with a null key again. A key computed by PARTITION BY is
	// never null as a whole (a multi-column key of NULLs is an object).
	NullKey bool
	// Window bounds for windowed sources (zero otherwise).
	WindowStart, WindowEnd int64
	// Headers of the input record.
	Headers []Header
	// Raw is the record the row was read from (set by Source; nil for rows
	// made otherwise). It is valid only while the row's batch is being
	// processed: copy it to keep it (ENRICH's dead letters do).
	Raw *Record
}

// Batch is a group of rows pushed together. Operators must not keep a
// reference to a Batch or its rows after Process returns.
type Batch struct {
	Rows []Row
}

// Header is one Kafka record header.
type Header struct {
	Key   string
	Value []byte
}

// Record is a Kafka record as operators read and write it.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Timestamp int64
	Headers   []Header
	// WindowStart/WindowEnd are set for windowed keys (HasWindow).
	HasWindow              bool
	WindowStart, WindowEnd int64
	// Seq is the Row.Seq of the row a record read back from an internal
	// topic was written from (Source sets it on the row again); 0
	// otherwise.
	Seq int32
}

// Watermark is an event-time watermark in milliseconds.
type Watermark int64

// LogEntry is one processing-log entry.
type LogEntry struct {
	QueryID   string
	Topic     string
	Partition int32
	Offset    int64
	Reason    string
}

// Env is what operators may use at run time.
type Env struct {
	QueryID string
	// Props are the query's effective properties.
	Props map[string]string
	// Log receives processing-log entries; nil discards them.
	Log func(LogEntry)
	// SourceTopic names the topic rows come from when a row does not
	// (Row.Topic ""): see TopicOf.
	SourceTopic string
	// State is the store of stateful operators; nil for stateless
	// pipelines. The runtime and the driver pass a *state.Txn: writes
	// stage in the task's pending batch until the cycle's transaction
	// commits (see "State" in doc.go for the operator contract).
	State state.Store
	// Transient is set for transient (push) queries: their operators drop
	// their state when closed.
	Transient bool
}

// warnFor returns an Evaluator.OnError that logs against the row.
func (e *Env) warnFor(ev *Evaluator) func(*Row, error) {
	return func(r *Row, err error) {
		e.log(r, "Error computing expression "+ev.Expr.String()+": "+err.Error())
	}
}

func (e *Env) log(r *Row, reason string) {
	if e == nil || e.Log == nil {
		return
	}
	e.Log(LogEntry{QueryID: e.QueryID, Topic: e.TopicOf(r), Partition: r.Partition, Offset: r.Offset, Reason: reason})
}

// TopicOf returns the topic of the record r stems from: r.Topic, or
// SourceTopic for a row that names none. After a join it is the topic of
// the side whose record produced the row.
func (e *Env) TopicOf(r *Row) string {
	if r.Topic != "" || e == nil {
		return r.Topic
	}
	return e.SourceTopic
}

// Collector receives an operator's output.
type Collector interface {
	// Collect takes a batch; it must not keep b after returning.
	Collect(ctx context.Context, b *Batch) error
	// EmitWatermark forwards a watermark downstream.
	EmitWatermark(ctx context.Context, wm Watermark) error
}

// Operator is a push-based physical operator (after Arroyo's operators):
// the executor pushes batches into Process, which pushes results into out.
type Operator interface {
	// Init prepares the operator; ctx is kept for later calls.
	Init(ctx context.Context, env *Env) error
	// Process handles a batch from input number input. It must not keep b
	// after returning.
	Process(ctx context.Context, input int, b *Batch, out Collector) error
	// OnWatermark handles a watermark and may emit rows.
	OnWatermark(ctx context.Context, wm Watermark, out Collector) error
	// Flush runs before a commit.
	Flush(ctx context.Context) error
	// Close releases resources; it may be called more than once, and
	// without Init.
	Close(ctx context.Context) error
}

// RecordSink receives the records a sink operator produces.
type RecordSink interface {
	Emit(ctx context.Context, r Record) error
}

// RecordSinkFunc adapts a function to RecordSink.
type RecordSinkFunc func(ctx context.Context, r Record) error

// Emit calls f.
func (f RecordSinkFunc) Emit(ctx context.Context, r Record) error { return f(ctx, r) }

// Chain connects an operator to the next one as its Collector.
type Chain struct {
	Op   Operator
	Next Collector
	// Input is the operator's input number the chain feeds (joins have
	// two: 0 left, 1 right).
	Input int
}

// Collect pushes b into the operator.
func (c *Chain) Collect(ctx context.Context, b *Batch) error {
	return c.Op.Process(ctx, c.Input, b, c.Next)
}

// EmitWatermark forwards a watermark through the operator.
func (c *Chain) EmitWatermark(ctx context.Context, wm Watermark) error {
	return c.Op.OnWatermark(ctx, wm, c.Next)
}

// Discard is a Collector that drops everything.
type Discard struct{}

func (Discard) Collect(context.Context, *Batch) error          { return nil }
func (Discard) EmitWatermark(context.Context, Watermark) error { return nil }

// CollectFunc adapts a function to Collector (watermarks are dropped).
type CollectFunc func(ctx context.Context, b *Batch) error

func (f CollectFunc) Collect(ctx context.Context, b *Batch) error  { return f(ctx, b) }
func (CollectFunc) EmitWatermark(context.Context, Watermark) error { return nil }

// base gives operators no-op watermark, flush and close.
type base struct {
	env *Env
	ctx context.Context
}

func (o *base) Init(ctx context.Context, env *Env) error {
	o.ctx, o.env = ctx, env
	return nil
}
func (o *base) OnWatermark(ctx context.Context, wm Watermark, out Collector) error {
	return out.EmitWatermark(ctx, wm)
}
func (o *base) Flush(context.Context) error { return nil }
func (o *base) Close(context.Context) error { return nil }

// initEvals initializes an operator's evaluators' error reporting.
func initEvals(env *Env, evs ...*Evaluator) {
	for _, e := range evs {
		if e != nil {
			e.OnError = env.warnFor(e)
		}
	}
}
