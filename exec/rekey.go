package exec

import (
	"context"

	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
)

// Rekey (PARTITION BY) appends the new key columns to each row. A key
// expression error makes that key NULL and is logged.
type Rekey struct {
	base
	keys []*Evaluator
	// keyOnly marks key expressions that read only key columns: they are
	// computed for null-valued records too (others give NULL).
	keyOnly []bool
	width   int
	out     Batch
}

var _ Operator = (*Rekey)(nil)

// NewRekey compiles n's key expressions.
func NewRekey(n *planner.Rekey, props map[string]string) (*Rekey, error) {
	r := &Rekey{width: len(n.Input.Schema().Columns)}
	in := n.Input.Schema()
	for _, k := range n.Keys {
		e, err := Compile(k, props)
		if err != nil {
			return nil, err
		}
		r.keys = append(r.keys, e)
		only := true
		for _, i := range planner.ColumnsUsed(k) {
			only = only && in.Columns[i].NS == sqltypes.NSKey
		}
		r.keyOnly = append(r.keyOnly, only)
	}
	return r, nil
}

// Process rekeys b into out.
func (k *Rekey) Process(ctx context.Context, _ int, b *Batch, out Collector) error {
	k.out.Rows = k.out.Rows[:0]
	for i := range b.Rows {
		r := &b.Rows[i]
		o := *r
		o.NullKey = false
		o.Vals = make([]sqltypes.Value, k.width+len(k.keys))
		copy(o.Vals, r.Vals)
		for j, e := range k.keys {
			if r.NullValue && !k.keyOnly[j] {
				continue // value columns of a null-valued record are unknown
			}
			v, err := e.Eval(r)
			if err != nil {
				k.env.log(r, "Error computing PARTITION BY expression "+e.Expr.String()+": "+err.Error())
				continue
			}
			o.Vals[k.width+j] = v
		}
		k.out.Rows = append(k.out.Rows, o)
	}
	return out.Collect(ctx, &k.out)
}

// Init prepares the operator.
func (o *Rekey) Init(ctx context.Context, env *Env) error {
	o.ctx, o.env = ctx, env
	initEvals(env, o.keys...)
	return nil
}
