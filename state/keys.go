package state

import (
	"encoding/binary"

	"github.com/rql/rql/rqlerr"
)

// Window and session key layouts (see doc.go):
//
//	WindowKey  = len32(key) || key || ts(start)
//	SessionKey = len32(key) || key || ts(end) || ts(start)
//
// len32 is 4 bytes big-endian; ts(t) is uint64(t) with the sign bit flipped,
// 8 bytes big-endian, so that byte order is numeric order for negative
// timestamps too.

const signBit = 1 << 63

func appendTS(dst []byte, t int64) []byte {
	return binary.BigEndian.AppendUint64(dst, uint64(t)^signBit)
}

func readTS(p []byte) int64 { return int64(binary.BigEndian.Uint64(p) ^ signBit) }

// WindowPrefix appends len32(key) || key to dst: the prefix of every window
// of key (DB.Prefix on it yields them in start order).
func WindowPrefix(dst, key []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(key)))
	return append(dst, key...)
}

// SessionPrefix appends the prefix of every session of key (the same bytes
// as WindowPrefix).
func SessionPrefix(dst, key []byte) []byte { return WindowPrefix(dst, key) }

// WindowKey appends the stored key of key's window starting at start (ms).
func WindowKey(dst, key []byte, start int64) []byte {
	return appendTS(WindowPrefix(dst, key), start)
}

// DecodeWindowKey splits a WindowKey. key aliases enc.
func DecodeWindowKey(enc []byte) (key []byte, start int64, err error) {
	key, rest, err := splitKey(enc, 8)
	if err != nil {
		return nil, 0, err
	}
	return key, readTS(rest), nil
}

// SessionKey appends the stored key of key's session [start, end] (ms).
func SessionKey(dst, key []byte, start, end int64) []byte {
	return appendTS(appendTS(WindowPrefix(dst, key), end), start)
}

// DecodeSessionKey splits a SessionKey. key aliases enc.
func DecodeSessionKey(enc []byte) (key []byte, start, end int64, err error) {
	key, rest, err := splitKey(enc, 16)
	if err != nil {
		return nil, 0, 0, err
	}
	return key, readTS(rest[8:]), readTS(rest), nil
}

// splitKey splits len32(key) || key || rest, checking len(rest) == tail.
func splitKey(enc []byte, tail int) (key, rest []byte, err error) {
	if len(enc) < 4+tail {
		return nil, nil, rqlerr.New(rqlerr.StateKey, "window key of %d bytes is too short", len(enc))
	}
	n := int(binary.BigEndian.Uint32(enc))
	if n != len(enc)-4-tail {
		return nil, nil, rqlerr.New(rqlerr.StateKey, "window key of %d bytes has a %d-byte record key", len(enc), n)
	}
	return enc[4 : 4+n : 4+n], enc[4+n:], nil
}

// WindowRange returns the bounds [lo, hi) of key's windows with
// from <= start < to, appended to dst (lo and hi share its memory; hi
// follows lo). Pass them to DB.Range or DB.Reverse.
func WindowRange(dst, key []byte, from, to int64) (lo, hi []byte) {
	n := len(dst)
	dst = WindowKey(dst, key, from)
	m := len(dst)
	dst = WindowKey(dst, key, to)
	return dst[n:m:m], dst[m:]
}

// SessionRange returns the bounds [lo, hi) of key's sessions that end at
// or after minEnd, appended to dst. hi is nil when key's prefix has no
// successor (never for keys shorter than 4 GiB).
func SessionRange(dst, key []byte, minEnd int64) (lo, hi []byte) {
	n := len(dst)
	dst = WindowPrefix(dst, key)
	m := len(dst)
	dst = appendTS(dst, minEnd)
	e := len(dst)
	lo = dst[n:e:e]
	if end := prefixEnd(dst, dst[n:m]); end != nil {
		hi = end[e:]
	}
	return lo, hi
}

// Windows iterates table's windows of key with from <= start < to, in
// start order (table keys are WindowKeys; decode them with DecodeWindowKey).
func (d *DB) Windows(table string, key []byte, from, to int64) Iterator {
	if to <= from {
		return errIter{}
	}
	lo, hi := WindowRange(nil, key, from, to)
	return d.Range(table, lo, hi)
}

// Sessions iterates table's sessions of key with end >= minEnd and
// start <= maxStart (the sessions overlapping [minEnd, maxStart]), ordered
// by end then start (sessions starting after maxStart are skipped, not
// seeked over: cheap for the few sessions a key has). For session merging with gap g around a record at t:
// Sessions(table, key, t-g, t+g).
func (d *DB) Sessions(table string, key []byte, minEnd, maxStart int64) Iterator {
	lo, hi := SessionRange(nil, key, minEnd)
	return &startFilter{Iterator: d.Range(table, lo, hi), maxStart: maxStart}
}

// startFilter skips sessions that start after maxStart.
type startFilter struct {
	Iterator
	maxStart int64
}

func (f *startFilter) Valid() bool {
	for f.Iterator.Valid() {
		k := f.Iterator.Key()
		if len(k) >= 8 && readTS(k[len(k)-8:]) <= f.maxStart {
			return true
		}
		f.Iterator.Next()
	}
	return false
}
