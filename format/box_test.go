package format

import (
	"math"
	"runtime"
	"testing"

	"github.com/rql/rql/sqltypes"
)

func TestBoxes(t *testing.T) {
	var b boxes
	var vals []sqltypes.Value
	for i := 0; i < 3*boxSlots; i++ {
		vals = append(vals, b.str(string(rune('a'+i%26))+"x"), b.int64(int64(i)*1000-7), b.float64(float64(i)+0.5))
	}
	vals = append(vals, b.int64(5), b.int64(math.MinInt64), b.float64(math.NaN()), b.str(""))
	runtime.GC()
	for i := 0; i < 3*boxSlots; i++ {
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
	tail := vals[3*3*boxSlots:]
	if tail[0] != sqltypes.Value(int64(5)) || tail[1] != sqltypes.Value(int64(math.MinInt64)) {
		t.Fatalf("ints: %#v", tail[:2])
	}
	if f := tail[2].(float64); !math.IsNaN(f) {
		t.Fatalf("NaN: %v", f)
	}
	if tail[3] != sqltypes.Value("") || vals[0] != sqltypes.Value("ax") {
		t.Fatalf("equality: %#v %#v", tail[3], vals[0])
	}
}
