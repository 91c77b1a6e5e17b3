package printfmt

import (
	"encoding/binary"
	"testing"
	"time"
)

func be32(v int32) []byte  { b := make([]byte, 4); binary.BigEndian.PutUint32(b, uint32(v)); return b }
func be64(v uint64) []byte { b := make([]byte, 8); binary.BigEndian.PutUint64(b, v); return b }

func TestFormatter(t *testing.T) {
	tests := []struct {
		name             string
		keys, vals       [][]byte
		wantKeyFormats   string
		wantValueFormats string
		wantLast         string
	}{
		{name: "string key, JSON value", keys: [][]byte{[]byte("key-0")}, vals: [][]byte{[]byte(`{"A":1}`)},
			wantKeyFormats: "Key format: KAFKA_STRING", wantValueFormats: "Value format: JSON or KAFKA_STRING",
			wantLast: `rowtime: 1970/01/01 00:00:00.100 Z, key: key-0, value: {"A":1}, partition: 0`},
		{name: "int key, bigint value", keys: [][]byte{be32(7)}, vals: [][]byte{be64(uint64(1) << 40)},
			wantKeyFormats:   "Key format: KAFKA_INT or KAFKA_STRING",
			wantValueFormats: "Value format: KAFKA_BIGINT or KAFKA_DOUBLE or KAFKA_STRING",
			wantLast:         "rowtime: 1970/01/01 00:00:00.100 Z, key: 7, value: 1099511627776, partition: 0"},
		{name: "number-looking string narrows to KAFKA_STRING", keys: [][]byte{[]byte("1234"), []byte("abcde")},
			vals: [][]byte{nil, nil}, wantKeyFormats: "Key format: KAFKA_STRING", wantValueFormats: "Value format: " + NoData,
			wantLast: "rowtime: 1970/01/01 00:00:00.100 Z, key: abcde, value: <null>, partition: 0"},
		{name: "tumbling windowed key", keys: [][]byte{append([]byte("k"), be64(5000)...)}, vals: [][]byte{[]byte(`1`)},
			wantKeyFormats:   "Key format: HOPPING(KAFKA_STRING) or TUMBLING(KAFKA_STRING)",
			wantValueFormats: "Value format: JSON or KAFKA_STRING",
			wantLast:         "rowtime: 1970/01/01 00:00:00.100 Z, key: [k@5000/-], value: 1, partition: 0"},
		{name: "unreadable bytes", keys: [][]byte{{0xff, 0xfe, 0x00}}, vals: [][]byte{{0xff}},
			wantKeyFormats:   "Key format:  does not match any supported format. It may be a STRING with encoding other than UTF8, or some other format.",
			wantValueFormats: "Value format:  does not match any supported format. It may be a STRING with encoding other than UTF8, or some other format.",
			wantLast:         "rowtime: 1970/01/01 00:00:00.100 Z, key: <Failed to deserialize>, value: <Failed to deserialize>, partition: 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := New()
			if got := f.KeyFormats(); got != "Key format: "+NoData {
				t.Errorf("before data: %q", got)
			}
			var last string
			for i := range tc.keys {
				last = f.Line(100, tc.keys[i], tc.vals[i], 0)
			}
			if got := f.KeyFormats(); got != tc.wantKeyFormats {
				t.Errorf("key formats = %q, want %q", got, tc.wantKeyFormats)
			}
			if got := f.ValueFormats(); got != tc.wantValueFormats {
				t.Errorf("value formats = %q, want %q", got, tc.wantValueFormats)
			}
			if last != tc.wantLast {
				t.Errorf("line = %q, want %q", last, tc.wantLast)
			}
		})
	}
}

func TestLineRowtime(t *testing.T) {
	f := New()
	if got, want := f.Line(1588344313111, []byte("k1"), []byte(`{"X":1}`), 2),
		`rowtime: 2020/05/01 14:45:13.111 Z, key: k1, value: {"X":1}, partition: 2`; got != want {
		t.Errorf("line = %q, want %q", got, want)
	}
	if got := f.Line(-1, nil, nil, 0); got != "rowtime: N/A, key: <null>, value: <null>, partition: 0" {
		t.Errorf("no-timestamp line = %q", got)
	}
	// A record without a timestamp (the zero time.Time) has none either.
	if got := f.Line(time.Time{}.UnixMilli(), nil, nil, 0); got != "rowtime: N/A, key: <null>, value: <null>, partition: 0" {
		t.Errorf("zero-time line = %q", got)
	}
}
