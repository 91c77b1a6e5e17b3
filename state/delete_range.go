package state

import (
	"encoding/binary"

	"github.com/linxGnu/grocksdb"
	"github.com/rql/rql/rqlerr"
)

// DeleteRange deletes table's committed entries with lo <= key < hi (nil
// lo: from the table's first key; nil hi: to its last) at once, with one
// RocksDB range tombstone: the cost does not depend on how many entries
// the range holds. Like DropTable it is applied immediately, outside any
// Batch, and it is not a changelog record: use it for entries that are
// already invisible to the operator (expired window segments), so that a
// crash between it and the operator's next Commit changes nothing that
// can be read.
func (d *DB) DeleteRange(table string, lo, hi []byte) error {
	if err := checkTable(table); err != nil {
		return err
	}
	if err := d.rlock(); err != nil {
		return err
	}
	defer d.mu.RUnlock()
	start := appendTableKey(nil, table, lo)
	var end []byte
	if hi != nil {
		end = appendTableKey(nil, table, hi)
	} else {
		end = prefixEnd(nil, appendTableKey(nil, table, nil))
	}
	if string(start) >= string(end) {
		return nil
	}
	wb := grocksdb.NewWriteBatch()
	wb.DeleteRange(start, end)
	err := d.db.Write(d.wo, wb)
	wb.Destroy()
	if err != nil {
		return errIO(err, "delete a range of state table %s", table)
	}
	return nil
}

// RangeDeleter is implemented by stores that delete key ranges at once
// (*DB). Operators that purge expired state assert it on their Store and
// fall back to deleting entry by entry (DeleteRangeOf).
type RangeDeleter interface {
	DeleteRange(table string, lo, hi []byte) error
}

var _ RangeDeleter = (*DB)(nil)

// DeleteRangeOf deletes table's committed entries in [lo, hi) from s: with
// one range tombstone when s is a RangeDeleter, else entry by entry in one
// committed batch.
func DeleteRangeOf(s Store, table string, lo, hi []byte) error {
	if rd, ok := s.(RangeDeleter); ok {
		return rd.DeleteRange(table, lo, hi)
	}
	b := s.NewBatch()
	it := s.Range(table, lo, hi)
	for ; it.Valid(); it.Next() {
		b.Delete(table, it.Key())
	}
	it.Close()
	if err := it.Err(); err != nil {
		return err
	}
	return s.Commit(b, nil)
}

// Segmented window keys: the layout of window stores that must drop
// expired rows cheaply (stream-stream join windows). Rows are grouped in
// segments of a fixed span of event time, segment first:
//
//	SegmentKey(seg, key, ts) = ts(seg) || WindowKey(key, ts)
//
// (ts() flips the sign bit, so that byte order is numeric order). The rows
// of key in [from, to] are one range per segment the interval overlaps;
// every row older than a segment boundary is one range [nil,
// SegmentStart(seg)) that DeleteRange removes at once. This is Kafka
// Streams' segmented window store, with segments as key prefixes instead
// of separate RocksDB instances.

// Segment returns the segment of timestamp ts for segments of interval ms
// (floor division: negative timestamps have negative segments).
func Segment(ts, interval int64) int64 {
	s := ts / interval
	if ts%interval != 0 && ts < 0 {
		s--
	}
	return s
}

// SegmentStart appends the prefix of segment seg: every key of an earlier
// segment sorts before it.
func SegmentStart(dst []byte, seg int64) []byte { return appendTS(dst, seg) }

// SegmentKey appends the stored key of a row of key at ts in segment seg.
func SegmentKey(dst []byte, seg int64, key []byte, ts int64) []byte {
	return WindowKey(SegmentStart(dst, seg), key, ts)
}

// SegmentRange returns the bounds [lo, hi) of key's rows in segment seg
// with from <= ts < to, appended to dst.
func SegmentRange(dst []byte, seg int64, key []byte, from, to int64) (lo, hi []byte) {
	n := len(dst)
	dst = SegmentKey(dst, seg, key, from)
	m := len(dst)
	dst = SegmentKey(dst, seg, key, to)
	return dst[n:m:m], dst[m:]
}

// DecodeSegmentKey splits what SegmentKey wrote followed by tail bytes
// (e.g. a sequence number). key aliases enc.
func DecodeSegmentKey(enc []byte, tail int) (seg int64, key []byte, ts int64, err error) {
	if len(enc) < 8+tail {
		return 0, nil, 0, rqlerr.New(rqlerr.StateKey, "segment key of %d bytes is too short", len(enc))
	}
	seg = int64(binary.BigEndian.Uint64(enc) ^ signBit)
	key, ts, err = DecodeWindowKey(enc[8 : len(enc)-tail])
	return seg, key, ts, err
}
