package asyncio

import (
	"context"
	"fmt"
	"strconv"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// Input is one row to enrich. Submit takes ownership: the caller must not
// change it (nor Row.Vals, nor Args) afterwards; rows of an exec.Batch must
// be copied before they are submitted, since a Batch is not kept past
// Process.
type Input struct {
	// Partition and Offset locate the input record. Per partition, offsets
	// must be submitted in non-decreasing order (several rows may share an
	// offset, e.g. after a table function).
	Partition int32
	Offset    int64
	// Key orders calls in KeyOrdered mode (the record key's bytes, or any
	// stable string); unused otherwise.
	Key string
	// Args are the function's argument values, already evaluated and
	// coerced to the parameter types.
	Args []sqltypes.Value
	// IdempotencyKey is sent with every attempt of the call (see
	// exec.IdempotencyKeys); "" sends none.
	IdempotencyKey string
	// Row is carried through to the Result untouched.
	Row exec.Row
	// Record is the raw input record, kept for dead-lettering; may be nil
	// when on_failure is not 'dlq'.
	Record *exec.Record
}

// Func performs one attempt of a call. ctx carries the attempt's timeout
// and is cancelled when the operator closes; a Func that blocks must
// return once ctx is done.
type Func func(ctx context.Context, in *Input) (sqltypes.Value, error)

// VariantFunc adapts a resolved function variant (udf.Resolved.Variant,
// whose Eval is specialised to the call's argument types) to Func: it
// builds the EvalContext with ctx, props and the input's idempotency key.
// As everywhere in SQL, a NULL argument of a variant without PassNulls
// makes the result NULL without a call.
func VariantFunc(v *udf.Variant, props map[string]string) Func {
	return func(ctx context.Context, in *Input) (sqltypes.Value, error) {
		if !v.PassNulls {
			for _, a := range in.Args {
				if a == nil {
					return nil, nil
				}
			}
		}
		return v.Eval(&udf.EvalContext{Ctx: ctx, Props: props, IdempotencyKey: in.IdempotencyKey}, in.Args)
	}
}

// Action says what the runtime does with a Result.
type Action uint8

const (
	// Emit: the call succeeded; emit Row with Value as the enrichment.
	Emit Action = iota
	// EmitNull: the call failed and on_failure='null'; emit Row with a NULL enrichment.
	EmitNull
	// Drop: the call failed and on_failure='drop'; emit nothing.
	Drop
	// Log: the call failed and on_failure='log'; write a processing-log
	// entry (LogEntry) and emit nothing.
	Log
	// DeadLetter: the call failed and on_failure='dlq'; produce
	// Operator.DeadLetter(r) in the same transaction, emit nothing else.
	DeadLetter
	// Fail: the call failed and on_failure='fail'; stop the query with Err.
	Fail
)

var actionNames = [...]string{Emit: "emit", EmitNull: "null", Drop: "drop", Log: "log", DeadLetter: "dlq", Fail: "fail"}

func (a Action) String() string { return actionNames[a] }

// Result is the outcome of one input, handed to the emit callback on the
// task goroutine. The callback must not keep r after it returns (In may be
// kept).
type Result struct {
	In     *Input
	Action Action
	// Value is the function's result (Emit); nil otherwise.
	Value sqltypes.Value
	// Err is the last error when the call failed; for Fail it is an
	// *rqlerr.Error with code EnrichFailed wrapping it.
	Err error
	// Attempts made (0 for a cache hit; a coalesced call reports its
	// leader's).
	Attempts int
	// Cached is set when the value came from the cache.
	Cached bool
}

// LogEntry returns the processing-log entry of a Log (or any failed) result.
func (o *Operator) LogEntry(r *Result) exec.LogEntry {
	return exec.LogEntry{QueryID: o.cfg.QueryID, Topic: o.sourceTopic(r.In), Partition: r.In.Partition, Offset: r.In.Offset,
		Reason: fmt.Sprintf("enrichment %s failed after %d attempt(s): %v", o.cfg.Function, r.Attempts, r.Err)}
}

// sourceTopic is the topic in's row stems from (Config.SourceTopic when
// the row names none).
func (o *Operator) sourceTopic(in *Input) string {
	if in.Row.Topic != "" {
		return in.Row.Topic
	}
	return o.cfg.SourceTopic
}

// The headers of a dead letter, added to the input record's own headers.
const (
	HeaderFunction        = "rql.enrich.function"
	HeaderAttempts        = "rql.enrich.attempts"
	HeaderError           = "rql.enrich.error"
	HeaderSourceTopic     = "rql.source.topic"
	HeaderSourcePartition = "rql.source.partition"
	HeaderSourceOffset    = "rql.source.offset"
)

// DeadLetter returns the record to produce to Options.DLQTopic for a
// failed input: the input record's key, value, timestamp and headers (from
// Input.Record; empty when the runtime did not keep it) plus the headers
// above. Partition is -1: the producer picks one.
func (o *Operator) DeadLetter(r *Result) exec.Record {
	rec := exec.Record{Topic: o.opts.DLQTopic, Partition: -1, Offset: -1, Timestamp: r.In.Row.Rowtime}
	if src := r.In.Record; src != nil {
		rec.Key, rec.Value, rec.Timestamp = src.Key, src.Value, src.Timestamp
		rec.Headers = append(rec.Headers, src.Headers...)
	}
	msg := ""
	if r.Err != nil {
		msg = r.Err.Error()
	}
	rec.Headers = append(rec.Headers,
		exec.Header{Key: HeaderFunction, Value: []byte(o.cfg.Function)},
		exec.Header{Key: HeaderAttempts, Value: []byte(strconv.Itoa(r.Attempts))},
		exec.Header{Key: HeaderError, Value: []byte(msg)},
		exec.Header{Key: HeaderSourceTopic, Value: []byte(o.sourceTopic(r.In))},
		exec.Header{Key: HeaderSourcePartition, Value: []byte(strconv.Itoa(int(r.In.Partition)))},
		exec.Header{Key: HeaderSourceOffset, Value: []byte(strconv.FormatInt(r.In.Offset, 10))},
	)
	return rec
}
