package exec

import (
	"context"

	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// FlatMap evaluates table functions: each input row yields one output row
// per element of the longest function result, the input columns followed
// by the functions' values (NULL once a shorter result ran out). A function
// error logs and yields no rows for that input row.
type FlatMap struct {
	base
	calls []*tableCall
	width int
	out   Batch
}

type tableCall struct {
	name      string
	args      []*Evaluator
	eval      udf.EvalFunc
	passNulls bool
	ec        *udf.EvalContext
}

var _ Operator = (*FlatMap)(nil)

// NewFlatMap compiles n's table function calls.
func NewFlatMap(n *planner.FlatMap, props map[string]string) (*FlatMap, error) {
	f := &FlatMap{width: len(n.Input.Schema().Columns)}
	for _, c := range n.Calls {
		tc := &tableCall{name: c.Name, eval: c.Fn.Variant.Eval, passNulls: c.Fn.Variant.PassNulls,
			ec: &udf.EvalContext{Props: props}}
		for _, a := range c.Args {
			e, err := Compile(a, props)
			if err != nil {
				return nil, err
			}
			tc.args = append(tc.args, e)
		}
		f.calls = append(f.calls, tc)
	}
	return f, nil
}

// Process expands b into out.
func (f *FlatMap) Process(ctx context.Context, _ int, b *Batch, out Collector) error {
	f.out.Rows = f.out.Rows[:0]
	for i := range b.Rows {
		r := &b.Rows[i]
		if r.NullValue {
			continue
		}
		results, ok := f.evalCalls(r)
		if !ok {
			continue
		}
		n := 0
		for _, res := range results {
			n = max(n, len(res))
		}
		for k := 0; k < n; k++ {
			o := *r
			o.Vals = make([]sqltypes.Value, f.width+len(results))
			copy(o.Vals, r.Vals)
			for j, res := range results {
				if k < len(res) {
					o.Vals[f.width+j] = res[k]
				}
			}
			f.out.Rows = append(f.out.Rows, o)
		}
	}
	if len(f.out.Rows) == 0 {
		return nil
	}
	return out.Collect(ctx, &f.out)
}

func (f *FlatMap) evalCalls(r *Row) ([][]sqltypes.Value, bool) {
	results := make([][]sqltypes.Value, len(f.calls))
	for j, c := range f.calls {
		args := make([]sqltypes.Value, len(c.args))
		null := false
		for k, a := range c.args {
			v, err := a.Eval(r)
			if err != nil {
				f.env.log(r, "Error evaluating "+c.name+": "+err.Error())
				return nil, false
			}
			if v == nil {
				null = true
			}
			args[k] = v
		}
		if null && !c.passNulls {
			continue
		}
		v, err := c.eval(c.ec, args)
		if err != nil {
			f.env.log(r, "Error evaluating "+c.name+": "+err.Error())
			return nil, false
		}
		res, _ := v.([]sqltypes.Value)
		results[j] = res
	}
	return results, true
}

// Init prepares the operator.
func (o *FlatMap) Init(ctx context.Context, env *Env) error {
	o.ctx, o.env = ctx, env
	for _, c := range o.calls {
		initEvals(env, c.args...)
	}
	return nil
}
