package format

import (
	"testing"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

func TestDelimitedEncode(t *testing.T) {
	three := []sqltypes.Column{col("ID", sqltypes.Bigint), col("NAME", sqltypes.String), col("VALUE", sqltypes.Int)}
	cases := []struct {
		name  string
		cols  []sqltypes.Column
		delim string
		vals  []sqltypes.Value
		want  string
	}{
		{"comma", three, "", []sqltypes.Value{int64(0), "zero", int32(0)}, "0,zero,0"},
		{"pipe", three, "|", []sqltypes.Value{int64(100), "100", int32(500)}, "100|100|500"},
		{"dollar", three, "$", []sqltypes.Value{int64(0), "zero", int32(0)}, "0$zero$0"},
		{"tab", three, "TAB", []sqltypes.Value{int64(0), "zero", int32(0)}, "0\tzero\t0"},
		{"space", three, "SPACE", []sqltypes.Value{int64(0), "zero", int32(0)}, "0 zero 0"},
		{"nulls", three, "", []sqltypes.Value{nil, nil, int32(1)}, ",,1"},
		{"negative first field quoted", []sqltypes.Column{col("D", sqltypes.DateT)}, "", []sqltypes.Value{sqltypes.Date(-10)}, `"-10"`},
		{"negative later field bare", []sqltypes.Column{col("A", sqltypes.Int), col("B", sqltypes.Int)}, "", []sqltypes.Value{int32(101), int32(-101)}, "101,-101"},
		{"low first char quoted anywhere", []sqltypes.Column{col("A", sqltypes.String), col("B", sqltypes.Bytes), col("C", sqltypes.String)}, "",
			[]sqltypes.Value{"!", []byte("!"), "#"}, `"!",IQ==,"#"`},
		{"surrounding whitespace", []sqltypes.Column{col("A", sqltypes.String), col("B", sqltypes.String), col("C", sqltypes.String), col("D", sqltypes.String)}, "",
			[]sqltypes.Value{" \t with white space \t", "with white space", "\t wit", "end "}, "\" \t with white space \t\",with white space,\"\t wit\",\"end \""},
		{"embedded quote and delimiter", []sqltypes.Column{col("A", sqltypes.String), col("B", sqltypes.String), col("C", sqltypes.String)}, "",
			[]sqltypes.Value{`say "hi"`, "a,b", "x\ny"}, `"say ""hi""","a,b","x` + "\n" + `y"`},
		{"empty strings", []sqltypes.Column{col("A", sqltypes.String), col("B", sqltypes.String)}, "", []sqltypes.Value{"", ""}, `"",`},
		{"decimal keeps scale", []sqltypes.Column{col("V", sqltypes.DecimalOf(33, 16))}, "", []sqltypes.Value{dec(t, "0.12")}, "0.1200000000000000"},
		{"negative decimal", []sqltypes.Column{col("V", sqltypes.DecimalOf(33, 16))}, "", []sqltypes.Value{dec(t, "-12345.12")}, `"-12345.1200000000000000"`},
		{"doubles", []sqltypes.Column{col("A", sqltypes.Int), col("B", sqltypes.Double), col("C", sqltypes.Double)}, "",
			[]sqltypes.Value{int32(0), 4.9e-324, 1.7976931348623157e308}, "0,4.9E-324,1.7976931348623157E308"},
		{"booleans and temporals", []sqltypes.Column{col("B", sqltypes.Boolean), col("TS", sqltypes.TimestampT), col("T", sqltypes.TimeT)}, "",
			[]sqltypes.Value{true, sqltypes.Timestamp(1589245113000), sqltypes.Time(10)}, "true,1589245113000,10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewValueSerde(Delimited, c.cols, Options{Delimiter: c.delim})
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Encode(nil, c.vals)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
			back, err := s.Decode(got, nil)
			if err != nil {
				t.Fatalf("decoding %q: %v", got, err)
			}
			for i, v := range c.vals {
				if v == "" {
					v = nil // an empty field reads back as NULL
				}
				if d, ok := v.(sqltypes.Decimal); ok {
					v = fitScale(d, c.cols[i].Type) // written with the column's scale
				}
				if !sameValue(back[i], v) {
					t.Fatalf("round trip of %q: got %#v, want %#v", got, back, c.vals)
				}
			}
		})
	}
}

