package exec

import (
	"context"
	"strconv"

	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// EnrichCall makes one enrichment call (all its attempts) for row r with
// the evaluated arguments; key is the call's idempotency key.
type EnrichCall func(ctx context.Context, r *Row, args []sqltypes.Value, key string) (sqltypes.Value, error)

// EnrichFailure decides what happens to a row whose call failed: emitNull
// emits it with a NULL enrichment, otherwise it is dropped; an error stops
// the query. It may log or dead-letter the row (exec/build implements the
// on_failure policies).
type EnrichFailure func(ctx context.Context, r *Row, err error) (emitNull bool, _ error)

// Enrich is the synchronous ENRICH USING f(args) AS alias: the call runs
// on the task goroutine, one row at a time, with the query's context and
// the row's idempotency key; each output row is the input row with the
// result appended. Rows without a value (tombstones) pass with a NULL
// enrichment and no call, and so do calls with a NULL argument (unless the
// function takes NULLs). The asynchronous form is built by exec/build on
// exec/asyncio.
type Enrich struct {
	base
	args  []*Evaluator
	call  EnrichCall
	fail  EnrichFailure
	pass  bool
	out   Batch
	alias string
}

var _ Operator = (*Enrich)(nil)

// NewEnrich compiles n's arguments. call nil evaluates the function
// directly; fail nil stops the query on the first failed call.
func NewEnrich(n *planner.Enrich, props map[string]string, call EnrichCall, fail EnrichFailure) (*Enrich, error) {
	args, err := CompileEnrichArgs(n, props)
	if err != nil {
		return nil, err
	}
	if call == nil {
		call = VariantCall(n.Call.Fn.Variant, props)
	}
	if fail == nil {
		fail = func(_ context.Context, r *Row, err error) (bool, error) {
			return false, rqlerr.Wrap(rqlerr.EnrichFailed, err, "enrichment %s failed for partition %d offset %d", n.Call.Name, r.Partition, r.Offset)
		}
	}
	return &Enrich{args: args, call: call, fail: fail, pass: n.Call.Fn.Variant.PassNulls, alias: n.Alias}, nil
}

// CompileEnrichArgs compiles the argument expressions of n's call.
func CompileEnrichArgs(n *planner.Enrich, props map[string]string) ([]*Evaluator, error) {
	out := make([]*Evaluator, len(n.Call.Args))
	for i, a := range n.Call.Args {
		e, err := Compile(a, props)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

// VariantCall is the EnrichCall that evaluates v once, with ctx and the
// idempotency key in its EvalContext.
func VariantCall(v *udf.Variant, props map[string]string) EnrichCall {
	return func(ctx context.Context, _ *Row, args []sqltypes.Value, key string) (sqltypes.Value, error) {
		return v.Eval(&udf.EvalContext{Ctx: ctx, Props: props, IdempotencyKey: key}, args)
	}
}

// Init prepares the operator.
func (o *Enrich) Init(ctx context.Context, env *Env) error {
	o.ctx, o.env = ctx, env
	initEvals(env, o.args...)
	return nil
}

// Process enriches b into out.
func (o *Enrich) Process(ctx context.Context, _ int, b *Batch, out Collector) error {
	o.out.Rows = o.out.Rows[:0]
	for i := range b.Rows {
		r := &b.Rows[i]
		key := o.key(r)
		if r.NullValue {
			o.out.Rows = append(o.out.Rows, WithEnrichment(r, nil))
			continue
		}
		args, null, err := EvalEnrichArgs(o.args, r, o.pass)
		var v sqltypes.Value
		if err == nil && !null {
			v, err = o.call(ctx, r, args, key)
		}
		if err != nil {
			keep, ferr := o.fail(ctx, r, err)
			if ferr != nil {
				return ferr
			}
			if !keep {
				continue
			}
			v = nil
		}
		o.out.Rows = append(o.out.Rows, WithEnrichment(r, v))
	}
	if len(o.out.Rows) == 0 {
		return nil
	}
	err := out.Collect(ctx, &o.out)
	clear(o.out.Rows)
	return err
}

// key returns the idempotency key of r's call.
func (o *Enrich) key(r *Row) string {
	id := ""
	if o.env != nil {
		id = o.env.QueryID
	}
	return IdempotencyKey(id, o.alias, o.env.TopicOf(r), r)
}

// IdempotencyKey returns the idempotency key of the call that enrichment
// alias of query makes for r, r stemming from topic:
// "query/alias/topic/partition/offset", with "/n" appended for a join's
// n-th further row of the same record (Row.Seq). The key names the
// record, the row's place among its rows and the enrichment, so it is the
// same at every retry, restart and replay, and two different calls of one
// query do not share one; "/" occurs in none of the parts (query ids,
// topic names and unquoted identifiers cannot hold it).
func IdempotencyKey(query, alias, topic string, r *Row) string {
	key := query + "/" + alias + "/" + topic + "/" + strconv.Itoa(int(r.Partition)) + "/" + strconv.FormatInt(r.Offset, 10)
	if r.Seq > 0 {
		key += "/" + strconv.Itoa(int(r.Seq))
	}
	return key
}

// EvalEnrichArgs evaluates a call's arguments over r. null reports a NULL
// argument of a function that does not take NULLs (the result is NULL
// without a call).
func EvalEnrichArgs(evs []*Evaluator, r *Row, passNulls bool) (args []sqltypes.Value, null bool, err error) {
	args = make([]sqltypes.Value, len(evs))
	for i, e := range evs {
		v, err := e.Eval(r)
		if err != nil {
			return nil, false, err
		}
		if v == nil && !passNulls {
			null = true
		}
		args[i] = v
	}
	return args, null, nil
}

// WithEnrichment returns a copy of r with v appended to its values (the
// values are copied: r's batch is not kept).
func WithEnrichment(r *Row, v sqltypes.Value) Row {
	o := *r
	o.Vals = make([]sqltypes.Value, len(r.Vals)+1)
	copy(o.Vals, r.Vals)
	o.Vals[len(r.Vals)] = v
	return o
}
