package vbox

import (
	"math"
	"runtime"
	"testing"

	"github.com/rql/rql/sqltypes"
)

func TestBoxes(t *testing.T) {
	var b Boxes
	var vals []sqltypes.Value
	for i := 0; i < 3*Slots; i++ {
		vals = append(vals, b.String(string(rune('a'+i%26))+"x"), b.Int64(int64(i)*1000-7), b.Float64(float64(i)+0.5))
	}
	vals = append(vals, b.Int64(5), b.Int64(math.MinInt64), b.Float64(math.NaN()), b.String(""), b.Int32(-70000), b.Int32(7))
	runtime.GC()
	for i := 0; i < 3*Slots; i++ {
		s, ok := vals[3*i].(string)
		if !ok || s != string(rune('a'+i%26))+"x" {
			t.Fatalf("string %d: %#v", i, vals[3*i])
		}
		if n, ok := vals[3*i+1].(int64); !ok || n != int64(i)*1000-7 {
			t.Fatalf("int64 %d: %#v", i, vals[3*i+1])
		}
		if f, ok := vals[3*i+2].(float64); !ok || f != float64(i)+0.5 {
			t.Fatalf("float64 %d: %#v", i, vals[3*i+2])
		}
	}
	tail := vals[3*3*Slots:]
	if tail[0] != sqltypes.Value(int64(5)) || tail[1] != sqltypes.Value(int64(math.MinInt64)) {
		t.Fatalf("ints: %#v", tail[:2])
	}
	if f := tail[2].(float64); !math.IsNaN(f) {
		t.Fatalf("NaN: %v", f)
	}
	if tail[4] != sqltypes.Value(int32(-70000)) || tail[5] != sqltypes.Value(int32(7)) {
		t.Fatalf("int32s: %#v", tail[4:])
	}
	if tail[3] != sqltypes.Value("") || vals[0] != sqltypes.Value("ax") {
		t.Fatalf("equality: %#v %#v", tail[3], vals[0])
	}
}

func TestBoxesDoNotAllocatePerValue(t *testing.T) {
	var b Boxes
	n := testing.AllocsPerRun(1000, func() {
		_ = b.String("abc")
		_ = b.Int64(123456)
		_ = b.Float64(1.5)
		_ = b.Int32(-99999)
	})
	if n > 0.1 {
		t.Fatalf("%.2f allocations per call", n)
	}
}
