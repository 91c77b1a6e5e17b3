package exec

import (
	"context"

	"github.com/rql/rql/planner"
	"github.com/rql/rql/state"
)

// TableTableJoin is the operator of a primary-key table-table
// planner.Join (inner, left, right, full outer), after Kafka Streams'
// KTableKTable*Join processors. Each input's rows are remembered by join
// key (LeftStore, RightStore); a change on one side looks up the other
// side's current row and emits:
//
//   - both present: the joined row;
//   - this side deleted (tombstone), other present: the other side's outer
//     row (NULLs for this side) when the other side is preserved, else a
//     tombstone;
//   - other side absent: this side's outer row (NULLs for the other) when
//     this side is preserved; a tombstone when it was deleted and had a
//     row; nothing otherwise (an inner join emits nothing for unmatched
//     keys).
//
// The output timestamp is the larger of both sides' row times.
type TableTableJoin struct {
	joinBase
	stores [2]string
}

var _ Operator = (*TableTableJoin)(nil)

// NewTableTableJoin compiles n's key expressions.
func NewTableTableJoin(n *planner.Join, props map[string]string) (*TableTableJoin, error) {
	jb, err := newJoinBase(n, props)
	if err != nil {
		return nil, err
	}
	return &TableTableJoin{joinBase: jb}, nil
}

// Tables declares both sides' stores.
func (j *TableTableJoin) Tables() []state.TableSpec {
	return []state.TableSpec{{Name: StateName(j.env, j.n.LeftStore, j)}, {Name: StateName(j.env, j.n.RightStore, j)}}
}

// Init opens the state.
func (j *TableTableJoin) Init(ctx context.Context, env *Env) error {
	if err := j.init(ctx, env); err != nil {
		return err
	}
	j.stores = [2]string{StateName(env, j.n.LeftStore, j), StateName(env, j.n.RightStore, j)}
	j.tables = j.stores[:]
	return nil
}

// Process applies a batch of changes of input side.
func (j *TableTableJoin) Process(ctx context.Context, input int, b *Batch, out Collector) error {
	j.out.Rows = j.out.Rows[:0]
	j.batch = j.db.NewBatch()
	for i := range b.Rows {
		if err := j.change(input, &b.Rows[i]); err != nil {
			return err
		}
	}
	return j.flushOut(ctx, out)
}

func (j *TableTableJoin) change(side int, r *Row) error {
	kv, k, ok := j.key(side, r)
	if !ok {
		return nil
	}
	old, err := j.load(j.stores[side], k)
	if err != nil {
		return err
	}
	if r.NullValue {
		j.batch.Delete(j.stores[side], k)
	} else if err := j.store(j.stores[side], k, r); err != nil {
		return err
	}
	other, err := j.load(j.stores[1-side], k)
	if err != nil {
		return err
	}
	this := r
	if r.NullValue {
		this = nil
	}
	pair := func(a, b *Row) (*Row, *Row) {
		if side == 0 {
			return a, b
		}
		return b, a
	}
	ts := r.Rowtime
	if other != nil {
		ts = maxTime(ts, other.Rowtime)
	}
	switch {
	case other == nil && !j.n.Outer(side):
		return nil
	case other == nil && this == nil:
		if old != nil {
			j.tombstone(kv, ts, r)
		}
	case this == nil && !j.n.Outer(1-side):
		j.tombstone(kv, ts, r)
	default:
		l, rr := pair(this, other)
		j.emit(kv, l, rr, ts, r)
	}
	return nil
}
