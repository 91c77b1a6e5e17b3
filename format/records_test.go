package format

import (
	"encoding/json"
	"testing"

	"github.com/rql/rql/sqltypes"
)

func TestRecordJSONHelpers(t *testing.T) {
	cases := []struct {
		format string
		cols   []sqltypes.Column
		isKey  bool
		in     string
		bytes  string
		back   string
	}{
		{Kafka, []sqltypes.Column{col("K", sqltypes.Bigint)}, true, `1`, "\x00\x00\x00\x00\x00\x00\x00\x01", `1`},
		{Kafka, []sqltypes.Column{col("K", sqltypes.Double)}, true, `3.0`, "\x40\x08\x00\x00\x00\x00\x00\x00", `3.0`},
		{Kafka, []sqltypes.Column{col("K", sqltypes.String)}, true, `""`, "", `""`},
		{JSON, []sqltypes.Column{col("K", sqltypes.Int), col("K2", sqltypes.Int)}, true, `{"K": 1, "K2": null}`, `{"K":1,"K2":null}`, `{"K":1,"K2":null}`},
		{JSON, []sqltypes.Column{col("V", sqltypes.DecimalOf(4, 2))}, false, `{"v": 10.10}`, `{"v":10.10}`, `{"v":10.10}`},
		{Delimited, []sqltypes.Column{col("K", sqltypes.Int)}, true, `"\"22\""`, `"22"`, `"\"22\""`},
	}
	for _, c := range cases {
		v := decodeJSONTest(t, c.in)
		b, err := RecordFromJSON(c.format, c.cols, Options{}, c.isKey, v)
		if err != nil {
			t.Fatalf("RecordFromJSON(%s, %s): %v", c.format, c.in, err)
		}
		if b == nil || string(b) != c.bytes {
			t.Fatalf("RecordFromJSON(%s, %s) = %q, want %q", c.format, c.in, b, c.bytes)
		}
		back, err := RecordToJSON(c.format, c.cols, Options{}, c.isKey, b)
		if err != nil {
			t.Fatal(err)
		}
		j, _ := json.Marshal(back)
		if string(j) != c.back {
			t.Fatalf("RecordToJSON(%s, %q) = %s, want %s", c.format, b, j, c.back)
		}
	}
	if b, err := RecordFromJSON(JSON, nil, Options{}, false, nil); b != nil || err != nil {
		t.Fatalf("null record: %q, %v", b, err)
	}
}

func TestParseDecimalFastPath(t *testing.T) {
	for _, s := range []string{"0", "-12.50", "+3", ".12", "1.", "123456789012345678", "1234567890123456789.5", "1e3", "-0.001"} {
		got, err1 := parseDecimal(s)
		want, err2 := sqltypes.ParseDecimal(s)
		if (err1 == nil) != (err2 == nil) || (err1 == nil && !sameValue(got, want)) {
			t.Errorf("parseDecimal(%q) = %v, %v; ParseDecimal = %v, %v", s, got, err1, want, err2)
		}
	}
	for _, s := range []string{"", "-", ".", "1.2.3", "abc"} {
		if _, err := parseDecimal(s); err == nil {
			t.Errorf("parseDecimal(%q) succeeded", s)
		}
	}
}
