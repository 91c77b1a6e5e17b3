// Package sqltypes is rql's leaf package: SQL types, the in-memory
// representation of values, and schemas. It imports nothing from rql, so
// every other package may import it.
//
// # Values
//
// A Value is a Go value whose dynamic type is fixed by its SQL type:
//
//	NULL       nil (any SQL type)
//	BOOLEAN    bool
//	INT        int32
//	BIGINT     int64
//	DOUBLE     float64
//	DECIMAL    Decimal (unscaled big integer and a scale)
//	STRING     string
//	BYTES      []byte
//	TIMESTAMP  Timestamp (milliseconds since the Unix epoch, UTC)
//	DATE       Date (days since the Unix epoch)
//	TIME       Time (milliseconds since midnight)
//	ARRAY      []Value
//	MAP        *Map (insertion-ordered keys and values)
//	STRUCT     *Struct (field values in the order of the type's fields)
//
// Values are immutable once produced: an operator or function must copy a
// composite value before changing it.
package sqltypes
