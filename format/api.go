package format

import "github.com/rql/rql/sqltypes"

// The format package's contract. Implementations live in the other files.

// Names of the supported formats.
const (
	JSON      = "JSON"
	Kafka     = "KAFKA"
	Delimited = "DELIMITED"
	None      = "NONE" // no key (ksqlDB's NONE key format)
)

// Options are a serde's settings from the WITH clause and properties.
type Options struct {
	// WrapSingleValue: nil means the format's default (ksqlDB: values with a
	// single column are wrapped in a JSON object unless
	// wrap_single_value=false; keys are never wrapped when single).
	WrapSingleValue *bool
	// Delimiter for DELIMITED (default ","); "TAB" and "SPACE" are names.
	Delimiter string
}

// Serde turns one row's key or value columns into bytes and back.
// Implementations are safe for use by one goroutine at a time.
type Serde interface {
	// Encode appends the serialized form of vals (one value per column, in
	// column order) to dst and returns the extended slice.
	Encode(dst []byte, vals []sqltypes.Value) ([]byte, error)
	// Decode parses data (never nil: callers handle null keys/values,
	// i.e. tombstones, themselves) into one value per column, appended to
	// dst[:0]. Errors are *rqlerr.Error with code FormatDeserialize.
	Decode(data []byte, dst []sqltypes.Value) ([]sqltypes.Value, error)
}

// NewKeySerde returns the serde of a key in format for the key columns cols.
// It returns an *rqlerr.Error (FormatUnsupported) with ksqlDB's message when
// the format cannot carry the columns, e.g. "The 'DELIMITED' format does not
// support type 'ARRAY', column: `K`".
func NewKeySerde(format string, cols []sqltypes.Column, opts Options) (Serde, error) {
	return newSerde(format, cols, opts, true)
}

// NewValueSerde is NewKeySerde for the value columns.
func NewValueSerde(format string, cols []sqltypes.Column, opts Options) (Serde, error) {
	return newSerde(format, cols, opts, false)
}

// FromJSON converts a JSON-decoded value (decoded with UseNumber: numbers
// are json.Number) to a Value of type t, with the coercions ksqlDB's JSON
// deserializer applies (a number to DECIMAL keeping its written scale, a
// string to a number, ...).
func FromJSON(v any, t *sqltypes.Type) (sqltypes.Value, error) { return fromJSON(v, t) }

// ToJSON converts a Value of type t to what ksqlDB's JSON serializer would
// write, as a value encoding/json can marshal (json.Number for numbers so
// that DECIMAL scale and Java's double printing survive).
func ToJSON(v sqltypes.Value, t *sqltypes.Type) any { return toJSON(v, t) }

// FormatDouble prints f as Java's Double.toString does: 1.0, 0.1, 1.0E7,
// 1.0E-5, NaN, Infinity.
func FormatDouble(f float64) string { return formatDouble(f) }

// CheckKeyColumns returns ksqlDB's error (FormatUnsupported) for the first
// key column whose type contains a MAP, which no key format accepts (maps
// may serialize inconsistently); nil otherwise. NewKeySerde checks it
// before anything else.
func CheckKeyColumns(cols []sqltypes.Column) error { return checkMapKeys(cols) }

// ContainsMap reports whether t is a MAP or holds one (as an array element
// or a struct field, at any depth). A nil t holds none.
func ContainsMap(t *sqltypes.Type) bool { return containsMap(t) }
