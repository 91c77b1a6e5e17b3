package format

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

var allTypesCols = []sqltypes.Column{
	col("B", sqltypes.Boolean),
	col("I", sqltypes.Int),
	col("L", sqltypes.Bigint),
	col("D", sqltypes.Double),
	col("DEC", sqltypes.DecimalOf(4, 2)),
	col("S", sqltypes.String),
	col("BY", sqltypes.Bytes),
	col("TS", sqltypes.TimestampT),
	col("DT", sqltypes.DateT),
	col("TM", sqltypes.TimeT),
	col("A", sqltypes.ArrayOf(sqltypes.Double)),
	col("M", sqltypes.MapOf(sqltypes.String, sqltypes.Int)),
	col("ST", sqltypes.StructOf(sqltypes.Field{Name: "F1", Type: sqltypes.String}, sqltypes.Field{Name: "f2", Type: sqltypes.Int})),
}

func TestJSONEncode(t *testing.T) {
	cases := []struct {
		name  string
		cols  []sqltypes.Column
		opts  Options
		isKey bool
		vals  []sqltypes.Value
		want  string // "<nil>" for a nil result
	}{
		{"all types", allTypesCols, Options{}, false, []sqltypes.Value{
			true, int32(-3), int64(10000000000), 1e7, dec(t, "1.50"), "a\"b\n\u00e9", []byte("hi"),
			sqltypes.Timestamp(1589234313000), sqltypes.Date(-10), sqltypes.Time(65000),
			[]sqltypes.Value{1.0, nil, 0.1}, &sqltypes.Map{Keys: []sqltypes.Value{"z", "a"}, Vals: []sqltypes.Value{int32(1), nil}},
			&sqltypes.Struct{Vals: []sqltypes.Value{"x", int32(2)}},
		}, `{"B":true,"I":-3,"L":10000000000,"D":1.0E7,"DEC":1.50,"S":"a\"b\n` + "\u00e9" + `","BY":"aGk=","TS":1589234313000,"DT":-10,"TM":65000,"A":[1.0,null,0.1],"M":{"z":1,"a":null},"ST":{"F1":"x","f2":2}}`},
		{"nulls wrapped", []sqltypes.Column{col("A", sqltypes.Int), col("B", sqltypes.String)}, Options{}, false,
			[]sqltypes.Value{nil, nil}, `{"A":null,"B":null}`},
		{"single wrapped by default", []sqltypes.Column{col("FOO", sqltypes.Boolean)}, Options{}, false,
			[]sqltypes.Value{true}, `{"FOO":true}`},
		{"single wrapped explicitly", []sqltypes.Column{col("FOO", sqltypes.Boolean)}, Options{WrapSingleValue: boolp(true)}, false,
			[]sqltypes.Value{nil}, `{"FOO":null}`},
		{"single unwrapped", []sqltypes.Column{col("FOO", sqltypes.ArrayOf(sqltypes.Bigint))}, Options{WrapSingleValue: boolp(false)}, false,
			[]sqltypes.Value{[]sqltypes.Value{int64(12), nil}}, `[12,null]`},
		{"single unwrapped null", []sqltypes.Column{col("FOO", sqltypes.Int)}, Options{WrapSingleValue: boolp(false)}, false,
			[]sqltypes.Value{nil}, "<nil>"},
		// Like ksqlDB's JsonConverter (NUMERIC decimals), JSON writes a
		// DECIMAL with its own scale, not the column's: GREATEST(DECIMAL(9,2),
		// DECIMAL(7,6)) is typed DECIMAL(13,6) but returns 1234567.89.
		{"decimal keeps its own scale", []sqltypes.Column{col("V", sqltypes.DecimalOf(6, 4))}, Options{WrapSingleValue: boolp(false)}, false,
			[]sqltypes.Value{dec(t, "12.365")}, `12.365`},
		{"decimal widened type", []sqltypes.Column{col("V", sqltypes.DecimalOf(13, 6))}, Options{}, false,
			[]sqltypes.Value{dec(t, "1234567.89")}, `{"V":1234567.89}`},
		{"NaN quoted", []sqltypes.Column{col("V", sqltypes.Double)}, Options{}, false,
			[]sqltypes.Value{math.NaN()}, `{"V":"NaN"}`},
		{"key single unwrapped", []sqltypes.Column{col("K", sqltypes.String)}, Options{}, true,
			[]sqltypes.Value{"Hey"}, `"Hey"`},
		{"key struct", []sqltypes.Column{col("K", sqltypes.StructOf(sqltypes.Field{Name: "F", Type: sqltypes.Double}))}, Options{}, true,
			[]sqltypes.Value{&sqltypes.Struct{Vals: []sqltypes.Value{45.67}}}, `{"F":45.67}`},
		{"key multi", []sqltypes.Column{col("K", sqltypes.Int), col("K2", sqltypes.Int)}, Options{}, true,
			[]sqltypes.Value{nil, int32(2)}, `{"K":null,"K2":2}`},
		{"key all null", []sqltypes.Column{col("K", sqltypes.Int), col("K2", sqltypes.Int)}, Options{}, true,
			[]sqltypes.Value{nil, nil}, `{"K":null,"K2":null}`},
		{"key single null", []sqltypes.Column{col("K", sqltypes.Int)}, Options{}, true,
			[]sqltypes.Value{nil}, "<nil>"},
		{"control chars", []sqltypes.Column{col("S", sqltypes.String)}, Options{WrapSingleValue: boolp(false)}, false,
			[]sqltypes.Value{"\x01\t</>"}, `"\u0001\t</>"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s Serde
			var err error
			if c.isKey {
				s, err = NewKeySerde(JSON, c.cols, c.opts)
			} else {
				s, err = NewValueSerde(JSON, c.cols, c.opts)
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Encode(nil, c.vals)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				if c.want != "<nil>" {
					t.Fatalf("got nil, want %s", c.want)
				}
				return
			}
			if string(got) != c.want {
				t.Fatalf("got  %s\nwant %s", got, c.want)
			}
			if !json.Valid(got) {
				t.Fatalf("invalid JSON %s", got)
			}
		})
	}
}

func TestJSONDecode(t *testing.T) {
	st := sqltypes.StructOf(sqltypes.Field{Name: "F0", Type: sqltypes.String}, sqltypes.Field{Name: "f1", Type: sqltypes.Int})
	cases := []struct {
		name  string
		cols  []sqltypes.Column
		opts  Options
		isKey bool
		in    string
		want  []sqltypes.Value
	}{
		{"case-insensitive, missing, extra", []sqltypes.Column{col("FOO", sqltypes.Int), col("BAR", sqltypes.String), col("baz", sqltypes.Int)}, Options{}, false,
			`{"foo": 10, "extra": [1], "BAZ": 3}`, []sqltypes.Value{int32(10), nil, nil}},
		{"exact match wins", []sqltypes.Column{col("FOO", sqltypes.Int)}, Options{}, false,
			`{"FOO": 1, "foo": 2}`, []sqltypes.Value{int32(1)}},
		{"all types", allTypesCols, Options{}, false,
			`{"b":true,"i":"-3","l":10000000000,"d":1e7,"dec":1.5,"s":"x","by":"aGk=","ts":1589234313000,"dt":-10,"tm":65000,
			  "a":[1,null,"0.1"],"m":{"z":1,"a":null},"st":{"F1":"x","F2":2}}`,
			[]sqltypes.Value{true, int32(-3), int64(10000000000), 1e7, dec(t, "1.50"), "x", []byte("hi"),
				sqltypes.Timestamp(1589234313000), sqltypes.Date(-10), sqltypes.Time(65000),
				[]sqltypes.Value{1.0, nil, 0.1}, &sqltypes.Map{Keys: []sqltypes.Value{"z", "a"}, Vals: []sqltypes.Value{int32(1), nil}},
				&sqltypes.Struct{Vals: []sqltypes.Value{"x", nil}}}},
		{"quoted struct field needs exact case", []sqltypes.Column{col("V", st)}, Options{}, false,
			`{"V": {"f0": "bob", "f1": 1}}`, []sqltypes.Value{&sqltypes.Struct{Vals: []sqltypes.Value{"bob", int32(1)}}}},
		{"null document wrapped", []sqltypes.Column{col("A", sqltypes.Int), col("B", sqltypes.Int)}, Options{}, false,
			`null`, []sqltypes.Value{nil, nil}},
		{"unwrapped value", []sqltypes.Column{col("FOO", sqltypes.ArrayOf(sqltypes.String))}, Options{WrapSingleValue: boolp(false)}, false,
			`[1, 2, "c", null]`, []sqltypes.Value{[]sqltypes.Value{"1", "2", "c", nil}}},
		{"unwrapped map", []sqltypes.Column{col("V", sqltypes.MapOf(sqltypes.String, sqltypes.Double))}, Options{WrapSingleValue: boolp(false)}, false,
			`{"a": 45.67}`, []sqltypes.Value{&sqltypes.Map{Keys: []sqltypes.Value{"a"}, Vals: []sqltypes.Value{45.67}}}},
		{"key single", []sqltypes.Column{col("K", sqltypes.DecimalOf(6, 4))}, Options{}, true,
			`12.365`, []sqltypes.Value{dec(t, "12.3650")}},
		{"key multi", []sqltypes.Column{col("K", sqltypes.Int), col("K2", sqltypes.Int)}, Options{}, true,
			`{"K": null, "K2": 2}`, []sqltypes.Value{nil, int32(2)}},
		{"number coercions", []sqltypes.Column{col("I", sqltypes.Int), col("I2", sqltypes.Int), col("L", sqltypes.Bigint), col("D", sqltypes.Double), col("DEC", sqltypes.DecimalOf(5, 2))}, Options{}, false,
			`{"I": 1.9, "I2": 3000000000, "L": -2.5, "D": "1.5", "DEC": "3.4"}`,
			[]sqltypes.Value{int32(1), int32(-1294967296), int64(-2), 1.5, dec(t, "3.40")}},
		{"string coercions", []sqltypes.Column{col("A", sqltypes.String), col("B", sqltypes.String), col("C", sqltypes.String), col("D", sqltypes.String), col("E", sqltypes.String), col("F", sqltypes.String)}, Options{}, false,
			`{"A": 1.50, "B": true, "C": {"x": [1, "y"], "a": null}, "D": [1, "a", null, [2]], "E": 1e3, "F": -0}`,
			[]sqltypes.Value{"1.50", "true", `{"x":[1,"y"],"a":null}`, "[1, a, null, [2]]", "1E+3", "0"}},
		{"unicode escapes", []sqltypes.Column{col("S", sqltypes.String)}, Options{WrapSingleValue: boolp(false)}, false,
			`"\u00e9\ud83d\ude00\/"`, []sqltypes.Value{"\u00e9\U0001F600/"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s Serde
			var err error
			if c.isKey {
				s, err = NewKeySerde(JSON, c.cols, c.opts)
			} else {
				s, err = NewValueSerde(JSON, c.cols, c.opts)
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Decode([]byte(c.in), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !sameValue(got, c.want) {
				t.Fatalf("got %#v\nwant %#v", got, c.want)
			}
		})
	}
}

func TestJSONDecodeErrors(t *testing.T) {
	cases := []struct {
		name string
		cols []sqltypes.Column
		opts Options
		in   string
		msg  string
	}{
		{"string to boolean", []sqltypes.Column{col("FOO", sqltypes.Boolean)}, Options{}, `{"FOO": "true"}`,
			"Can't convert type. sourceType: TextNode, requiredType: BOOLEAN, path: $.FOO"},
		{"bad int string", []sqltypes.Column{col("FOO", sqltypes.Int)}, Options{}, `{"FOO": "x"}`,
			"Can't coerce string to type. targetType: INTEGER, path: $.FOO"},
		{"object to int", []sqltypes.Column{col("FOO", sqltypes.Bigint)}, Options{}, `{"FOO": {}}`,
			"Can't convert type. sourceType: ObjectNode, requiredType: BIGINT, path: $.FOO"},
		{"array element", []sqltypes.Column{col("A", sqltypes.ArrayOf(sqltypes.Int))}, Options{}, `{"A": [1, true]}`,
			"sourceType: BooleanNode, requiredType: INTEGER, path: $.A[1]"},
		{"not an object", []sqltypes.Column{col("A", sqltypes.Int), col("B", sqltypes.Int)}, Options{}, `[1]`,
			"Can't convert type. sourceType: ArrayNode, requiredType: STRUCT<A INTEGER, B INTEGER>, path: $"},
		{"unwrapped wrong type", []sqltypes.Column{col("A", sqltypes.Double)}, Options{WrapSingleValue: boolp(false)}, `"x"`,
			"Can't coerce string to type. targetType: DOUBLE, path: $"},
		{"decimal overflow", []sqltypes.Column{col("D", sqltypes.DecimalOf(4, 2))}, Options{}, `{"D": 123.4}`,
			"Numeric field overflow: A field with precision 4 and scale 2 must round to an absolute value less than 10^2. Got 123.4"},
		{"decimal rounding", []sqltypes.Column{col("D", sqltypes.DecimalOf(4, 2))}, Options{}, `{"D": 1.234}`,
			"Cannot fit decimal '1.234' into DECIMAL(4, 2) without rounding. (Requires 4,3)"},
		{"bad base64", []sqltypes.Column{col("B", sqltypes.Bytes)}, Options{}, `{"B": "!!"}`,
			"Value is not a valid Base64 encoded string: !!"},
		{"time range", []sqltypes.Column{col("T", sqltypes.TimeT)}, Options{}, `{"T": -1}`,
			"Time values must use number of milliseconds greater than 0 and less than 86400000."},
		{"malformed", []sqltypes.Column{col("A", sqltypes.Int)}, Options{}, `{"A": 1`, "invalid JSON"},
		{"trailing data", []sqltypes.Column{col("A", sqltypes.Int)}, Options{}, `{"A": 1} x`, "invalid JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewValueSerde(JSON, c.cols, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Decode([]byte(c.in), nil)
			wantErr(t, err, rqlerr.FormatDeserialize, c.msg)
			wantErr(t, err, rqlerr.FormatDeserialize, "failed to deserialize value")
		})
	}
}

func TestJSONSerdeErrors(t *testing.T) {
	_, err := NewValueSerde(JSON, []sqltypes.Column{col("M", sqltypes.MapOf(sqltypes.Int, sqltypes.Double))}, Options{})
	wantErr(t, err, rqlerr.FormatUnsupported, "JSON only supports MAP types with STRING keys")
	_, err = NewValueSerde(JSON, []sqltypes.Column{col("A", sqltypes.Int), col("B", sqltypes.Int)}, Options{WrapSingleValue: boolp(false)})
	wantErr(t, err, rqlerr.FormatUnsupported, "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas")
	_, err = NewValueSerde(JSON, []sqltypes.Column{col("A", sqltypes.Int)}, Options{Delimiter: "|"})
	wantErr(t, err, rqlerr.FormatUnsupported, "JSON does not support the following configs: [delimiter]")
	_, err = NewKeySerde(JSON, []sqltypes.Column{col("K", sqltypes.StructOf(sqltypes.Field{Name: "F", Type: sqltypes.MapOf(sqltypes.String, sqltypes.String)}))}, Options{})
	wantErr(t, err, rqlerr.FormatUnsupported, "Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `K`. Column type: STRUCT<`F` MAP<STRING, STRING>>.")

	s, err := NewValueSerde(JSON, []sqltypes.Column{col("A", sqltypes.Int)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Encode(nil, []sqltypes.Value{"not an int"})
	wantErr(t, err, rqlerr.FormatSerialize, "value does not match expected type")
	_, err = s.Encode(nil, []sqltypes.Value{int32(1), int32(2)})
	wantErr(t, err, rqlerr.FormatSerialize, "Column count mismatch on serialization. expected: 1, got: 2")
}

func TestJSONRoundTrip(t *testing.T) {
	s, err := NewValueSerde(JSON, allTypesCols, Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := []sqltypes.Value{
		false, int32(math.MinInt32), int64(math.MaxInt64), -0.000123, dec(t, "-0.05"), "\"quoted\"\\", []byte{0, 255},
		sqltypes.Timestamp(-1), sqltypes.Date(19157), sqltypes.Time(0),
		[]sqltypes.Value{}, &sqltypes.Map{}, &sqltypes.Struct{Vals: []sqltypes.Value{nil, nil}},
	}
	b, err := s.Encode(nil, in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Decode(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	in[11] = &sqltypes.Map{Keys: []sqltypes.Value{}, Vals: []sqltypes.Value{}}
	if !sameValue(in, out) {
		t.Fatalf("round trip through %s:\n got %#v\nwant %#v", b, out, in)
	}
}

func TestFromJSON(t *testing.T) {
	st := sqltypes.StructOf(sqltypes.Field{Name: "A", Type: sqltypes.DecimalOf(4, 2)}, sqltypes.Field{Name: "B", Type: sqltypes.ArrayOf(sqltypes.Double)})
	cases := []struct {
		in   string
		t    *sqltypes.Type
		want sqltypes.Value
	}{
		{`{"a": 1.5, "b": [1, 2.5]}`, st, &sqltypes.Struct{Vals: []sqltypes.Value{dec(t, "1.50"), []sqltypes.Value{1.0, 2.5}}}},
		{`"22"`, sqltypes.Int, int32(22)},
		{`3.0`, sqltypes.Double, 3.0},
		{`null`, sqltypes.String, nil},
		{`10.0000`, sqltypes.DecimalOf(6, 4), dec(t, "10.0000")},
		{`"YQ=="`, sqltypes.Bytes, []byte("a")},
		{`{"b": 2, "a": 1}`, sqltypes.MapOf(sqltypes.String, sqltypes.Int), &sqltypes.Map{Keys: []sqltypes.Value{"a", "b"}, Vals: []sqltypes.Value{int32(1), int32(2)}}},
	}
	for _, c := range cases {
		got, err := FromJSON(decodeJSONTest(t, c.in), c.t)
		if err != nil {
			t.Fatalf("FromJSON(%s, %s): %v", c.in, c.t, err)
		}
		if !sameValue(got, c.want) {
			t.Errorf("FromJSON(%s, %s) = %#v, want %#v", c.in, c.t, got, c.want)
		}
	}
	_, err := FromJSON(decodeJSONTest(t, `"x"`), sqltypes.Boolean)
	wantErr(t, err, rqlerr.FormatDeserialize, "Can't convert type. sourceType: TextNode, requiredType: BOOLEAN, path: $")
}

func TestToJSON(t *testing.T) {
	st := sqltypes.StructOf(sqltypes.Field{Name: "Z", Type: sqltypes.Double}, sqltypes.Field{Name: "A", Type: sqltypes.DecimalOf(3, 2)})
	cases := []struct {
		v    sqltypes.Value
		t    *sqltypes.Type
		want string
	}{
		{&sqltypes.Struct{Vals: []sqltypes.Value{1e7, dec(t, "1.5")}}, st, `{"Z":1.0E7,"A":1.50}`},
		{&sqltypes.Map{Keys: []sqltypes.Value{"b", "a"}, Vals: []sqltypes.Value{[]byte("a"), nil}}, sqltypes.MapOf(sqltypes.String, sqltypes.Bytes), `{"b":"YQ==","a":null}`},
		{[]sqltypes.Value{sqltypes.Timestamp(5), nil}, sqltypes.ArrayOf(sqltypes.TimestampT), `[5,null]`},
		{math.Inf(-1), sqltypes.Double, `"-Infinity"`},
		{nil, sqltypes.Int, `null`},
		{"<&>", sqltypes.String, `"\u003c\u0026\u003e"`},
	}
	for _, c := range cases {
		b, err := json.Marshal(ToJSON(c.v, c.t))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != c.want {
			t.Errorf("ToJSON(%#v) marshals to %s, want %s", c.v, b, c.want)
		}
	}
}

func TestParseJSONKeepsOrder(t *testing.T) {
	v, err := ParseJSON([]byte(` {"b": 1, "a": {"y": [true, false, null], "x": "s"}} `))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"b":1,"a":{"y":[true,false,null],"x":"s"}}`; string(b) != want {
		t.Fatalf("got %s, want %s", b, want)
	}
	for _, bad := range []string{``, `01`, `{"a" 1}`, `[1,]`, `"\x"`, `tru`, `1.`, `-`, "\"a\x01\""} {
		if _, err := ParseJSON([]byte(bad)); err == nil {
			t.Errorf("ParseJSON(%q) succeeded", bad)
		}
	}
}

func BenchmarkJSONValueRoundTrip(b *testing.B) {
	cols := []sqltypes.Column{
		col("ID", sqltypes.Bigint), col("NAME", sqltypes.String), col("PRICE", sqltypes.DecimalOf(10, 2)),
		col("SCORE", sqltypes.Double), col("OK", sqltypes.Boolean), col("TAGS", sqltypes.ArrayOf(sqltypes.String)),
	}
	s, err := NewValueSerde(JSON, cols, Options{})
	if err != nil {
		b.Fatal(err)
	}
	row := []sqltypes.Value{int64(123456), "widget \"deluxe\"", dec(b, "19.99"), 0.75, true, []sqltypes.Value{"a", "b"}}
	var buf []byte
	var out []sqltypes.Value
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf, err = s.Encode(buf[:0], row)
		if err != nil {
			b.Fatal(err)
		}
		out, err = s.Decode(buf, out)
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineEncodingJSONRoundTrip is the baseline for
// BenchmarkJSONValueRoundTrip: the same row through encoding/json into and
// out of a map, the obvious untyped Go approach (no schema, no coercion).
// make bench reports the ratio of the two.
func BenchmarkBaselineEncodingJSONRoundTrip(b *testing.B) {
	row := map[string]any{"ID": 123456, "NAME": "widget \"deluxe\"", "PRICE": json.Number("19.99"),
		"SCORE": 0.75, "OK": true, "TAGS": []any{"a", "b"}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf, err := json.Marshal(row)
		if err != nil {
			b.Fatal(err)
		}
		out := map[string]any{}
		d := json.NewDecoder(bytes.NewReader(buf))
		d.UseNumber()
		if err := d.Decode(&out); err != nil {
			b.Fatal(err)
		}
	}
}
