package exec

import (
	"context"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/state"
)

// StreamTableJoin is the operator of a stream-table planner.Join. Input 1
// (the table) materializes its upserts and tombstones in the state table
// RightStore, keyed by the join key, and emits nothing. Input 0 (the
// stream) looks each row up in the table's current state: a match emits
// the joined row; no match emits the row with NULL table columns for a
// LEFT join and nothing for an INNER join. Output rows keep the stream
// row's timestamp. Stream rows with a NULL value or join key are dropped
// (a LEFT join still emits a NULL-key row with NULLs, as Kafka Streams).
type StreamTableJoin struct {
	joinBase
	table string
}

var _ Operator = (*StreamTableJoin)(nil)

// NewStreamTableJoin compiles n's key expressions.
func NewStreamTableJoin(n *planner.Join, props map[string]string) (*StreamTableJoin, error) {
	jb, err := newJoinBase(n, props)
	if err != nil {
		return nil, err
	}
	return &StreamTableJoin{joinBase: jb}, nil
}

// Tables declares the table side's store.
func (j *StreamTableJoin) Tables() []state.TableSpec {
	return []state.TableSpec{{Name: StateName(j.env, j.n.RightStore, j)}}
}

// Init opens the state.
func (j *StreamTableJoin) Init(ctx context.Context, env *Env) error {
	if err := j.init(ctx, env); err != nil {
		return err
	}
	j.table = StateName(env, j.n.RightStore, j)
	j.tables = []string{j.table}
	return nil
}

// Process materializes table rows (input 1) or joins stream rows (input 0).
func (j *StreamTableJoin) Process(ctx context.Context, input int, b *Batch, out Collector) error {
	j.out.Rows = j.out.Rows[:0]
	j.batch = j.db.NewBatch()
	for i := range b.Rows {
		r := &b.Rows[i]
		if input == 1 {
			if err := j.materialize(r); err != nil {
				return err
			}
			continue
		}
		if err := j.lookup(r); err != nil {
			return err
		}
	}
	return j.flushOut(ctx, out)
}

func (j *StreamTableJoin) materialize(r *Row) error {
	_, k, ok := j.key(1, r)
	if !ok {
		return nil
	}
	if r.NullValue {
		j.batch.Delete(j.table, k)
		return nil
	}
	return j.store(j.table, k, r)
}

func (j *StreamTableJoin) lookup(r *Row) error {
	if r.NullValue {
		return nil
	}
	kv, k, ok := j.key(0, r)
	if !ok {
		return nil
	}
	t, err := j.load(j.table, k)
	if err != nil {
		return err
	}
	if t == nil && j.n.Type != parser.JoinLeft {
		return nil
	}
	j.emit(kv, r, t, r.Rowtime, r)
	return nil
}
