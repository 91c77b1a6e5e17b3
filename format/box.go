package format

import (
	"unsafe"

	"github.com/rql/rql/sqltypes"
)

// boxes turns decoded scalars into Values without one allocation each.
// Storing a string, int64 or float64 in an interface copies it to the heap
// (16 or 8 bytes per value, the bulk of a decoded row's allocations); boxes
// copies it into a slot of a block it allocates every boxSlots values
// instead, and makes the interface point at the slot, as the runtime's own
// conversion points at its copy. A slot is written once, before the Value
// exists, and never again, so Values stay immutable; a block lives as long
// as any Value in it. A boxes is used by one goroutine at a time (it
// belongs to a serde).
type boxes struct {
	strs   []string
	ints   []int64
	floats []float64
}

// boxSlots is the number of values of a block.
const boxSlots = 64

// eface is the layout of an empty interface (runtime.eface).
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// The dynamic type words of string, int64 and float64 Values.
var (
	stringType  = typeOf("")
	int64Type   = typeOf(int64(0))
	float64Type = typeOf(float64(0))
)

func typeOf(v sqltypes.Value) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

func makeValue(typ, data unsafe.Pointer) sqltypes.Value {
	var v sqltypes.Value
	e := (*eface)(unsafe.Pointer(&v))
	e.typ, e.data = typ, data
	return v
}

// str returns s as a Value.
func (b *boxes) str(s string) sqltypes.Value {
	if len(b.strs) == 0 {
		b.strs = make([]string, boxSlots)
	}
	p := &b.strs[0]
	*p = s
	b.strs = b.strs[1:]
	return makeValue(stringType, unsafe.Pointer(p))
}

// int64 returns n as a Value.
func (b *boxes) int64(n int64) sqltypes.Value {
	if n >= 0 && n < 256 {
		return n // the runtime boxes these without allocating
	}
	if len(b.ints) == 0 {
		b.ints = make([]int64, boxSlots)
	}
	p := &b.ints[0]
	*p = n
	b.ints = b.ints[1:]
	return makeValue(int64Type, unsafe.Pointer(p))
}

// float64 returns f as a Value.
func (b *boxes) float64(f float64) sqltypes.Value {
	if len(b.floats) == 0 {
		b.floats = make([]float64, boxSlots)
	}
	p := &b.floats[0]
	*p = f
	b.floats = b.floats[1:]
	return makeValue(float64Type, unsafe.Pointer(p))
}
