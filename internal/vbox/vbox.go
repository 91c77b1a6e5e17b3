// Package vbox turns scalars into sqltypes.Values (interfaces) without an
// allocation each.
//
// Storing a string, int64, int32 or float64 in an interface copies it to the heap
// (16, 8 or 4 bytes per value: in the hot path, the bulk of a decoded or
// computed row's allocations). A Boxes copies it into a slot of a block it
// allocates every Slots values instead, and makes the interface point at
// the slot, exactly as the runtime's own conversion points at its copy
// (the interface's dynamic type and equality are those of the plain
// conversion). A slot is written once, before its Value exists, and never
// again, so Values stay immutable; a block lives as long as any Value in
// it. A Boxes is used by one goroutine at a time.
package vbox

import (
	"unsafe"

	"github.com/rql/rql/sqltypes"
)

// Slots is the number of values of a block.
const Slots = 64

// Boxes holds the current blocks. The zero value is ready to use.
type Boxes struct {
	strs   []string
	ints   []int64
	int32s []int32
	floats []float64
}

// eface is the layout of an empty interface (runtime.eface).
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// The dynamic type words of string, int64, int32 and float64 Values.
var (
	stringType  = typeOf("")
	int64Type   = typeOf(int64(0))
	int32Type   = typeOf(int32(0))
	float64Type = typeOf(float64(0))
)

func typeOf(v sqltypes.Value) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

func makeValue(typ, data unsafe.Pointer) sqltypes.Value {
	var v sqltypes.Value
	e := (*eface)(unsafe.Pointer(&v))
	e.typ, e.data = typ, data
	return v
}

// String returns s as a Value.
func (b *Boxes) String(s string) sqltypes.Value {
	if len(b.strs) == 0 {
		b.strs = make([]string, Slots)
	}
	p := &b.strs[0]
	*p = s
	b.strs = b.strs[1:]
	return makeValue(stringType, unsafe.Pointer(p))
}

// Int64 returns n as a Value.
func (b *Boxes) Int64(n int64) sqltypes.Value {
	if n >= 0 && n < 256 {
		return n // the runtime boxes these without allocating
	}
	if len(b.ints) == 0 {
		b.ints = make([]int64, Slots)
	}
	p := &b.ints[0]
	*p = n
	b.ints = b.ints[1:]
	return makeValue(int64Type, unsafe.Pointer(p))
}

// Int32 returns n as a Value.
func (b *Boxes) Int32(n int32) sqltypes.Value {
	if n >= 0 && n < 256 {
		return n // the runtime boxes these without allocating
	}
	if len(b.int32s) == 0 {
		b.int32s = make([]int32, Slots)
	}
	p := &b.int32s[0]
	*p = n
	b.int32s = b.int32s[1:]
	return makeValue(int32Type, unsafe.Pointer(p))
}

// Float64 returns f as a Value.
func (b *Boxes) Float64(f float64) sqltypes.Value {
	if len(b.floats) == 0 {
		b.floats = make([]float64, Slots)
	}
	p := &b.floats[0]
	*p = f
	b.floats = b.floats[1:]
	return makeValue(float64Type, unsafe.Pointer(p))
}
