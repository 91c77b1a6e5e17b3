package state

import (
	"github.com/linxGnu/grocksdb"
)

// iter is a bounded RocksDB iterator over one table's key range. Its read
// options own the bound buffers: RocksDB keeps pointers to them, so they
// must outlive the iterator (released in release).
type iter struct {
	d       *DB
	it      *grocksdb.Iterator
	ro      *grocksdb.ReadOptions
	lo, hi  []byte // stored-key bounds; hi nil = unbounded
	skip    int    // table prefix length stripped from keys
	reverse bool
	done    bool // released (closed by the caller or by DB.Close)
	err     error
}

// errIter is an iterator that yields nothing but an error.
type errIter struct{ err error }

func (e errIter) Valid() bool   { return false }
func (e errIter) Next()         {}
func (e errIter) Key() []byte   { return nil }
func (e errIter) Value() []byte { return nil }
func (e errIter) Err() error    { return e.err }
func (e errIter) Close()        {}

// Range iterates table's committed entries with lo <= key < hi, in key
// order. A nil (or empty) lo starts at the table's first key; a nil (or
// empty) hi runs to the table's end. Errors surface through Err.
func (d *DB) Range(table string, lo, hi []byte) Iterator {
	if err := checkTable(table); err != nil {
		return errIter{err}
	}
	return d.newIter(table, lo, hi, false)
}

// Reverse iterates the same entries as Range, from the highest key down.
func (d *DB) Reverse(table string, lo, hi []byte) Iterator {
	if err := checkTable(table); err != nil {
		return errIter{err}
	}
	return d.newIter(table, lo, hi, true)
}

// Prefix iterates table's committed entries whose key starts with prefix,
// in key order (all of the table for an empty prefix).
func (d *DB) Prefix(table string, prefix []byte) Iterator {
	if err := checkTable(table); err != nil {
		return errIter{err}
	}
	if len(prefix) == 0 {
		return d.newIter(table, nil, nil, false)
	}
	hi := prefixEnd(nil, prefix)
	if hi == nil { // prefix is all 0xff: to the table's end
		return d.newIter(table, prefix, nil, false)
	}
	return d.newIter(table, prefix, hi, false)
}

// newIter opens an iterator over a table's stored range (table unchecked,
// so that the reserved table can be read too).
func (d *DB) newIter(table string, lo, hi []byte, reverse bool) Iterator {
	if err := d.rlock(); err != nil {
		return errIter{err}
	}
	defer d.mu.RUnlock()
	it := &iter{d: d, skip: 1 + len(table), reverse: reverse}
	it.lo = appendTableKey(nil, table, lo)
	if len(hi) > 0 {
		it.hi = appendTableKey(nil, table, hi)
	} else {
		it.hi = prefixEnd(nil, it.lo[:it.skip])
	}
	it.ro = grocksdb.NewDefaultReadOptions()
	it.ro.SetFillCache(true)
	it.ro.SetIterateLowerBound(it.lo)
	if it.hi != nil {
		it.ro.SetIterateUpperBound(it.hi)
	}
	it.it = d.db.NewIterator(it.ro)
	if reverse {
		it.it.SeekToLast()
	} else {
		it.it.Seek(it.lo)
	}
	d.itersMu.Lock() // the shared d.mu keeps Close out meanwhile
	d.iters[it] = struct{}{}
	d.itersMu.Unlock()
	return it
}

func (it *iter) Valid() bool {
	if it.done || it.err != nil {
		return false
	}
	if it.it.Valid() {
		return true
	}
	if err := it.it.Err(); err != nil {
		it.err = errIO(err, "iterate state store %s", it.d.dir)
	}
	return false
}

func (it *iter) Next() {
	if it.done {
		return
	}
	if it.reverse {
		it.it.Prev()
	} else {
		it.it.Next()
	}
}

func (it *iter) Key() []byte {
	if it.done {
		return nil
	}
	return it.it.Key().Data()[it.skip:]
}

func (it *iter) Value() []byte {
	if it.done {
		return nil
	}
	return it.it.Value().Data()
}

func (it *iter) Err() error { return it.err }

// Close releases the iterator and unregisters it from its DB.
func (it *iter) Close() {
	d := it.d
	d.itersMu.Lock()
	if !it.done {
		it.release()
		delete(d.iters, it)
	}
	d.itersMu.Unlock()
}

// release frees the RocksDB iterator, then its read options. Callers hold
// d.itersMu.
func (it *iter) release() {
	if it.done {
		return
	}
	it.done = true
	it.it.Close()
	it.ro.Destroy()
}
