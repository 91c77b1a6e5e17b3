package build

import (
	"context"
	"fmt"
	"strings"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/exec/asyncio"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// AsyncEnrich is the operator of ENRICH USING ASYNC: it submits each row to
// an asyncio.Operator and emits results downstream on the task goroutine,
// from Process (while it waits for a free slot), Poll and Drain. A runtime
// selects on Ready next to its consumer and calls Poll; before a commit it
// either calls Drain, or commits CommitOffsets and persists Checkpoint
// (carry-over; see docs/enrichment.md). The in-process driver drains after
// every record.
type AsyncEnrich struct {
	n    *planner.Enrich
	opts asyncio.Options
	args []*exec.Evaluator
	pass bool
	// props are the query's properties, for the function.
	props map[string]string
	next  exec.Collector
	dlq   exec.RecordSink
	keyIx []int

	op  *asyncio.Operator
	env *exec.Env
	ctx context.Context
	buf exec.Batch
}

var (
	_ exec.Operator = (*AsyncEnrich)(nil)
	_ exec.Drainer  = (*AsyncEnrich)(nil)
)

// special inputs never call the function: their last argument is a
// marker (one more argument than the function takes, so that the cache and
// single flight never confuse them with a real call).
const (
	markTombstone = "\x00rql:tombstone"
	markNull      = "\x00rql:null"
	markError     = "\x00rql:error:"
)

func newAsyncEnrich(n *planner.Enrich, opts asyncio.Options, bo Options, next exec.Collector) (*AsyncEnrich, error) {
	args, err := exec.CompileEnrichArgs(n, bo.Props)
	if err != nil {
		return nil, err
	}
	a := &AsyncEnrich{n: n, opts: opts, args: args, pass: n.Call.Fn.Variant.PassNulls, props: bo.Props,
		next: next, dlq: bo.DeadLetters}
	if a.dlq == nil {
		a.dlq = bo.Emit
	}
	for i, c := range n.Input.Schema().Columns {
		if c.NS == sqltypes.NSKey {
			a.keyIx = append(a.keyIx, i)
		}
	}
	return a, nil
}

// Operator returns the underlying asyncio operator (nil before Init).
func (a *AsyncEnrich) Operator() *asyncio.Operator { return a.op }

// Init starts the worker pool. The operator lives until Close (not
// until ctx is cancelled: a statement's context may end before its query).
func (a *AsyncEnrich) Init(ctx context.Context, env *exec.Env) error {
	a.env, a.ctx = env, context.WithoutCancel(ctx)
	for _, e := range a.args {
		e.OnError = func(r *exec.Row, err error) {
			if env.Log != nil {
				env.Log(exec.LogEntry{QueryID: env.QueryID, Topic: env.TopicOf(r), Partition: r.Partition, Offset: r.Offset,
					Reason: "Error computing expression " + e.Expr.String() + ": " + err.Error()})
			}
		}
	}
	cfg := asyncio.Config{QueryID: env.QueryID, Function: strings.ToLower(a.n.Call.Name), SourceTopic: env.SourceTopic}
	op, err := asyncio.New(a.ctx, a.call, a.opts, cfg)
	if err != nil {
		return placed(err, a.n.Pos)
	}
	a.op = op
	return nil
}

// call is the asyncio.Func: special inputs answer at once.
func (a *AsyncEnrich) call(ctx context.Context, in *asyncio.Input) (sqltypes.Value, error) {
	if len(in.Args) == len(a.args)+1 {
		if m, ok := in.Args[len(a.args)].(string); ok {
			if msg, isErr := strings.CutPrefix(m, markError); isErr {
				return nil, rqlerr.New(rqlerr.ExecEval, "%s", msg)
			}
			return nil, nil
		}
	}
	return a.n.Call.Fn.Variant.Eval(&udf.EvalContext{Ctx: ctx, Props: a.props, IdempotencyKey: in.IdempotencyKey}, in.Args)
}

// Process submits every row of b; results ready meanwhile go downstream.
func (a *AsyncEnrich) Process(ctx context.Context, _ int, b *exec.Batch, _ exec.Collector) error {
	for i := range b.Rows {
		if err := a.submit(ctx, &b.Rows[i]); err != nil {
			return err
		}
	}
	return a.Poll(ctx)
}

func (a *AsyncEnrich) submit(ctx context.Context, r *exec.Row) error {
	key := a.idemKey(r)
	in := &asyncio.Input{Partition: r.Partition, Offset: r.Offset, IdempotencyKey: key, Row: *r}
	in.Row.Vals = append([]sqltypes.Value(nil), r.Vals...)
	in.Row.Raw = nil
	switch {
	case r.NullValue:
		in.Args = a.marked(markTombstone)
	default:
		args, null, err := exec.EvalEnrichArgs(a.args, r, a.pass)
		switch {
		case err != nil:
			in.Args = a.marked(markError + err.Error() + fmt.Sprintf(" (%s)", key))
		case null:
			in.Args = a.marked(markNull)
		default:
			in.Args = args
		}
	}
	if a.opts.Order == asyncio.KeyOrdered {
		in.Key = a.rowKey(r)
	}
	if a.opts.OnFailure == asyncio.FailDLQ && r.Raw != nil {
		raw := *r.Raw
		raw.Key = append([]byte(nil), raw.Key...)
		raw.Value = append([]byte(nil), raw.Value...)
		raw.Headers = append([]exec.Header(nil), raw.Headers...)
		in.Record = &raw
	}
	err := a.op.Submit(ctx, in, a.emit)
	if ferr := a.flush(ctx); err == nil {
		err = ferr
	}
	return err
}

func (a *AsyncEnrich) marked(m string) []sqltypes.Value {
	args := make([]sqltypes.Value, len(a.args)+1)
	args[len(a.args)] = m
	return args
}

// rowKey is the key that orders calls in order='key': the record key's
// bytes when the row was read from a topic, else its key columns.
func (a *AsyncEnrich) rowKey(r *exec.Row) string {
	if r.Raw != nil {
		return string(r.Raw.Key)
	}
	var sb strings.Builder
	for _, i := range a.keyIx {
		if i < len(r.Vals) {
			fmt.Fprintf(&sb, "%v\x00", r.Vals[i])
		}
	}
	return sb.String()
}

func (a *AsyncEnrich) idemKey(r *exec.Row) string {
	return exec.IdempotencyKey(a.env.QueryID, a.n.Alias, a.env.TopicOf(r), r)
}

// emit applies one result's action (on the task goroutine); emitted rows
// are buffered until flush.
func (a *AsyncEnrich) emit(r *asyncio.Result) error {
	switch r.Action {
	case asyncio.Emit, asyncio.EmitNull:
		a.buf.Rows = append(a.buf.Rows, exec.WithEnrichment(&r.In.Row, r.Value))
	case asyncio.Log:
		if a.env.Log != nil {
			a.env.Log(a.op.LogEntry(r))
		}
	case asyncio.DeadLetter:
		if a.dlq == nil {
			return rqlerr.New(rqlerr.EnrichFailed, "enrichment %s: no sink for dead letters", a.n.Call.Name)
		}
		// Rows emitted before this one go first, keeping the output order.
		if err := a.flush(a.ctx); err != nil {
			return err
		}
		return a.dlq.Emit(a.ctx, a.op.DeadLetter(r))
	case asyncio.Fail:
		return r.Err
	}
	return nil
}

// flush sends the buffered rows downstream.
func (a *AsyncEnrich) flush(ctx context.Context) error {
	if len(a.buf.Rows) == 0 {
		return nil
	}
	err := a.next.Collect(ctx, &a.buf)
	clear(a.buf.Rows)
	a.buf.Rows = a.buf.Rows[:0]
	return err
}

// Ready is signalled when results may be ready for Poll.
func (a *AsyncEnrich) Ready() <-chan struct{} { return a.op.Ready() }

// Poll emits the results that are ready, without blocking.
func (a *AsyncEnrich) Poll(ctx context.Context) error {
	_, err := a.op.Poll(a.emit)
	if ferr := a.flush(ctx); err == nil {
		err = ferr
	}
	return err
}

// Drain waits for every call in flight and emits its result.
func (a *AsyncEnrich) Drain(ctx context.Context) error {
	err := a.op.Drain(ctx, a.emit)
	if ferr := a.flush(ctx); err == nil {
		err = ferr
	}
	return err
}

// CommitOffsets, Checkpoint, Restore and Stats are the operator's (see
// asyncio.Operator).
func (a *AsyncEnrich) CommitOffsets() map[int32]int64            { return a.op.CommitOffsets() }
func (a *AsyncEnrich) Checkpoint() []asyncio.PartitionCheckpoint { return a.op.Checkpoint() }
func (a *AsyncEnrich) Restore(cps []asyncio.PartitionCheckpoint) { a.op.Restore(cps) }
func (a *AsyncEnrich) Stats() asyncio.Stats                      { return a.op.Stats() }

// OnWatermark forwards watermarks (an enrichment keeps no event time).
func (a *AsyncEnrich) OnWatermark(ctx context.Context, wm exec.Watermark, out exec.Collector) error {
	return out.EmitWatermark(ctx, wm)
}

// Flush runs before a commit; results are emitted by Poll and Drain.
func (a *AsyncEnrich) Flush(context.Context) error { return nil }

// Close cancels the calls in flight and stops the workers.
func (a *AsyncEnrich) Close(context.Context) error {
	if a.op != nil {
		return a.op.Close()
	}
	return nil
}
