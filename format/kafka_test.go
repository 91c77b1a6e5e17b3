package format

import (
	"math"
	"testing"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

func TestKafkaRoundTrip(t *testing.T) {
	cases := []struct {
		t    *sqltypes.Type
		v    sqltypes.Value
		want []byte
	}{
		{sqltypes.Int, int32(33), []byte{0, 0, 0, 33}},
		{sqltypes.Int, int32(-1), []byte{0xff, 0xff, 0xff, 0xff}},
		{sqltypes.Bigint, int64(998877665544332211), []byte{13, 220, 185, 241, 204, 215, 99, 179}},
		{sqltypes.Double, 1.0, []byte{0x3f, 0xf0, 0, 0, 0, 0, 0, 0}},
		{sqltypes.Double, math.Inf(-1), []byte{0xff, 0xf0, 0, 0, 0, 0, 0, 0}},
		{sqltypes.String, "Hey é", []byte("Hey é")},
		{sqltypes.String, "", []byte{}},
		{sqltypes.Bytes, []byte{1, 2}, []byte{1, 2}},
	}
	for _, c := range cases {
		for _, isKey := range []bool{true, false} {
			cols := []sqltypes.Column{col("K", c.t)}
			s, err := newSerde("Kafka", cols, Options{}, isKey)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Encode(nil, []sqltypes.Value{c.v})
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || string(got) != string(c.want) {
				t.Fatalf("Encode(%s %#v) = %v, want %v", c.t, c.v, got, c.want)
			}
			back, err := s.Decode(got, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(back) != 1 || !sameValue(back[0], c.v) {
				t.Fatalf("Decode(%v) = %#v, want %#v", got, back, c.v)
			}
		}
	}
}

func TestKafkaNullAndVoid(t *testing.T) {
	s, err := NewValueSerde(Kafka, []sqltypes.Column{col("V", sqltypes.String)}, Options{WrapSingleValue: boolp(false)})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Encode(nil, []sqltypes.Value{nil}); err != nil || got != nil {
		t.Fatalf("null encoded to %v, %v", got, err)
	}
	void, err := NewKeySerde(Kafka, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := void.Encode(nil, nil); err != nil || got != nil {
		t.Fatalf("void encoded to %v, %v", got, err)
	}
	if got, err := void.Decode([]byte("ignored"), nil); err != nil || len(got) != 0 {
		t.Fatalf("void decoded to %v, %v", got, err)
	}
}

func TestKafkaErrors(t *testing.T) {
	cases := []struct {
		name  string
		cols  []sqltypes.Column
		opts  Options
		isKey bool
		msg   string
	}{
		{"two values", []sqltypes.Column{col("V0", sqltypes.Int), col("V1", sqltypes.String)}, Options{}, false,
			"The 'KAFKA' format only supports a single field. Got: [`V0` INTEGER, `V1` STRING]"},
		{"two keys", []sqltypes.Column{col("ID", sqltypes.Int), col("AGE", sqltypes.Int)}, Options{}, true,
			"Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`ID` INTEGER KEY, `AGE` INTEGER KEY], features=[]}\nreason: The 'KAFKA' format only supports a single field. Got: [`ID` INTEGER KEY, `AGE` INTEGER KEY]"},
		{"array key", []sqltypes.Column{col("ID", sqltypes.ArrayOf(sqltypes.Int))}, Options{}, true,
			"Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`ID` ARRAY<INTEGER> KEY], features=[]}\nreason: The 'KAFKA' format does not support type 'ARRAY'"},
		{"boolean", []sqltypes.Column{col("K", sqltypes.Boolean)}, Options{}, true, "The 'KAFKA' format does not support type 'BOOLEAN'"},
		{"struct", []sqltypes.Column{col("FOO", sqltypes.StructOf(sqltypes.Field{Name: "F1", Type: sqltypes.Double}))}, Options{}, false, "The 'KAFKA' format does not support type 'STRUCT'"},
		{"decimal", []sqltypes.Column{col("FOO", sqltypes.DecimalOf(4, 2))}, Options{}, false, "The 'KAFKA' format does not support type 'DECIMAL'"},
		{"map key", []sqltypes.Column{col("K", sqltypes.MapOf(sqltypes.Int, sqltypes.Double))}, Options{}, true,
			"Key column name: `K`. Column type: MAP<INTEGER, DOUBLE>."},
		{"wrapped", []sqltypes.Column{col("FOO", sqltypes.Int)}, Options{WrapSingleValue: boolp(true)}, false,
			"Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := newSerde(Kafka, c.cols, c.opts, c.isKey)
			wantErr(t, err, rqlerr.FormatUnsupported, c.msg)
		})
	}

	s, err := NewValueSerde(Kafka, []sqltypes.Column{col("V", sqltypes.Bigint)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Decode([]byte{1, 2, 3}, nil)
	wantErr(t, err, rqlerr.FormatDeserialize, "Size of data received by LongDeserializer is not 8")
	_, err = s.Encode(nil, []sqltypes.Value{"x"})
	wantErr(t, err, rqlerr.FormatSerialize, "value does not match expected type")
}

func TestNoneAndUnknownFormats(t *testing.T) {
	s, err := NewKeySerde(None, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Encode(nil, nil); err != nil || got != nil {
		t.Fatalf("NONE encoded to %v, %v", got, err)
	}
	if got, err := s.Decode([]byte("x"), nil); err != nil || len(got) != 0 {
		t.Fatalf("NONE decoded to %v, %v", got, err)
	}
	_, err = NewKeySerde(None, []sqltypes.Column{col("K", sqltypes.Int)}, Options{})
	wantErr(t, err, rqlerr.FormatUnsupported, "The 'NONE' format can only be used when no columns are defined")
	_, err = NewValueSerde("AVROX", []sqltypes.Column{col("V", sqltypes.Int)}, Options{})
	wantErr(t, err, rqlerr.FormatUnsupported, "Unknown format: AVROX")
}
