package format

import (
	"reflect"
	"testing"

	"github.com/rql/rql/sqltypes"
)

// TestJSONFastAgreesWithGeneric decodes every input with the fast path and
// the generic one (ParseJSON + coerce): whenever the fast path answers, it
// must answer exactly what the generic path does; on the plain inputs it
// must answer at all.
func TestJSONFastAgreesWithGeneric(t *testing.T) {
	cols := []sqltypes.Column{
		{Name: "ID", Type: sqltypes.String}, {Name: "A", Type: sqltypes.Bigint}, {Name: "B", Type: sqltypes.Double},
		{Name: "E", Type: sqltypes.Boolean}, {Name: "I", Type: sqltypes.Int}, {Name: "T", Type: sqltypes.TimestampT},
		{Name: "low", Type: sqltypes.String},
	}
	cases := []struct {
		in   string
		fast bool // the fast path must answer
	}{
		{`{"ID":"x","A":1,"B":2.5,"E":true,"I":-3,"T":1000,"low":"l"}`, true},
		{` { "id" : "x" , "a" : 12 , "b" : 1e3 , "e" : false } `, true},
		{`{}`, true},
		{`{"A":null,"ID":null}`, true},
		{`{"X":"skip","Y":1.5e-3,"Z":true,"W":null,"A":7}`, true},
		{`{"A":1,"A":2}`, true},              // the last wins
		{`{"A":1,"a":2}`, true},              // exact beats case-insensitive
		{`{"a":2,"A":1,"a":3}`, true},        // exact beats case-insensitive
		{`{"LOW":"ci","low":"exact"}`, true}, // "LOW" does not match "low" upper-cased
		{`{"B":5}`, true},                    // integer text into DOUBLE
		{`{"I":3000000000}`, true},           // wraps as coerce does
		{`{"ID":"caf\u00e9"}`, false},        // escapes: generic
		{`{"ID":"café"}`, true},
		{`{"ID":1}`, false},   // number to STRING: generic coercion
		{`{"A":"12"}`, false}, // string to BIGINT
		{`{"A":1.5}`, false},  // fraction to BIGINT
		{`{"A":99999999999999999999}`, false},
		{`{"E":1}`, false},
		{`{"X":{"nested":1},"A":1}`, false},
		{`{"X":[1,2],"A":1}`, false},
		{`{"A":01}`, false},
		{`{"A":1,}`, false},
		{`{"A":1} x`, false},
		{`{"A" 1}`, false},
		{`[1,2]`, false},
		{`null`, false},
		{`{"A":tru}`, false},
		{`{"ID":"unterminated}`, false},
		{`{"\u0041":5}`, false},
		{`{"X":"bad \q escape","A":1}`, false},
		{`{"B":1e400}`, false}, // range: generic
	}
	s, err := newJSONSerde(cols, Options{}, false)
	if err != nil {
		t.Fatal(err)
	}
	js := s.(*jsonSerde)
	if js.fast == nil {
		t.Fatal("no fast path for primitive columns")
	}
	generic := *js
	generic.fast = nil
	for _, c := range cases {
		want, werr := generic.Decode([]byte(c.in), nil)
		got, ok := js.fast.decode([]byte(c.in), nil)
		if c.fast && !ok {
			t.Errorf("%s: fast path declined", c.in)
		}
		if !ok {
			// Decode must still agree with the generic path.
			got2, gerr := js.Decode([]byte(c.in), nil)
			if (gerr == nil) != (werr == nil) || (werr == nil && !reflect.DeepEqual(got2, want)) {
				t.Errorf("%s: Decode = %v, %v; generic %v, %v", c.in, got2, gerr, want, werr)
			}
			continue
		}
		if werr != nil {
			t.Errorf("%s: fast path answered %v where the generic path fails: %v", c.in, got, werr)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: fast %#v, generic %#v", c.in, got, want)
		}
	}
}

func TestJSONFastOnlyForPrimitiveColumns(t *testing.T) {
	if newJSONFast([]sqltypes.Column{{Name: "A", Type: sqltypes.ArrayOf(sqltypes.Int)}}) != nil {
		t.Error("fast path for an ARRAY column")
	}
	if newJSONFast([]sqltypes.Column{{Name: "a", Type: sqltypes.Int}, {Name: "A", Type: sqltypes.Int}}) != nil {
		t.Error("fast path for columns differing only in case")
	}
}

// FuzzJSONFast checks the fast path against the generic one on arbitrary
// input (go test ./format -run '^$' -fuzz FuzzJSONFast).
func FuzzJSONFast(f *testing.F) {
	for _, s := range []string{`{"ID":"x","A":1,"B":2.5,"E":true}`, `{"a":1,"A":2}`, `{"X":[1],"B":1e3}`, `{}`} {
		f.Add([]byte(s))
	}
	cols := []sqltypes.Column{{Name: "ID", Type: sqltypes.String}, {Name: "A", Type: sqltypes.Bigint},
		{Name: "B", Type: sqltypes.Double}, {Name: "E", Type: sqltypes.Boolean}, {Name: "I", Type: sqltypes.Int}}
	s, err := newJSONSerde(cols, Options{}, false)
	if err != nil {
		f.Fatal(err)
	}
	js := s.(*jsonSerde)
	generic := *js
	generic.fast = nil
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := js.fast.decode(data, nil)
		if !ok {
			return
		}
		want, err := generic.Decode(data, nil)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: fast %#v, generic %#v (%v)", data, got, want, err)
		}
	})
}
