package state

import (
	"unsafe"
)

// Batch collects writes to apply atomically with DB.Commit. It keeps one
// entry per (table, key): a later Put or Delete replaces an earlier one, so
// the batch is also the set of changelog records of a transaction. Nothing
// reaches RocksDB before Commit; reads through the DB do not see a batch
// (use Batch.Get or DB.GetThrough). Put and Delete copy key and val. A
// Batch is not safe for concurrent use; it holds no C memory, so dropping
// it without Commit needs no cleanup.
type Batch struct {
	arena []byte           // stored keys and values, appended; never rewritten before Reset
	ops   []batchOp        // one per distinct stored key, in first-write order
	index map[string]int32 // stored key (aliasing arena) → ops index
	err   error            // first invalid table name; reported by Commit
	rep   []byte           // RocksDB WriteBatch encoding, reused by Commit
	last  string           // table name cache for Each
	// sorted indexes, per table, the ops of the tables that were scanned
	// (see sortedOps in txn_iter.go); nil until the first scan.
	sorted map[string]*tableIndex
}

// batchOp locates one entry in the arena.
type batchOp struct {
	kOff, kLen uint32 // stored key: byte(len(table)) || table || key
	vOff, vLen uint32
	del        bool
}

// NewBatch returns an empty batch (it does not touch the DB, so it works on
// a closed DB too; Commit would fail).
func (d *DB) NewBatch() *Batch { return NewBatch() }

// NewBatch returns an empty batch.
func NewBatch() *Batch { return &Batch{index: map[string]int32{}} }

// Put sets key to val in table.
func (b *Batch) Put(table string, key, val []byte) { b.write(table, key, val, false) }

// Delete removes key from table.
func (b *Batch) Delete(table string, key []byte) { b.write(table, key, nil, true) }

func (b *Batch) write(table string, key, val []byte, del bool) {
	if err := checkTable(table); err != nil {
		if b.err == nil {
			b.err = err
		}
		return
	}
	kOff := len(b.arena)
	b.arena = appendTableKey(b.arena, table, key)
	sk := b.arena[kOff:]
	if i, ok := b.index[string(sk)]; ok {
		// Known key: drop the copy just made and point the entry at a new value.
		b.arena = b.arena[:kOff]
		o := &b.ops[i]
		o.vOff, o.vLen, o.del = uint32(len(b.arena)), uint32(len(val)), del
		b.arena = append(b.arena, val...)
		return
	}
	// The map key aliases the arena: those bytes are never written again
	// until Reset, which clears the map first.
	b.index[unsafe.String(&sk[0], len(sk))] = int32(len(b.ops))
	if ti := b.sorted[table]; ti != nil {
		ti.fresh = append(ti.fresh, int32(len(b.ops)))
	}
	b.ops = append(b.ops, batchOp{
		kOff: uint32(kOff), kLen: uint32(len(sk)),
		vOff: uint32(len(b.arena)), vLen: uint32(len(val)), del: del,
	})
	b.arena = append(b.arena, val...)
}

// Get returns the batch's pending write for key in table: OpPut with the
// value, OpDelete, or OpNone when the batch has not touched the key (then
// read the DB). val is valid until Reset or Commit; do not modify it.
func (b *Batch) Get(table string, key []byte) (val []byte, op Op) {
	if len(b.ops) == 0 || checkTable(table) != nil {
		return nil, OpNone
	}
	var buf [128]byte
	sk := appendTableKey(buf[:0], table, key)
	i, ok := b.index[string(sk)]
	if !ok {
		return nil, OpNone
	}
	o := b.ops[i]
	if o.del {
		return nil, OpDelete
	}
	return b.arena[o.vOff : o.vOff+o.vLen : o.vOff+o.vLen], OpPut
}

// Len is the number of distinct keys the batch writes.
func (b *Batch) Len() int { return len(b.ops) }

// Size is the approximate memory the batch's keys and values take, in
// bytes (it grows with overwritten values until Reset).
func (b *Batch) Size() int { return len(b.arena) }

// Err is the first invalid table name passed to Put or Delete (Commit
// fails with it too).
func (b *Batch) Err() error { return b.err }

// Reset empties the batch, keeping its memory for reuse.
func (b *Batch) Reset() {
	clear(b.index) // first: the map keys alias the arena
	b.sorted = nil
	b.arena = b.arena[:0]
	b.ops = b.ops[:0]
	b.err = nil
}

// Each calls fn for every pending write in first-write order (val is nil
// for OpDelete), e.g. to produce the changelog records of a transaction.
// key and val are valid until Reset or Commit. It stops at fn's first error.
func (b *Batch) Each(fn func(table string, key, val []byte, op Op) error) error {
	for _, o := range b.ops {
		sk := b.arena[o.kOff : o.kOff+o.kLen]
		tl := int(sk[0])
		if tb := sk[1 : 1+tl]; string(tb) != b.last {
			b.last = string(tb)
		}
		key := sk[1+tl : len(sk) : len(sk)]
		var err error
		if o.del {
			err = fn(b.last, key, nil, OpDelete)
		} else {
			err = fn(b.last, key, b.arena[o.vOff:o.vOff+o.vLen:o.vOff+o.vLen], OpPut)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
