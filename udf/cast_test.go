package udf

import (
	"reflect"
	"testing"

	"github.com/rql/rql/sqltypes"
)

func dec(s string) sqltypes.Decimal {
	d, err := sqltypes.ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// norm makes values comparable with reflect.DeepEqual (decimals by text).
func norm(v sqltypes.Value) any {
	switch x := v.(type) {
	case sqltypes.Decimal:
		return "dec:" + x.String()
	case []sqltypes.Value:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = norm(e)
		}
		return out
	case *sqltypes.Map:
		out := [][2]any{}
		for i := range x.Keys {
			out = append(out, [2]any{norm(x.Keys[i]), norm(x.Vals[i])})
		}
		return out
	case *sqltypes.Struct:
		return norm(x.Vals)
	}
	return v
}

func TestCoerce(t *testing.T) {
	cases := []struct {
		v        sqltypes.Value
		from, to *sqltypes.Type
		want     sqltypes.Value
	}{
		{int32(5), sqltypes.Int, sqltypes.Bigint, int64(5)},
		{int32(5), sqltypes.Int, sqltypes.Double, 5.0},
		{int32(5), sqltypes.Int, sqltypes.DecimalOf(10, 0), dec("5")},
		{int64(-7), sqltypes.Bigint, sqltypes.DecimalOf(19, 0), dec("-7")},
		{dec("1.25"), sqltypes.DecimalOf(3, 2), sqltypes.Double, 1.25},
		{dec("1.25"), sqltypes.DecimalOf(3, 2), sqltypes.DecimalOf(5, 3), dec("1.250")},
		{"2022-06-14", sqltypes.String, sqltypes.DateT, sqltypes.Date(19157)},
		{"2022-06-14", sqltypes.String, sqltypes.TimestampT, sqltypes.Timestamp(1655164800000)},
		{"09:16:00", sqltypes.String, sqltypes.TimeT, sqltypes.Time(33360000)},
		{nil, sqltypes.Int, sqltypes.Bigint, nil},
		{[]sqltypes.Value{int32(1), nil}, sqltypes.ArrayOf(sqltypes.Int), sqltypes.ArrayOf(sqltypes.Bigint), []sqltypes.Value{int64(1), nil}},
		{&sqltypes.Map{Keys: []sqltypes.Value{"a"}, Vals: []sqltypes.Value{int32(2)}}, sqltypes.MapOf(sqltypes.String, sqltypes.Int),
			sqltypes.MapOf(sqltypes.String, sqltypes.Double), &sqltypes.Map{Keys: []sqltypes.Value{"a"}, Vals: []sqltypes.Value{2.0}}},
		{"x", sqltypes.String, sqltypes.Any, "x"},
	}
	for _, c := range cases {
		got, err := Coerce(c.v, c.from, c.to)
		if err != nil {
			t.Errorf("Coerce(%v, %s, %s): %v", c.v, c.from, c.to, err)
			continue
		}
		if !reflect.DeepEqual(norm(got), norm(c.want)) {
			t.Errorf("Coerce(%v, %s, %s) = %#v, want %#v", c.v, c.from, c.to, got, c.want)
		}
	}
	if _, err := Coerce(dec("123.45"), sqltypes.DecimalOf(5, 2), sqltypes.DecimalOf(3, 1)); err == nil {
		t.Error("decimal overflow not reported")
	}
}

