package exec

import (
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// processTableRow aggregates one change of a table (upsert) input: the
// previous row of the same input key, remembered in the input store, is
// undone from its group (emitting the subtracted result), then the new row
// is added to its group; a tombstone only undoes.
func (a *Aggregate) processTableRow(r *Row) error {
	ik, err := a.inputKey(r)
	if err != nil {
		return err
	}
	if old, ok, err := a.db.GetThrough(a.batch, a.inTable, ik, nil); err != nil {
		return err
	} else if ok {
		gk, args, err := a.decodeInput(old)
		if err != nil {
			return err
		}
		if err := a.update(gk, args, true, r); err != nil {
			return err
		}
	}
	if r.NullValue {
		a.batch.Delete(a.inTable, ik)
		return nil
	}
	gk, ok := a.groupKey(r)
	if !ok {
		a.batch.Delete(a.inTable, ik)
		return nil
	}
	args := a.evalArgs(r)
	enc, err := a.encodeInput(gk, args)
	if err != nil {
		return err
	}
	a.batch.Put(a.inTable, ik, enc)
	return a.update(gk, args, false, r)
}

// inputKey encodes the input row's key columns.
func (a *Aggregate) inputKey(r *Row) ([]byte, error) {
	vals := make([]sqltypes.Value, len(a.inKey))
	for i, k := range a.inKey {
		if k < len(r.Vals) {
			vals[i] = r.Vals[k]
		}
	}
	return appendValues(nil, vals)
}

// encodeInput stores a row's group key and arguments: the group key values,
// then each call's arguments.
func (a *Aggregate) encodeInput(gk []sqltypes.Value, args [][]sqltypes.Value) ([]byte, error) {
	buf, err := appendValues(nil, gk)
	if err != nil {
		return nil, err
	}
	for _, as := range args {
		if buf, err = appendValues(buf, as); err != nil {
			return nil, err
		}
	}
	return buf, nil
}

func (a *Aggregate) decodeInput(p []byte) ([]sqltypes.Value, [][]sqltypes.Value, error) {
	gk, rest, err := readValues(p)
	if err != nil {
		return nil, nil, err
	}
	args := make([][]sqltypes.Value, len(a.aggs))
	for i := range args {
		if args[i], rest, err = readValues(rest); err != nil {
			return nil, nil, err
		}
	}
	if len(gk) != len(a.groupBy) {
		return nil, nil, rqlerr.New(rqlerr.StateCorrupt, "stored input row has %d key columns, the query groups by %d", len(gk), len(a.groupBy))
	}
	return gk, args, nil
}
