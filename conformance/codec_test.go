package conformance

import (
	"bytes"
	"testing"

	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
)

func TestCodecKafkaKeys(t *testing.T) {
	tests := []struct {
		typ  *sqltypes.Type
		key  string
		want []byte
	}{
		{sqltypes.Bigint, `1`, []byte{0, 0, 0, 0, 0, 0, 0, 1}},
		{sqltypes.Int, `-1`, []byte{0xff, 0xff, 0xff, 0xff}},
		{sqltypes.String, `"ab"`, []byte("ab")},
		{sqltypes.Double, `1.5`, []byte{0x3f, 0xf8, 0, 0, 0, 0, 0, 0}},
	}
	for _, tc := range tests {
		src := &planner.Source{Schema: &sqltypes.Schema{Columns: []sqltypes.Column{{Name: "K", Type: tc.typ, NS: sqltypes.NSKey}}}, KeyFormat: "KAFKA", ValueFormat: "JSON"}
		kc := keyCodec(src)
		got, err := kc.encode(mustJSON(t, tc.key))
		if err != nil {
			t.Fatalf("%s %s: %v", tc.typ, tc.key, err)
		}
		if !bytes.Equal(got, tc.want) {
			t.Errorf("%s %s: encoded %x, want %x", tc.typ, tc.key, got, tc.want)
		}
		back, err := kc.decode(got)
		if err != nil {
			t.Fatal(err)
		}
		if d := kc.compare(mustJSON(t, tc.key), back); d != "" {
			t.Errorf("%s %s: round trip: %s", tc.typ, tc.key, d)
		}
	}
}

func TestCodecJSONPassesThrough(t *testing.T) {
	// JSON test values reach the engine as written: the engine's
	// deserializer must handle case and coercions itself.
	src := jsonSource("S", "s", "JSON", sqltypes.Column{Name: "V", Type: sqltypes.DecimalOf(4, 2)})
	got, err := valueCodec(src).encode(mustJSON(t, `{"v":1.50}`))
	if err != nil || string(got) != `{"v":1.50}` {
		t.Errorf("encoded %s, %v", got, err)
	}
	if got, _ := valueCodec(src).encode(nil); got != nil {
		t.Errorf("a null value must be a tombstone, got %q", got)
	}
}
