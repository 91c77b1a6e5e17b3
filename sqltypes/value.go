package sqltypes

import "math/big"

// Value is a SQL value; see the package documentation for which Go type
// stands for which SQL type. nil is NULL.
type Value = any

// Timestamp is a TIMESTAMP: milliseconds since 1970-01-01T00:00:00Z.
type Timestamp int64

// Date is a DATE: days since 1970-01-01.
type Date int32

// Time is a TIME: milliseconds since midnight.
type Time int32

// Decimal is a DECIMAL value: Unscaled × 10^-Scale. The scale is part of the
// value (1.0 and 1.00 print differently); the precision belongs to the type.
// A Decimal is immutable: Unscaled must not be modified after construction.
type Decimal struct {
	Unscaled *big.Int
	Scale    int32
}

// Map is a MAP value. Keys are unique; iteration order is insertion order.
// Lookups are linear, which suits the small maps SQL rows carry.
type Map struct {
	Keys []Value
	Vals []Value
}

// Struct is a STRUCT value: one value per field of its type, in order.
type Struct struct {
	Vals []Value
}

// Column namespaces: where a column lives in a Kafka record.
type Namespace uint8

const (
	// NSValue columns are serialized in the record value.
	NSValue Namespace = iota
	// NSKey columns are serialized in the record key.
	NSKey
	// NSHeaders is a HEADERS column (ARRAY<STRUCT<KEY STRING, VALUE BYTES>>)
	// or, with HeaderKey set, a HEADER('key') column of type BYTES.
	NSHeaders
)

// Column is one column of a source or query schema.
type Column struct {
	Name      string
	Type      *Type
	NS        Namespace
	HeaderKey string // for HEADER('<key>') columns
}

// Schema is the ordered list of a source's columns: key columns first, then
// value and header columns, as declared. Pseudo columns (ROWTIME,
// ROWPARTITION, ROWOFFSET, WINDOWSTART, WINDOWEND) are not part of a Schema.
type Schema struct {
	Columns []Column
}

// Key returns the key columns in order.
func (s *Schema) Key() []Column { return s.filter(NSKey) }

// Value returns the value columns in order.
func (s *Schema) Value() []Column { return s.filter(NSValue) }

// Headers returns the header columns in order.
func (s *Schema) Headers() []Column { return s.filter(NSHeaders) }

func (s *Schema) filter(ns Namespace) []Column {
	var out []Column
	for _, c := range s.Columns {
		if c.NS == ns {
			out = append(out, c)
		}
	}
	return out
}

// Find returns the index of the column named name, or -1.
func (s *Schema) Find(name string) int {
	for i, c := range s.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// String prints the schema as ksqlDB's test post-conditions do:
// "ID INT KEY, NAME STRING" (INT printed as INT, STRUCT fields unquoted).
func (s *Schema) String() string {
	out := ""
	for i, c := range s.Columns {
		if i > 0 {
			out += ", "
		}
		t := c.Type.SQL()
		out += c.Name + " " + t
		switch c.NS {
		case NSKey:
			out += " KEY"
		case NSHeaders:
			if c.HeaderKey != "" {
				out += " HEADER('" + c.HeaderKey + "')"
			} else {
				out += " HEADERS"
			}
		}
	}
	return out
}
