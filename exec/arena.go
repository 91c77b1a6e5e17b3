package exec

import (
	"github.com/rql/rql/format"
	"github.com/rql/rql/sqltypes"
)

// Sizes of the blocks a byteArena carves records from, and the room a
// block must have left to be used for one more record.
const (
	arenaChunk   = 32 << 10
	arenaMinRoom = 1 << 10
)

// byteArena hands out the bytes of serialized keys and values, carved
// from shared blocks instead of one allocation per record. A block is
// never written again once handed out (records may be kept indefinitely:
// the driver stores them, the engine until its producer copied them); a
// full block is dropped and the garbage collector frees it when its last
// record goes. Carved slices are capacity-capped, so appending to one
// never touches its neighbour.
type byteArena struct{ buf []byte }

// encode returns s's serialization of vals, in the arena when it fits in
// the current block (else in an allocation of its own, as Encode made it).
func (a *byteArena) encode(s format.Serde, vals []sqltypes.Value) ([]byte, error) {
	if cap(a.buf)-len(a.buf) < arenaMinRoom {
		a.buf = make([]byte, 0, arenaChunk)
	}
	dst := a.buf[len(a.buf):]
	out, err := s.Encode(dst, vals)
	if err != nil || out == nil {
		return out, err
	}
	if len(out) == 0 {
		return out[:0:0], nil // empty, not null: keep it non-nil
	}
	if cap(out) == cap(dst) && &out[:1][0] == &dst[:1][0] {
		n := len(out)
		a.buf = a.buf[:len(a.buf)+n]
		return out[:n:n], nil
	}
	// Encode outgrew the block: out is its own allocation. Start a fresh
	// block for the next record, the current one being nearly full.
	a.buf = nil
	return out, nil
}
