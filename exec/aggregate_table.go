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
	oldGK, oldArgs, gk, args, err := a.swapInput(r)
	if err != nil {
		return err
	}
	if oldGK != nil && gk != nil && sameValues(oldGK, gk) {
		// The row stays in its group: one update, the old value undone and
		// the new one added.
		return a.replace(gk, oldArgs, args, r)
	}
	if oldGK != nil {
		if err := a.update(oldGK, oldArgs, true, r); err != nil {
			return err
		}
	}
	if gk != nil {
		return a.update(gk, args, false, r)
	}
	return nil
}

// swapInput stages r as the current version of its input key in the input
// store and returns the previous version's group key and arguments (nil
// when there was none) and r's (nil for a tombstone, or when r's group key
// is NULL or cannot be evaluated: the row is in no group).
func (a *Aggregate) swapInput(r *Row) (oldGK []sqltypes.Value, oldArgs [][]sqltypes.Value,
	gk []sqltypes.Value, args [][]sqltypes.Value, err error) {
	ik, err := a.inputKey(r)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if old, ok, err := a.db.GetThrough(a.batch, a.inTable, ik, nil); err != nil {
		return nil, nil, nil, nil, err
	} else if ok {
		if oldGK, oldArgs, err = a.decodeInput(old); err != nil {
			return nil, nil, nil, nil, err
		}
	}
	if !r.NullValue {
		if k, ok := a.groupKey(r); ok {
			gk, args = k, a.evalArgs(r)
		}
	}
	if gk == nil {
		a.batch.Delete(a.inTable, ik)
		return oldGK, oldArgs, nil, nil, nil
	}
	enc, err := a.encodeInput(gk, args)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	a.batch.Put(a.inTable, ik, enc)
	return oldGK, oldArgs, gk, args, nil
}

// replace undoes old and adds args in group gk, emitting once.
func (a *Aggregate) replace(gk []sqltypes.Value, old, args [][]sqltypes.Value, r *Row) error {
	key, err := appendValues(a.buf[:0], gk)
	if err != nil {
		return err
	}
	e, err := a.load(a.table, key)
	if err != nil {
		return err
	}
	if e == nil {
		e = a.newEntry()
	} else {
		a.fold(e, old, true, r)
	}
	a.fold(e, args, false, r)
	e.maxTime = r.Rowtime
	e.passed = a.emit(gk, e, r.Rowtime, 0, 0, r)
	return a.store(a.table, key, e)
}

func sameValues(a, b []sqltypes.Value) bool {
	x, err1 := appendValues(nil, a)
	y, err2 := appendValues(nil, b)
	return err1 == nil && err2 == nil && string(x) == string(y)
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
