package state

import (
	"github.com/rql/rql/rqlerr"
)

// Txn is the transactional view of a DB that the stateful operators of one
// task share: a Store whose writes stage in one pending Batch instead of
// reaching RocksDB. Reads (Get, GetThrough, Range, Reverse, Prefix) see
// the committed data overlaid with the pending writes (read your writes,
// range scans included). The owner of the Txn — the runtime's task, or the
// in-process driver — decides when the staged writes become durable:
//
//	ops write (Commit stages) → Pending() produced as changelog records
//	→ Kafka transaction commits → Apply(changelog offsets)   (or Discard)
//
// Through a Txn:
//
//   - NewBatch returns the pending batch itself: every operator writes into
//     it directly (no copy), and Batch.Get / GetThrough read it.
//   - Commit(b, offsets) stages: a foreign batch b is merged into the
//     pending one (and Reset), offsets are remembered for Apply. Nothing
//     reaches RocksDB.
//   - Apply writes the pending batch and the offsets to the DB atomically
//     (DB.Commit) and empties the transaction; Discard drops it.
//
// A Txn over a nil DB is an empty store (nothing committed; Apply fails):
// builds that only check a plan use it. A Txn is not safe for concurrent
// use; iterators must be closed before Apply or Discard.
type Txn struct {
	db      *DB
	b       *Batch
	offsets Offsets
}

var _ Store = (*Txn)(nil)

// NewTxn returns an empty transaction over db (db may be nil).
func NewTxn(db *DB) *Txn { return &Txn{db: db, b: NewBatch(), offsets: Offsets{}} }

// DB returns the underlying database (nil for an empty store).
func (t *Txn) DB() *DB { return t.db }

// Pending returns the pending batch: the writes of the transaction, one
// entry per key (Batch.Each yields them as changelog records). Do not
// modify it other than through the operators.
func (t *Txn) Pending() *Batch { return t.b }

// Get reads key through the pending writes, then the committed data.
func (t *Txn) Get(table string, key, dst []byte) ([]byte, bool, error) {
	return t.GetThrough(nil, table, key, dst)
}

// GetThrough reads key through b (when it is not the pending batch), the
// pending writes, then the committed data.
func (t *Txn) GetThrough(b *Batch, table string, key, dst []byte) ([]byte, bool, error) {
	if err := checkTable(table); err != nil {
		return dst, false, err
	}
	if b != nil && b != t.b {
		switch v, op := b.Get(table, key); op {
		case OpPut:
			return append(dst, v...), true, nil
		case OpDelete:
			return dst, false, nil
		}
	}
	switch v, op := t.b.Get(table, key); op {
	case OpPut:
		return append(dst, v...), true, nil
	case OpDelete:
		return dst, false, nil
	}
	if t.db == nil {
		return dst, false, nil
	}
	return t.db.get(table, key, dst)
}

// Range iterates table's entries with lo <= key < hi as the transaction
// sees them.
func (t *Txn) Range(table string, lo, hi []byte) Iterator { return t.iter(table, lo, hi, false) }

// Reverse is Range from the highest key down.
func (t *Txn) Reverse(table string, lo, hi []byte) Iterator { return t.iter(table, lo, hi, true) }

// Prefix iterates table's entries whose key starts with prefix.
func (t *Txn) Prefix(table string, prefix []byte) Iterator {
	if len(prefix) == 0 {
		return t.iter(table, nil, nil, false)
	}
	return t.iter(table, prefix, prefixEnd(nil, prefix), false)
}

func (t *Txn) iter(table string, lo, hi []byte, reverse bool) Iterator {
	if err := checkTable(table); err != nil {
		return errIter{err}
	}
	var db Iterator
	if t.db != nil {
		if reverse {
			db = t.db.Reverse(table, lo, hi)
		} else {
			db = t.db.Range(table, lo, hi)
		}
		if t.b.Len() == 0 {
			return db
		}
	}
	return newMergeIter(t.b, table, lo, hi, db, reverse)
}

// NewBatch returns the pending batch (operators write into it directly).
func (t *Txn) NewBatch() *Batch { return t.b }

// Commit stages b (merged into the pending batch unless it is that batch)
// and offsets; nothing is written to the DB until Apply.
func (t *Txn) Commit(b *Batch, offsets Offsets) error {
	if b != nil && b != t.b {
		if b.err != nil {
			return b.err
		}
		_ = b.Each(func(table string, key, val []byte, op Op) error {
			if op == OpDelete {
				t.b.Delete(table, key)
			} else {
				t.b.Put(table, key, val)
			}
			return nil
		})
		b.Reset()
	}
	for k, v := range offsets {
		t.offsets[k] = v
	}
	return t.b.Err()
}

// Offsets returns the committed offsets overlaid with the staged ones.
func (t *Txn) Offsets() (Offsets, error) {
	out := Offsets{}
	if t.db != nil {
		o, err := t.db.Offsets()
		if err != nil {
			return nil, err
		}
		out = o
	}
	for k, v := range t.offsets {
		out[k] = v
	}
	return out, nil
}

// Len is the number of keys the transaction writes.
func (t *Txn) Len() int { return t.b.Len() }

// Apply writes the pending batch and the staged offsets, merged with
// offsets, to the DB in one atomic commit, and empties the transaction.
// On failure the transaction is left as it was.
func (t *Txn) Apply(offsets Offsets) error {
	if t.db == nil {
		return rqlerr.Bug("state transaction applied without a database")
	}
	all := t.offsets
	if len(offsets) > 0 {
		all = make(Offsets, len(t.offsets)+len(offsets))
		for k, v := range t.offsets {
			all[k] = v
		}
		for k, v := range offsets {
			all[k] = v
		}
	}
	if err := t.db.Commit(t.b, all); err != nil {
		return err
	}
	t.b.Reset()
	clear(t.offsets)
	return nil
}

// Discard drops the pending writes and staged offsets (an aborted
// transaction).
func (t *Txn) Discard() {
	t.b.Reset()
	clear(t.offsets)
}

// DropTable deletes table's committed entries and its pending writes.
func (t *Txn) DropTable(table string) error {
	if err := checkTable(table); err != nil {
		return err
	}
	if t.b.Len() > 0 {
		nb := NewBatch()
		var buf [64]byte
		prefix := appendTableKey(buf[:0], table, nil)
		for i, o := range t.b.ops {
			sk := t.b.storedKey(int32(i))
			if len(sk) >= len(prefix) && string(sk[:len(prefix)]) == string(prefix) {
				continue
			}
			tl := int(sk[0])
			name, key := string(sk[1:1+tl]), sk[1+tl:]
			if o.del {
				nb.Delete(name, key)
			} else {
				nb.Put(name, key, t.b.arena[o.vOff:o.vOff+o.vLen])
			}
		}
		// Refill the same batch: operators may hold its pointer.
		t.b.Reset()
		_ = nb.Each(func(name string, key, val []byte, op Op) error {
			if op == OpDelete {
				t.b.Delete(name, key)
			} else {
				t.b.Put(name, key, val)
			}
			return nil
		})
	}
	if t.db == nil {
		return nil
	}
	return t.db.DropTable(table)
}
