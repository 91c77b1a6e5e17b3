package exec

import (
	"encoding/binary"

	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/state"
)

// Time windows (TUMBLING, HOPPING). A record at t belongs to every window
// [s, s+size) with s a multiple of the advance, s <= t < s+size and s >= 0
// (hopping windows never start below 0). Stream time is the largest rowtime
// seen; a window accepts records while its end is after stream time minus
// the grace period, later records are dropped (and counted). Each accepted
// window's result is emitted at once (EMIT CHANGES) with the latest rowtime
// of the window as its timestamp, or, with EMIT FINAL, once when stream
// time passes its end plus grace; with EMIT FINAL, windows that fall out of
// the retention (max(RETENTION, size + grace)) before being emitted are
// discarded, as the window store expires them in ksqlDB.

func (a *Aggregate) advance(t int64) {
	if t > a.streamTime {
		a.streamTime = t
	}
}

// windowStarts returns the starts of the windows containing t, ascending.
func windowStarts(t, size, adv int64) []int64 {
	if adv <= 0 || size <= 0 || t < 0 {
		return nil
	}
	var out []int64
	first := t - t%adv
	for s := first; s > t-size && s >= 0; s -= adv {
		out = append(out, s)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func (a *Aggregate) processTimeWindow(r *Row) error {
	if r.NullValue {
		return nil
	}
	gk, ok := a.groupKey(r)
	if !ok {
		return nil
	}
	w := a.n.Window
	a.advance(r.Rowtime)
	closeTime := a.streamTime - w.Grace
	args := a.evalArgs(r)
	gkb, err := appendValues(nil, gk)
	if err != nil {
		return err
	}
	accepted := false
	for _, s := range windowStarts(r.Rowtime, w.Size, w.Advance) {
		end := s + w.Size
		if end <= closeTime {
			continue
		}
		accepted = true
		key := state.WindowKey(nil, gkb, s)
		e, err := a.load(a.table, key)
		if err != nil {
			return err
		}
		if e == nil {
			e = a.newEntry()
			if a.n.EmitFinal {
				a.batch.Put(a.finalTable, appendTS(nil, s, key), nil)
			}
		}
		a.fold(e, args, false, r)
		if r.Rowtime > e.maxTime {
			e.maxTime = r.Rowtime
		}
		if !a.n.EmitFinal {
			e.passed = a.emit(gk, e, e.maxTime, s, end, r)
		}
		if err := a.store(a.table, key, e); err != nil {
			return err
		}
	}
	if !accepted {
		a.late.Add(1)
	}
	if a.n.EmitFinal {
		return a.emitClosedWindows(r)
	}
	return nil
}

// emitClosedWindows emits (EMIT FINAL) the windows whose end is at or
// before stream time minus grace, in start then key order, and forgets
// them and the windows that left the retention.
func (a *Aggregate) emitClosedWindows(src *Row) error {
	if err := a.db.Commit(a.batch, nil); err != nil {
		return err
	}
	w := a.n.Window
	retention := max(w.Retention, w.Size+w.Grace)
	closeTime := a.streamTime - w.Grace
	it := a.db.Range(a.finalTable, nil, nil)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		idx := append([]byte(nil), it.Key()...)
		if len(idx) < 8 {
			a.batch.Delete(a.finalTable, idx)
			continue
		}
		start := readTS(idx)
		key := idx[8:]
		if start+w.Size > closeTime {
			break
		}
		a.batch.Delete(a.finalTable, idx)
		expired := start < a.streamTime-retention
		e, err := a.load(a.table, key)
		if err != nil {
			return err
		}
		a.batch.Delete(a.table, key)
		if e == nil || expired {
			continue
		}
		gkb, _, err := state.DecodeWindowKey(key)
		if err != nil {
			return err
		}
		gk, _, err := readValues(gkb)
		if err != nil {
			return err
		}
		e.passed = false
		a.emitFinal(gk, e, start, start+w.Size, src)
	}
	return it.Err()
}

// emitFinal emits a closed window's result when it passes HAVING.
func (a *Aggregate) emitFinal(gk []sqltypes.Value, e *entry, start, end int64, src *Row) {
	row := a.resultRow(gk, e, e.maxTime, start, end, src)
	if a.passes(&row) {
		a.out.Rows = append(a.out.Rows, row)
	}
}

const signBit = 1 << 63

// appendTS appends t as 8 bytes whose byte order is numeric order, then
// rest.
func appendTS(dst []byte, t int64, rest []byte) []byte {
	return append(binary.BigEndian.AppendUint64(dst, uint64(t)^signBit), rest...)
}

func readTS(p []byte) int64 { return int64(binary.BigEndian.Uint64(p) ^ signBit) }
