package exec

import (
	"context"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/state"
)

// GlobalTableJoin is the operator of a planner.Join of kind
// JoinGlobalTable: a stream joined to a global table, after Kafka Streams'
// KStream-GlobalKTable join.
//
// Input 1 is the global table: its upserts and tombstones are kept in the
// state table RightStore, keyed by the table's primary key, and emit
// nothing. The store must hold every row of every partition of the
// table's topic (the runtime feeds this input from all partitions, in
// every task; in the driver every record of the topic reaches it), and is
// rebuilt from the topic itself, which is its changelog: it needs no
// changelog topic of its own.
//
// Input 0 is the stream: each row evaluates LeftKey, any expression of its
// columns, and looks the result up in the store. A match emits the joined
// row; no match (or a NULL lookup key) emits the row with NULL table
// columns for a LEFT join and nothing for an INNER join. The result keeps
// the stream row's key columns (the stream is never re-keyed), time,
// partition and offset. Stream rows with a null value are dropped.
//
// Unlike a stream-table join, a global table is not time-synchronized
// with the stream: a stream row joins the table's state at the moment it
// is processed (see docs/joins.md, freshness).
type GlobalTableJoin struct {
	joinBase
	table   string
	leftKey []int
	keyVals []sqltypes.Value
	buf     []byte
	// Lookups counts stream rows looked up; Misses those that found no
	// table row (NULL lookup keys included).
	Lookups, Misses int64
}

var _ Operator = (*GlobalTableJoin)(nil)

// NewGlobalTableJoin compiles n's key expressions.
func NewGlobalTableJoin(n *planner.Join, props map[string]string) (*GlobalTableJoin, error) {
	jb, err := newJoinBase(n, props)
	if err != nil {
		return nil, err
	}
	return &GlobalTableJoin{joinBase: jb, leftKey: n.Left.Props().Key}, nil
}

// Tables declares the global table's store.
func (j *GlobalTableJoin) Tables() []state.TableSpec {
	return []state.TableSpec{{Name: StateName(j.env, j.n.RightStore, j)}}
}

// Init opens the state.
func (j *GlobalTableJoin) Init(ctx context.Context, env *Env) error {
	if err := j.init(ctx, env); err != nil {
		return err
	}
	j.table = StateName(env, j.n.RightStore, j)
	j.tables = []string{j.table}
	return nil
}

// Process stores global table rows (input 1) or joins stream rows (input 0).
func (j *GlobalTableJoin) Process(ctx context.Context, input int, b *Batch, out Collector) error {
	j.out.Rows = j.out.Rows[:0]
	j.batch = j.db.NewBatch()
	for i := range b.Rows {
		r := &b.Rows[i]
		var err error
		if input == 1 {
			err = j.upsert(r)
		} else {
			err = j.lookup(r)
		}
		if err != nil {
			return err
		}
	}
	return j.flushOut(ctx, out)
}

// lookupKey evaluates side's key expression over r and encodes it (no
// window: a global table is never windowed, and a windowed stream row
// looks up by its value alone). ok is false for a NULL or failed key.
func (j *GlobalTableJoin) lookupKey(side int, r *Row) ([]byte, bool) {
	v, err := j.keys[side].Eval(r)
	if err != nil {
		j.env.log(r, "Error computing join key "+j.keys[side].Expr.String()+": "+err.Error())
		return nil, false
	}
	if v == nil {
		return nil, false
	}
	enc, err := appendValues(j.buf[:0], []sqltypes.Value{v})
	if err != nil {
		j.env.log(r, "Error encoding join key: "+err.Error())
		return nil, false
	}
	j.buf = enc
	return enc, true
}

func (j *GlobalTableJoin) upsert(r *Row) error {
	k, ok := j.lookupKey(1, r)
	if !ok {
		return nil
	}
	if r.NullValue {
		j.batch.Delete(j.table, k)
		return nil
	}
	return j.store(j.table, k, r)
}

func (j *GlobalTableJoin) lookup(r *Row) error {
	if r.NullValue {
		return nil
	}
	j.Lookups++
	var t *Row
	if k, ok := j.lookupKey(0, r); ok {
		var err error
		if t, err = j.load(j.table, k); err != nil {
			return err
		}
	}
	if t == nil {
		j.Misses++
		if j.n.Type != parser.JoinLeft {
			return nil
		}
	}
	j.keyVals = j.keyVals[:0]
	for _, c := range j.leftKey {
		j.keyVals = append(j.keyVals, r.Vals[c])
	}
	row := j.layout.Row(j.keyVals, r, t)
	row.Rowtime, row.Partition, row.Offset, row.Topic = r.Rowtime, r.Partition, r.Offset, r.Topic
	row.WindowStart, row.WindowEnd = r.WindowStart, r.WindowEnd
	row.NullKey = r.NullKey
	j.out.Rows = append(j.out.Rows, row)
	return nil
}