func TestCast(t *testing.T) {
	st := sqltypes.StructOf(sqltypes.Field{Name: "F0", Type: sqltypes.Int}, sqltypes.Field{Name: "f1", Type: sqltypes.Int})
	cases := []struct {
		v        sqltypes.Value
		from, to *sqltypes.Type
		want     sqltypes.Value
	}{
		{int64(2147483648), sqltypes.Bigint, sqltypes.Int, int32(-2147483648)},
		{3.99, sqltypes.Double, sqltypes.Int, int32(3)},
		{-3.99, sqltypes.Double, sqltypes.Bigint, int64(-3)},
		{1e300, sqltypes.Double, sqltypes.Int, int32(2147483647)},
		{" 42 ", sqltypes.String, sqltypes.Int, int32(42)},
		{"1.5", sqltypes.String, sqltypes.Double, 1.5},
		{"yes", sqltypes.String, sqltypes.Boolean, true},
		{"F", sqltypes.String, sqltypes.Boolean, false},
		{dec("10.12"), sqltypes.DecimalOf(4, 2), sqltypes.DecimalOf(5, 3), dec("10.120")},
		{dec("1.255"), sqltypes.DecimalOf(4, 3), sqltypes.DecimalOf(3, 2), dec("1.26")},
		{1.1, sqltypes.Double, sqltypes.DecimalOf(3, 2), dec("1.10")},
		{dec("-9.99"), sqltypes.DecimalOf(3, 2), sqltypes.Int, int32(-9)},
		{1.0, sqltypes.Double, sqltypes.String, "1.0"},
		{1e7, sqltypes.Double, sqltypes.String, "1.0E7"},
		{int32(7), sqltypes.Int, sqltypes.String, "7"},
		{true, sqltypes.Boolean, sqltypes.String, "true"},
		{dec("1.50"), sqltypes.DecimalOf(3, 2), sqltypes.String, "1.50"},
		{sqltypes.Timestamp(1655164800123), sqltypes.TimestampT, sqltypes.String, "2022-06-14T00:00:00.123"},
		{sqltypes.Date(19157), sqltypes.DateT, sqltypes.String, "2022-06-14"},
		{sqltypes.Time(33360000), sqltypes.TimeT, sqltypes.String, "09:16:00"},
		{sqltypes.Timestamp(1655164800123), sqltypes.TimestampT, sqltypes.DateT, sqltypes.Date(19157)},
		{sqltypes.Timestamp(1655164800123), sqltypes.TimestampT, sqltypes.TimeT, sqltypes.Time(123)},
		{"2022-06-14T01:02:03.456", sqltypes.String, sqltypes.TimestampT, sqltypes.Timestamp(1655168523456)},
		{"2022-06-14T01:02:03+01:00", sqltypes.String, sqltypes.TimestampT, sqltypes.Timestamp(1655164923000)},
		{[]sqltypes.Value{int32(1), int32(3)}, sqltypes.ArrayOf(sqltypes.Int), sqltypes.String, "[1, 3]"},
		{&sqltypes.Map{Keys: []sqltypes.Value{"this"}, Vals: []sqltypes.Value{int32(1)}}, sqltypes.MapOf(sqltypes.String, sqltypes.Int), sqltypes.String, "{this=1}"},
		{&sqltypes.Struct{Vals: []sqltypes.Value{int32(1), int32(3)}}, st, sqltypes.String, "Struct{F0=1,f1=3}"},
		{[]sqltypes.Value{int64(1), int64(2147483648)}, sqltypes.ArrayOf(sqltypes.Bigint), sqltypes.ArrayOf(sqltypes.String), []sqltypes.Value{"1", "2147483648"}},
		{&sqltypes.Map{Keys: []sqltypes.Value{"k1"}, Vals: []sqltypes.Value{"10"}}, sqltypes.MapOf(sqltypes.String, sqltypes.String),
			sqltypes.MapOf(sqltypes.String, sqltypes.Int), &sqltypes.Map{Keys: []sqltypes.Value{"k1"}, Vals: []sqltypes.Value{int32(10)}}},
		{nil, sqltypes.Null, sqltypes.ArrayOf(sqltypes.Int), nil},
	}
	for _, c := range cases {
		got, err := Cast(c.v, c.from, c.to)
		if err != nil {
			t.Errorf("Cast(%v, %s, %s): %v", c.v, c.from, c.to, err)
			continue
		}
		if !reflect.DeepEqual(norm(got), norm(c.want)) {
			t.Errorf("Cast(%v, %s, %s) = %#v, want %#v", c.v, c.from, c.to, got, c.want)
		}
	}
	for _, bad := range []struct {
		v        sqltypes.Value
		from, to *sqltypes.Type
	}{
		{"abc", sqltypes.String, sqltypes.Int},
		{"maybe", sqltypes.String, sqltypes.Boolean},
		{dec("123.4"), sqltypes.DecimalOf(4, 1), sqltypes.DecimalOf(3, 1)},
		{"2022-13-01", sqltypes.String, sqltypes.DateT},
	} {
		if _, err := Cast(bad.v, bad.from, bad.to); err == nil {
			t.Errorf("Cast(%v, %s, %s): no error", bad.v, bad.from, bad.to)
		}
	}
}

func TestCanCast(t *testing.T) {
	cases := []struct {
		from, to *sqltypes.Type
		want     bool
	}{
		{sqltypes.String, sqltypes.ArrayOf(sqltypes.Int), false},
		{sqltypes.String, sqltypes.MapOf(sqltypes.String, sqltypes.Int), false},
		{sqltypes.ArrayOf(sqltypes.Int), sqltypes.String, true},
		{sqltypes.ArrayOf(sqltypes.Bigint), sqltypes.ArrayOf(sqltypes.Int), true},
		{sqltypes.Int, sqltypes.DecimalOf(5, 2), true},
		{sqltypes.Boolean, sqltypes.Int, false},
		{sqltypes.String, sqltypes.Boolean, true},
		{sqltypes.TimestampT, sqltypes.DateT, true},
		{sqltypes.Null, sqltypes.StructOf(), true},
		{sqltypes.Int, sqltypes.TimestampT, false},
	}
	for _, c := range cases {
		if got := CanCast(c.from, c.to); got != c.want {
			t.Errorf("CanCast(%s, %s) = %v", c.from, c.to, got)
		}
	}
	if msg := CastError(sqltypes.String, sqltypes.StructOf(sqltypes.Field{Name: "F0", Type: sqltypes.String})).Error(); msg != "Cast of STRING to STRUCT<`F0` STRING> is not supported" {
		t.Errorf("CastError = %q", msg)
	}
}

func TestJavaDouble(t *testing.T) {
	for f, want := range map[float64]string{1: "1.0", 0.001: "0.001", 1e7: "1.0E7", 1.234e-5: "1.234E-5", -2.5: "-2.5",
		123456.789: "123456.789", 1e-3 / 2: "5.0E-4", 9999999: "9999999.0", 1.2345678e10: "1.2345678E10"} {
		if got := JavaDouble(f); got != want {
			t.Errorf("JavaDouble(%v) = %s, want %s", f, got, want)
		}
	}
}
