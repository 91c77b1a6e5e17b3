package engine

import (
	"encoding/binary"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
)

func be32(v int32) []byte  { b := make([]byte, 4); binary.BigEndian.PutUint32(b, uint32(v)); return b }
func be64(v uint64) []byte { b := make([]byte, 8); binary.BigEndian.PutUint64(b, v); return b }

func TestRecordFormatter(t *testing.T) {
	tests := []struct {
		name        string
		keys, vals  [][]byte
		wantKey     []string
		wantValue   []string
		wantLastKey string
		wantLastVal string
	}{
		{name: "string key, JSON value", keys: [][]byte{[]byte("key-0")}, vals: [][]byte{[]byte(`{"A":1}`)},
			wantKey: []string{"KAFKA_STRING"}, wantValue: []string{"JSON", "KAFKA_STRING"},
			wantLastKey: "key-0", wantLastVal: `{"A":1}`},
		{name: "int key, bigint value", keys: [][]byte{be32(7)}, vals: [][]byte{be64(uint64(1) << 40)},
			wantKey: []string{"KAFKA_INT", "KAFKA_STRING"}, wantValue: []string{"KAFKA_BIGINT", "KAFKA_DOUBLE", "KAFKA_STRING"},
			wantLastKey: "7", wantLastVal: "1099511627776"},
		{name: "number-looking string narrows to KAFKA_STRING", keys: [][]byte{[]byte("1234"), []byte("abcde")},
			vals: [][]byte{nil, nil}, wantKey: []string{"KAFKA_STRING"}, wantValue: []string{noData},
			wantLastKey: "abcde", wantLastVal: "<null>"},
		{name: "tumbling windowed key", keys: [][]byte{append([]byte("k"), be64(5000)...)}, vals: [][]byte{[]byte(`1`)},
			wantKey:   []string{"HOPPING(KAFKA_STRING)", "TUMBLING(KAFKA_STRING)"},
			wantValue: []string{"JSON", "KAFKA_STRING"}, wantLastKey: "[k@5000/-]", wantLastVal: "1"},
		{name: "unreadable bytes", keys: [][]byte{{0xff, 0xfe, 0x00}}, vals: [][]byte{{0xff}},
			wantKey: []string{}, wantValue: []string{}, wantLastKey: "<Failed to deserialize>", wantLastVal: "<Failed to deserialize>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newRecordFormatter()
			if got := f.keys.possible(); !slices.Equal(got, []string{noData}) {
				t.Errorf("before data: %v", got)
			}
			var key, val string
			for i := range tc.keys {
				key, val = f.keys.format(tc.keys[i]), f.values.format(tc.vals[i])
			}
			if got := f.keys.possible(); !slices.Equal(got, tc.wantKey) {
				t.Errorf("key formats = %q, want %q", got, tc.wantKey)
			}
			if got := f.values.possible(); !slices.Equal(got, tc.wantValue) {
				t.Errorf("value formats = %q, want %q", got, tc.wantValue)
			}
			if key != tc.wantLastKey || val != tc.wantLastVal {
				t.Errorf("last key, value = %q, %q; want %q, %q", key, val, tc.wantLastKey, tc.wantLastVal)
			}
		})
	}
}

func TestRecordFormatterLine(t *testing.T) {
	f := newRecordFormatter()
	r := &kafka.Record{Partition: 2, Key: []byte("k1"), Value: []byte(`{"X":1}`), Timestamp: time.UnixMilli(1588344313111)}
	want := `rowtime: 2020/05/01 14:45:13.111 Z, key: k1, value: {"X":1}, partition: 2`
	if got := f.line(r); got != want {
		t.Errorf("line = %q, want %q", got, want)
	}
	if got := f.line(&kafka.Record{}); got != "rowtime: N/A, key: <null>, value: <null>, partition: 0" {
		t.Errorf("empty record line = %q", got)
	}
}

func TestJavaDouble(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{1, "1.0"}, {1.5, "1.5"}, {-0.25, "-0.25"}, {0, "0.0"}, {1e7, "1.0E7"}, {1.5e10, "1.5E10"},
		{1e-5, "1.0E-5"}, {0.001, "0.001"}, {123456.789, "123456.789"}, {math.Inf(1), "Infinity"}, {math.NaN(), "NaN"},
	}
	for _, tc := range tests {
		if got := javaDouble(tc.f); got != tc.want {
			t.Errorf("javaDouble(%v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}