func TestDelimitedDecode(t *testing.T) {
	cases := []struct {
		name  string
		cols  []sqltypes.Column
		delim string
		in    string
		want  []sqltypes.Value
	}{
		{"quoted int", []sqltypes.Column{col("K", sqltypes.Int)}, "", `"22"`, []sqltypes.Value{int32(22)}},
		{"two strings", []sqltypes.Column{col("K1", sqltypes.String), col("K2", sqltypes.String)}, "", `foo,bar`, []sqltypes.Value{"foo", "bar"}},
		{"two quoted strings", []sqltypes.Column{col("K1", sqltypes.String), col("K2", sqltypes.String)}, "", `"foo","bar"`, []sqltypes.Value{"foo", "bar"}},
		{"empty is null", []sqltypes.Column{col("A", sqltypes.Int), col("B", sqltypes.String), col("C", sqltypes.Int)}, "", `,"",`, []sqltypes.Value{nil, nil, nil}},
		{"decimal rescaled", []sqltypes.Column{col("V", sqltypes.DecimalOf(33, 16))}, "", `.12`, []sqltypes.Value{dec(t, "0.1200000000000000")}},
		{"decimal leading zero", []sqltypes.Column{col("V", sqltypes.DecimalOf(4, 2))}, "", `01.00`, []sqltypes.Value{dec(t, "1.00")}},
		{"quoted specials", []sqltypes.Column{col("A", sqltypes.String), col("B", sqltypes.String)}, "", "\"a \"\"b\"\",\nc\" ,d", []sqltypes.Value{"a \"b\",\nc", "d"}},
		{"bare quote inside", []sqltypes.Column{col("A", sqltypes.String)}, "", `a"b`, []sqltypes.Value{`a"b`}},
		{"leading empty lines, second record ignored", []sqltypes.Column{col("A", sqltypes.Int), col("B", sqltypes.Int)}, "", "\r\n\n1,2\r\n3,4", []sqltypes.Value{int32(1), int32(2)}},
		{"tab", []sqltypes.Column{col("A", sqltypes.Int), col("B", sqltypes.String)}, "TAB", "0\tzero one", []sqltypes.Value{int32(0), "zero one"}},
		{"space keeps nothing else", []sqltypes.Column{col("A", sqltypes.String), col("B", sqltypes.String)}, "SPACE", "a b", []sqltypes.Value{"a", "b"}},
		{"all types", []sqltypes.Column{col("B", sqltypes.Boolean), col("D", sqltypes.Double), col("BY", sqltypes.Bytes), col("DT", sqltypes.DateT), col("TS", sqltypes.TimestampT), col("L", sqltypes.Bigint)}, "",
			"TRUE,1.0E7,IQ==,-10,100,998877665544332211", []sqltypes.Value{true, 1e7, []byte("!"), sqltypes.Date(-10), sqltypes.Timestamp(100), int64(998877665544332211)}},
		{"boolean anything else is false", []sqltypes.Column{col("B", sqltypes.Boolean)}, "", "yes", []sqltypes.Value{false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewKeySerde(Delimited, c.cols, Options{Delimiter: c.delim})
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Decode([]byte(c.in), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !sameValue(got, c.want) {
				t.Fatalf("got %#v, want %#v", got, c.want)
			}
		})
	}
}

func TestDelimitedErrors(t *testing.T) {
	two := []sqltypes.Column{col("A", sqltypes.Int), col("B", sqltypes.Int)}
	cases := []struct {
		name string
		cols []sqltypes.Column
		in   string
		msg  string
	}{
		{"too many fields", two, "1,2,3", "Column count mismatch on deserialization. expected: 2, got: 3"},
		{"too few fields", two, "1", "Column count mismatch on deserialization. expected: 2, got: 1"},
		{"not a number", two, "1,x", `For input string: "x"`},
		{"int overflow", two, "1,3000000000", `For input string: "3000000000"`},
		{"unterminated quote", two, `1,"2`, "EOF reached before encapsulated token finished"},
		{"junk after quote", two, `"1"x,2`, "invalid char between encapsulated token and delimiter"},
		{"empty record", two, "", "No fields in record"},
		{"decimal too big", []sqltypes.Column{col("D", sqltypes.DecimalOf(3, 1))}, "100.0", "Numeric field overflow"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewValueSerde(Delimited, c.cols, Options{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Decode([]byte(c.in), nil)
			wantErr(t, err, rqlerr.FormatDeserialize, c.msg)
		})
	}
}

func TestDelimitedSerdeErrors(t *testing.T) {
	cases := []struct {
		name  string
		cols  []sqltypes.Column
		opts  Options
		isKey bool
		msg   string
	}{
		{"array key", []sqltypes.Column{col("K", sqltypes.ArrayOf(sqltypes.Double))}, Options{}, true,
			"Key format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`K` ARRAY<DOUBLE> KEY], features=[]}\nreason: The 'DELIMITED' format does not support type 'ARRAY', column: `K`"},
		{"struct key", []sqltypes.Column{col("K", sqltypes.StructOf(sqltypes.Field{Name: "F", Type: sqltypes.Double}))}, Options{}, true,
			"Key format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`K` STRUCT<`F` DOUBLE> KEY], features=[]}\nreason: The 'DELIMITED' format does not support type 'STRUCT', column: `K`"},
		{"map key", []sqltypes.Column{col("K", sqltypes.MapOf(sqltypes.String, sqltypes.Double))}, Options{}, true,
			"Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `K`. Column type: MAP<STRING, DOUBLE>. See https://github.com/confluentinc/ksql/issues/6621 for more."},
		{"map value", []sqltypes.Column{col("FOO", sqltypes.MapOf(sqltypes.Int, sqltypes.Double))}, Options{}, false,
			"The 'DELIMITED' format does not support type 'MAP'"},
		{"wrap true", []sqltypes.Column{col("FOO", sqltypes.Int)}, Options{WrapSingleValue: boolp(true)}, false,
			"Format 'DELIMITED' does not support 'WRAP_SINGLE_VALUE' set to 'true'."},
		{"long delimiter", []sqltypes.Column{col("FOO", sqltypes.Int)}, Options{Delimiter: "<~>"}, false,
			"Invalid delimiter value: '<~>'. Delimiter must be a single character or TAB,SPACE"},
		{"space delimiter", []sqltypes.Column{col("FOO", sqltypes.Int)}, Options{Delimiter: " "}, false,
			"Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'"},
		{"tab character delimiter", []sqltypes.Column{col("FOO", sqltypes.Int)}, Options{Delimiter: "\t"}, false,
			"Delimiter cannot be empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.isKey {
				_, err = NewKeySerde(Delimited, c.cols, c.opts)
			} else {
				_, err = NewValueSerde(Delimited, c.cols, c.opts)
			}
			wantErr(t, err, rqlerr.FormatUnsupported, c.msg)
		})
	}
	if _, err := NewValueSerde("delimited", []sqltypes.Column{col("FOO", sqltypes.Int)}, Options{WrapSingleValue: boolp(false)}); err != nil {
		t.Errorf("wrap_single_value=false: %v", err)
	}
}

func TestDelimitedNullKey(t *testing.T) {
	s, err := NewKeySerde(Delimited, []sqltypes.Column{col("K", sqltypes.Int)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Encode(nil, []sqltypes.Value{nil})
	if err != nil || got != nil {
		t.Fatalf("null key encoded to %q, %v; want nil", got, err)
	}
}

func TestDelimitedMultiColumnNullKey(t *testing.T) {
	s, err := NewKeySerde(Delimited, []sqltypes.Column{col("K", sqltypes.Int), col("K2", sqltypes.String)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Encode(nil, []sqltypes.Value{nil, nil})
	if err != nil || string(got) != "," {
		t.Fatalf("key of NULLs encoded to %q, %v; want \",\"", got, err)
	}
}
