package exec

import (
	"context"

	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
)

// Project evaluates one expression per output column. An expression error
// makes that column NULL and is logged. A NullValue row keeps its key
// columns and stays a NullValue row.
type Project struct {
	base
	exprs []*Evaluator
	isKey []bool
	out   Batch
}

var _ Operator = (*Project)(nil)

// NewProject compiles n's expressions.
func NewProject(n *planner.Project, props map[string]string) (*Project, error) {
	p := &Project{}
	for i, e := range n.Exprs {
		c, err := Compile(e, props)
		if err != nil {
			return nil, err
		}
		p.exprs = append(p.exprs, c)
		p.isKey = append(p.isKey, n.Out.Columns[i].NS == sqltypes.NSKey)
	}
	return p, nil
}

// Process projects b into out.
func (p *Project) Process(ctx context.Context, _ int, b *Batch, out Collector) error {
	p.out.Rows = p.out.Rows[:0]
	// One allocation for the values of every output row of the batch (a
	// fresh one per batch: downstream operators may keep a row's Vals).
	n := len(p.exprs)
	slab := make([]sqltypes.Value, len(b.Rows)*n)
	for i := range b.Rows {
		r := &b.Rows[i]
		o := *r
		o.Vals = slab[i*n : (i+1)*n : (i+1)*n]
		for j, e := range p.exprs {
			if r.NullValue && !p.isKey[j] {
				continue
			}
			v, err := e.Eval(r)
			if err != nil {
				p.env.log(r, "Error computing expression "+e.Expr.String()+" for column "+itoa(j)+": "+err.Error())
				continue
			}
			o.Vals[j] = v
		}
		p.out.Rows = append(p.out.Rows, o)
	}
	if len(p.out.Rows) == 0 {
		return nil
	}
	err := out.Collect(ctx, &p.out)
	// Drop the rows: a stale row would keep its batch's values alive.
	clear(p.out.Rows)
	return err
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// Init prepares the operator.
func (o *Project) Init(ctx context.Context, env *Env) error {
	o.ctx, o.env = ctx, env
	initEvals(env, o.exprs...)
	return nil
}
