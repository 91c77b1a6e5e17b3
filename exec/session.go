package exec

import (
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/state"
)

// Session windows. A record at t joins every session of its group that
// ends at or after t - gap and starts at or before t + gap; they merge into
// one session [min start, max end] (a session's end is its last event; one
// event makes a session with start = end). The merged sessions are
// tombstoned first (EMIT CHANGES), their accumulators merged
// (Merge(Merge(Init(), s1), s2)...), then the record is added.
//
// A session closes when stream time minus grace minus gap passes its end:
// a record whose merged session would end before that is dropped (and
// counted), and closed sessions no longer merge. With EMIT FINAL a
// session's result is emitted once, when it closes.

type session struct {
	key        []byte
	start, end int64
	e          *entry
}

func (a *Aggregate) processSession(r *Row) error {
	if r.NullValue {
		return nil
	}
	gk, ok := a.groupKey(r)
	if !ok {
		return nil
	}
	w := a.n.Window
	a.advance(r.Rowtime)
	closeTime := a.streamTime - w.Grace - w.Size
	t := r.Rowtime
	gkb, err := appendValues(nil, gk)
	if err != nil {
		return err
	}
	// Sessions are read from committed state: commit what came before.
	if err := a.db.Commit(a.batch, nil); err != nil {
		return err
	}
	var merged []session
	start, end := t, t
	it := a.db.Prefix(a.table, state.SessionPrefix(nil, gkb))
	for ; it.Valid(); it.Next() {
		_, s, e, err := state.DecodeSessionKey(it.Key())
		if err != nil {
			it.Close()
			return err
		}
		if e < t-w.Size || s > t+w.Size || e < closeTime {
			continue
		}
		ent, err := a.decodeEntry(it.Value())
		if err != nil {
			it.Close()
			return err
		}
		merged = append(merged, session{key: append([]byte(nil), it.Key()...), start: s, end: e, e: ent})
		start, end = min(start, s), max(end, e)
	}
	it.Close()
	if err := it.Err(); err != nil {
		return err
	}
	if end < closeTime {
		a.late.Add(1)
		return a.maybeEmitClosedSessions(r)
	}
	ne := a.newEntry()
	for _, s := range merged {
		for i, ag := range a.aggs {
			acc, err := ag.Merge(ne.accs[i], s.e.accs[i])
			if err != nil {
				a.env.log(r, "Error merging sessions of "+a.n.Aggs[i].Text+": "+err.Error())
				continue
			}
			ne.accs[i] = acc
		}
		ne.maxTime = max(ne.maxTime, s.e.maxTime)
		a.batch.Delete(a.table, s.key)
		if a.n.EmitFinal {
			a.batch.Delete(a.finalTable, appendTS(nil, s.end, s.key))
		} else if s.e.passed {
			a.out.Rows = append(a.out.Rows, a.tombstone(gk, s.e.maxTime, s.start, s.end, r))
		}
	}
	a.fold(ne, a.evalArgs(r), false, r)
	ne.maxTime = max(ne.maxTime, t)
	key := state.SessionKey(nil, gkb, start, end)
	if a.n.EmitFinal {
		a.batch.Put(a.finalTable, appendTS(nil, end, key), nil)
	} else {
		ne.passed = a.emit(gk, ne, ne.maxTime, start, end, r)
	}
	if err := a.store(a.table, key, ne); err != nil {
		return err
	}
	return a.maybeEmitClosedSessions(r)
}

// maybeEmitClosedSessions emits (EMIT FINAL) the sessions that closed, in
// end order, and forgets them.
func (a *Aggregate) maybeEmitClosedSessions(src *Row) error {
	if !a.n.EmitFinal {
		return nil
	}
	if err := a.db.Commit(a.batch, nil); err != nil {
		return err
	}
	w := a.n.Window
	closeTime := a.streamTime - w.Grace - w.Size
	it := a.db.Range(a.finalTable, nil, nil)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		idx := append([]byte(nil), it.Key()...)
		if len(idx) < 8 {
			a.batch.Delete(a.finalTable, idx)
			continue
		}
		if readTS(idx) >= closeTime {
			break
		}
		key := idx[8:]
		a.batch.Delete(a.finalTable, idx)
		e, err := a.load(a.table, key)
		if err != nil {
			return err
		}
		a.batch.Delete(a.table, key)
		if e == nil {
			continue
		}
		gkb, s, end, err := state.DecodeSessionKey(key)
		if err != nil {
			return err
		}
		var gk []sqltypes.Value
		if gk, _, err = readValues(gkb); err != nil {
			return err
		}
		a.emitFinal(gk, e, s, end, src)
	}
	return it.Err()
}
