package state

import (
	"bytes"
	"slices"
)

// tableIndex orders the ops of one table of a Batch for range scans:
// sorted is immutable once built (iterators share it), fresh lists the ops
// of keys added since, merged into a new sorted slice by the next scan.
type tableIndex struct {
	sorted []int32
	fresh  []int32
}

// storedKey is op i's stored key (table prefix included).
func (b *Batch) storedKey(i int32) []byte {
	o := b.ops[i]
	return b.arena[o.kOff : o.kOff+o.kLen : o.kOff+o.kLen]
}

// sortedOps returns the ops of table in key order. The first call for a
// table scans every op of the batch; later calls only merge the keys added
// since (O(new·log new + table size)). The returned slice is never
// modified afterwards, so an iterator may keep it while the batch grows.
func (b *Batch) sortedOps(table string) []int32 {
	if b.sorted == nil {
		b.sorted = map[string]*tableIndex{}
	}
	ti := b.sorted[table]
	if ti == nil {
		ti = &tableIndex{}
		b.sorted[table] = ti
		var buf [64]byte
		prefix := appendTableKey(buf[:0], table, nil)
		for i := range b.ops {
			if bytes.HasPrefix(b.storedKey(int32(i)), prefix) {
				ti.fresh = append(ti.fresh, int32(i))
			}
		}
	}
	if len(ti.fresh) == 0 {
		return ti.sorted
	}
	cmp := func(x, y int32) int { return bytes.Compare(b.storedKey(x), b.storedKey(y)) }
	slices.SortFunc(ti.fresh, cmp)
	merged := make([]int32, 0, len(ti.sorted)+len(ti.fresh))
	i, j := 0, 0
	for i < len(ti.sorted) && j < len(ti.fresh) {
		if cmp(ti.sorted[i], ti.fresh[j]) <= 0 {
			merged = append(merged, ti.sorted[i])
			i++
		} else {
			merged = append(merged, ti.fresh[j])
			j++
		}
	}
	merged = append(merged, ti.sorted[i:]...)
	merged = append(merged, ti.fresh[j:]...)
	ti.sorted, ti.fresh = merged, ti.fresh[:0]
	return merged
}

// mergeIter walks a table's key range in a Batch's pending writes and in
// the committed data at once: a pending Put or Delete of a key hides the
// committed entry; pending deletes are skipped. It reads the pending ops
// as they are when it reaches them (a value rewritten during the iteration
// is seen rewritten); keys added to the batch after the iterator was
// created are not seen. The batch must not be Reset (Apply, Discard)
// while the iterator is open.
type mergeIter struct {
	b       *Batch
	ops     []int32 // the pending ops in range, key order
	pos     int     // next pending op (counting down for reverse)
	skip    int     // table prefix length of stored keys
	db      Iterator
	reverse bool
	src     int // 0 exhausted, 1 pending, 2 committed
}

// newMergeIter builds the merged iterator over [lo, hi) of table (hi nil:
// to the table's end); db is the committed iterator of the same range
// (nil: no committed data).
func newMergeIter(b *Batch, table string, lo, hi []byte, db Iterator, reverse bool) Iterator {
	all := b.sortedOps(table)
	skip := 1 + len(table)
	key := func(i int32) []byte { return b.storedKey(i)[skip:] }
	from, _ := slices.BinarySearchFunc(all, lo, func(op int32, t []byte) int { return bytes.Compare(key(op), t) })
	to := len(all)
	if len(hi) > 0 {
		to, _ = slices.BinarySearchFunc(all, hi, func(op int32, t []byte) int { return bytes.Compare(key(op), t) })
	}
	if to < from {
		to = from
	}
	m := &mergeIter{b: b, ops: all[from:to], skip: skip, db: db, reverse: reverse}
	if reverse {
		m.pos = len(m.ops) - 1
	}
	m.settle()
	return m
}

func (m *mergeIter) pendingValid() bool { return m.pos >= 0 && m.pos < len(m.ops) }

func (m *mergeIter) pendingKey() []byte { return m.b.storedKey(m.ops[m.pos])[m.skip:] }

func (m *mergeIter) advancePending() {
	if m.reverse {
		m.pos--
	} else {
		m.pos++
	}
}

// settle positions the iterator on the next visible entry.
func (m *mergeIter) settle() {
	for {
		pv := m.pendingValid()
		dv := m.db != nil && m.db.Valid()
		if !pv && !dv {
			m.src = 0
			return
		}
		if dv && pv {
			c := bytes.Compare(m.pendingKey(), m.db.Key())
			if m.reverse {
				c = -c
			}
			if c == 0 {
				m.db.Next() // hidden by the pending write
				continue
			}
			if c > 0 {
				m.src = 2
				return
			}
		} else if dv {
			m.src = 2
			return
		}
		if m.b.ops[m.ops[m.pos]].del {
			m.advancePending()
			continue
		}
		m.src = 1
		return
	}
}

func (m *mergeIter) Valid() bool { return m.src != 0 }

func (m *mergeIter) Next() {
	switch m.src {
	case 1:
		m.advancePending()
	case 2:
		m.db.Next()
	default:
		return
	}
	m.settle()
}

func (m *mergeIter) Key() []byte {
	switch m.src {
	case 1:
		return m.pendingKey()
	case 2:
		return m.db.Key()
	}
	return nil
}

func (m *mergeIter) Value() []byte {
	switch m.src {
	case 1:
		o := m.b.ops[m.ops[m.pos]]
		return m.b.arena[o.vOff : o.vOff+o.vLen : o.vOff+o.vLen]
	case 2:
		return m.db.Value()
	}
	return nil
}

func (m *mergeIter) Err() error {
	if m.db != nil {
		return m.db.Err()
	}
	return nil
}

func (m *mergeIter) Close() {
	if m.db != nil {
		m.db.Close()
	}
	m.src = 0
}
