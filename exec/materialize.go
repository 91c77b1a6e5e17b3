package exec

import (
	"context"
	"encoding/binary"

	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/state"
)

// Materialize is the operator of planner.Materialize: it keeps the current
// row of every key of a table in the state table n.Table, then forwards
// the batch unchanged. Layout (read back by Pull):
//
//	key   appendValues(key column values)
//	value rowtime (8 bytes big-endian) ‖ appendValues(every column value)
//
// A tombstone deletes the key. Every Process call commits its writes.
type Materialize struct {
	base
	n    *planner.Materialize
	keys []int
	db   state.Store
}

var _ Operator = (*Materialize)(nil)

// NewMaterialize returns the operator of n.
func NewMaterialize(n *planner.Materialize) *Materialize {
	return &Materialize{n: n, keys: n.Props().Key}
}

// Tables declares the materialized table.
func (m *Materialize) Tables() []state.TableSpec {
	return []state.TableSpec{{Name: m.n.Table, Kind: state.KeyValue}}
}

// Init checks that a store is configured.
func (m *Materialize) Init(ctx context.Context, env *Env) error {
	m.ctx, m.env = ctx, env
	if env == nil || env.State == nil {
		return rqlerr.Bug("materialize without a state store")
	}
	m.db = env.State
	return nil
}

// Process stores b's rows and forwards b.
func (m *Materialize) Process(ctx context.Context, _ int, b *Batch, out Collector) error {
	batch := m.db.NewBatch()
	for i := range b.Rows {
		r := &b.Rows[i]
		key, err := encodeMaterializedKey(r.Vals, m.keys)
		if err != nil {
			return err
		}
		if r.NullValue {
			batch.Delete(m.n.Table, key)
			continue
		}
		val, err := encodeMaterializedRow(r)
		if err != nil {
			return err
		}
		batch.Put(m.n.Table, key, val)
	}
	if err := m.db.Commit(batch, nil); err != nil {
		return err
	}
	return out.Collect(ctx, b)
}

func encodeMaterializedKey(vals []sqltypes.Value, keys []int) ([]byte, error) {
	kv := make([]sqltypes.Value, len(keys))
	for i, k := range keys {
		if k < len(vals) {
			kv[i] = vals[k]
		}
	}
	return appendValues(nil, kv)
}

func encodeMaterializedRow(r *Row) ([]byte, error) {
	return appendValues(binary.BigEndian.AppendUint64(nil, uint64(r.Rowtime)), r.Vals)
}

// decodeMaterializedRow reads what encodeMaterializedRow wrote.
func decodeMaterializedRow(p []byte) (Row, error) {
	if len(p) < 8 {
		return Row{}, errCodec
	}
	vals, _, err := readValues(p[8:])
	if err != nil {
		return Row{}, err
	}
	return Row{Vals: vals, Rowtime: int64(binary.BigEndian.Uint64(p))}, nil
}
