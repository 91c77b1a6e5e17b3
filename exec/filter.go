package exec

import (
	"context"

	"github.com/rql/rql/planner"
)

// Filter keeps the rows whose predicate is TRUE. A predicate error drops
// the row and logs it. On a table (upsert) input a row that fails the
// predicate becomes a tombstone of its key, as a KTable filter does.
type Filter struct {
	base
	pred   *Evaluator
	upsert bool
	out    Batch
	// passed tracks keys whose last row passed (planner.Filter.PassedStore).
	passed *passedKeys
}

var _ Operator = (*Filter)(nil)

// NewFilter compiles n's predicate.
func NewFilter(n *planner.Filter, props map[string]string) (*Filter, error) {
	e, err := Compile(n.Pred, props)
	if err != nil {
		return nil, err
	}
	f := &Filter{pred: e, upsert: n.Props().Mode == planner.Upsert}
	if n.PassedStore != "" && f.upsert {
		f.passed = &passedKeys{name: n.PassedStore, keys: n.Props().Key}
	}
	return f, nil
}

// Process filters b into out.
func (f *Filter) Process(ctx context.Context, _ int, b *Batch, out Collector) error {
	f.out.Rows = f.out.Rows[:0]
	for i := range b.Rows {
		r := &b.Rows[i]
		if r.NullValue {
			if f.upsert && f.passed.forget(r) {
				f.out.Rows = append(f.out.Rows, *r)
			}
			continue
		}
		v, err := f.pred.Eval(r)
		if err != nil {
			f.env.log(r, "Error evaluating predicate "+f.pred.Expr.String()+": "+err.Error())
			continue
		}
		if ok, _ := v.(bool); ok {
			f.passed.remember(r)
			f.out.Rows = append(f.out.Rows, *r)
		} else if f.upsert && f.passed.forget(r) {
			t := *r
			t.NullValue = true
			f.out.Rows = append(f.out.Rows, t)
		}
	}
	if err := f.passed.commit(); err != nil {
		return err
	}
	if len(f.out.Rows) == 0 {
		return nil
	}
	err := out.Collect(ctx, &f.out)
	// Drop the rows: a stale row would keep its batch's values alive.
	clear(f.out.Rows)
	return err
}

// Init prepares the operator.
func (o *Filter) Init(ctx context.Context, env *Env) error {
	o.ctx, o.env = ctx, env
	initEvals(env, o.pred)
	return o.passed.init(env, o)
}
