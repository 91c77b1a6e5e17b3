package exec

import (
	"reflect"
	"testing"

	"github.com/rql/rql/sqltypes"
)

func TestValueCodecRoundTrip(t *testing.T) {
	cases := []sqltypes.Value{
		nil, true, false, int32(-7), int64(1 << 40), 2.5, sqltypes.NewDecimal(-1234, 2),
		"héllo", []byte{0, 1, 2}, sqltypes.Timestamp(-5), sqltypes.Date(19000), sqltypes.Time(1000),
		[]sqltypes.Value{int32(1), nil, "x"},
		&sqltypes.Map{Keys: []sqltypes.Value{"a", "b"}, Vals: []sqltypes.Value{int64(1), nil}},
		&sqltypes.Struct{Vals: []sqltypes.Value{[]sqltypes.Value{2.0}, sqltypes.NewDecimal(5, 0)}},
	}
	for _, v := range cases {
		enc, err := appendValue(nil, v)
		if err != nil {
			t.Fatalf("%#v: %v", v, err)
		}
		got, rest, err := readValue(enc)
		if err != nil || len(rest) != 0 {
			t.Fatalf("%#v: err %v, %d bytes left", v, err, len(rest))
		}
		if d, ok := v.(sqltypes.Decimal); ok {
			g := got.(sqltypes.Decimal)
			if g.Scale != d.Scale || g.Unscaled.Cmp(d.Unscaled) != 0 {
				t.Fatalf("decimal %v round-tripped to %v", d, g)
			}
			continue
		}
		if !reflect.DeepEqual(got, v) {
			t.Fatalf("%#v round-tripped to %#v", v, got)
		}
	}
	if _, _, err := readValue([]byte{tagString, 10, 'a'}); err == nil {
		t.Fatal("truncated string decoded")
	}
}

func TestWindowStarts(t *testing.T) {
	tests := []struct {
		t, size, adv int64
		want         []int64
	}{
		{t: 7, size: 10, adv: 10, want: []int64{0}},
		{t: 7, size: 10, adv: 5, want: []int64{0, 5}},
		{t: 13251, size: 5000, adv: 1000, want: []int64{9000, 10000, 11000, 12000, 13000}},
		{t: 0, size: 10, adv: 5, want: []int64{0}},
	}
	for _, tc := range tests {
		if got := windowStarts(tc.t, tc.size, tc.adv); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("windowStarts(%d, %d, %d) = %v, want %v", tc.t, tc.size, tc.adv, got, tc.want)
		}
	}
}
