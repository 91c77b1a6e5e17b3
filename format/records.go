package format

import (
	"encoding/json"
	"strings"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// Helpers for test records written as JSON (ksqlDB's test cases, rql's
// golden files): a record's key or value is given as a JSON value whose
// meaning depends on the format, as in ksqlDB's test framework.

// RecordFromJSON returns the bytes of a test record's key or value v (a
// JSON-decoded value, numbers as json.Number; nil for a null record) in
// format for the columns cols:
//   - JSON: v itself, written as JSON (it is then read by the JSON serde,
//     with its coercions and case-insensitive names);
//   - DELIMITED: v is the raw text (a JSON string; a number or boolean
//     stands for its own text);
//   - KAFKA: v converted to the single column's type (as FromJSON does)
//     and serialized;
//   - NONE: no bytes.
func RecordFromJSON(format string, cols []sqltypes.Column, opts Options, isKey bool, v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	switch strings.ToUpper(strings.TrimSpace(format)) {
	case JSON:
		b, err := appendAny(nil, v)
		if err != nil {
			return nil, rqlerr.Wrap(rqlerr.FormatSerialize, err, "cannot write test record as JSON")
		}
		return b, nil
	case Delimited:
		switch x := v.(type) {
		case string:
			return []byte(x), nil
		case json.Number:
			return []byte(x), nil
		case bool, float64:
			b, _ := json.Marshal(x)
			return b, nil
		}
		return nil, rqlerr.New(rqlerr.FormatSerialize, "a DELIMITED test record must be a string, got %T", v)
	case None:
		return nil, nil
	}
	s, err := newSerde(format, cols, opts, isKey)
	if err != nil {
		return nil, err
	}
	vals := make([]sqltypes.Value, len(cols))
	if len(cols) == 1 {
		if vals[0], err = FromJSON(v, cols[0].Type); err != nil {
			return nil, err
		}
	}
	return s.Encode(nil, vals)
}

// RecordToJSON is the inverse of RecordFromJSON, for comparing produced
// records with expected ones: JSON data as its parsed tree (ParseJSON),
// DELIMITED data as a string, KAFKA data decoded and converted with
// ToJSON; nil data is nil.
func RecordToJSON(format string, cols []sqltypes.Column, opts Options, isKey bool, data []byte) (any, error) {
	if data == nil {
		return nil, nil
	}
	switch strings.ToUpper(strings.TrimSpace(format)) {
	case JSON:
		v, err := ParseJSON(data)
		if err != nil {
			return nil, deserializeError(isKey, err)
		}
		return v, nil
	case Delimited:
		return string(data), nil
	case None:
		return nil, nil
	}
	s, err := newSerde(format, cols, opts, isKey)
	if err != nil {
		return nil, err
	}
	vals, err := s.Decode(data, nil)
	if err != nil {
		return nil, err
	}
	if len(cols) != 1 {
		return nil, nil
	}
	return ToJSON(vals[0], cols[0].Type), nil
}
