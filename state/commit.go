package state

import (
	"encoding/binary"

	"github.com/linxGnu/grocksdb"
)

// RocksDB WriteBatch record tags (db/dbformat.h) for the default column
// family. Commit encodes the batch itself (rocksdb/write_batch.cc: 8-byte
// sequence, 4-byte count, then tag || varint32 len || key [|| varint32
// len || value], little-endian header) and hands it over in one cgo call.
const (
	tagDelete = 0x0
	tagPut    = 0x1
)

// offsetsTable is the reserved table holding the offsets (empty name:
// stored prefix 0x00, which no user table can have).
const offsetsTable = ""

// Commit applies every write of b together with offsets in one atomic
// RocksDB write: after a crash the DB holds all of it or none of it.
// offsets are merged into the stored ones (see Offsets). b may be nil to
// store offsets only. On success b is Reset for reuse; on failure it is
// left intact so the caller can retry.
func (d *DB) Commit(b *Batch, offsets Offsets) error {
	if b != nil && b.err != nil {
		return b.err
	}
	if err := d.rlock(); err != nil {
		return err
	}
	defer d.mu.RUnlock()
	var rep []byte
	if b != nil {
		rep = b.rep[:0]
	}
	rep = append(rep, make([]byte, 12)...) // sequence (set by RocksDB) and count
	n := 0
	if b != nil {
		for _, o := range b.ops {
			k := b.arena[o.kOff : o.kOff+o.kLen]
			if o.del {
				rep = append(rep, tagDelete)
				rep = appendBytes(rep, k)
			} else {
				rep = append(rep, tagPut)
				rep = appendBytes(rep, k)
				rep = appendBytes(rep, b.arena[o.vOff:o.vOff+o.vLen])
			}
			n++
		}
	}
	for name, off := range offsets {
		rep = append(rep, tagPut)
		rep = binary.AppendUvarint(rep, uint64(1+len(name)))
		rep = append(rep, 0)
		rep = append(rep, name...)
		rep = binary.AppendUvarint(rep, 8)
		rep = binary.BigEndian.AppendUint64(rep, uint64(off))
		n++
	}
	if b != nil {
		b.rep = rep
	}
	if n == 0 {
		return nil
	}
	binary.LittleEndian.PutUint32(rep[8:12], uint32(n))
	wb := grocksdb.WriteBatchFrom(rep)
	err := d.db.Write(d.wo, wb)
	wb.Destroy()
	if err != nil {
		return errIO(err, "commit to state store %s", d.dir)
	}
	if b != nil {
		b.Reset()
	}
	return nil
}

func appendBytes(dst, p []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(p)))
	return append(dst, p...)
}

// Offsets reads back every offset stored by Commit (empty, not nil, for a
// new DB): the restore checkpoint.
func (d *DB) Offsets() (Offsets, error) {
	it := d.newIter(offsetsTable, nil, nil, false)
	defer it.Close()
	out := Offsets{}
	for ; it.Valid(); it.Next() {
		v := it.Value()
		if len(v) != 8 {
			return nil, errCorrupt("offset %q has %d bytes, want 8", it.Key(), len(v))
		}
		out[string(it.Key())] = int64(binary.BigEndian.Uint64(v))
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// DropTable deletes every committed entry of table at once (a range
// tombstone), e.g. before restoring it from scratch. It does not touch
// batches.
func (d *DB) DropTable(table string) error {
	if err := checkTable(table); err != nil {
		return err
	}
	if err := d.rlock(); err != nil {
		return err
	}
	defer d.mu.RUnlock()
	lo := appendTableKey(nil, table, nil)
	wb := grocksdb.NewWriteBatch()
	wb.DeleteRange(lo, prefixEnd(nil, lo))
	err := d.db.Write(d.wo, wb)
	wb.Destroy()
	if err != nil {
		return errIO(err, "drop state table %s", table)
	}
	return nil
}
