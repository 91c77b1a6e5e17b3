// Package format owns serialization: rql's key and value formats (JSON,
// KAFKA, DELIMITED, NONE) with ksqlDB's rules (single-column unwrapping,
// wrap_single_value, DOUBLE printed as Java does, DECIMAL with its scale),
// and the conversions between JSON test records and values.
//
// # Serdes
//
// NewKeySerde and NewValueSerde validate the columns against the format
// with ksqlDB's checks and messages (FormatUnsupported), so planners can
// call them when a statement is planned to reject what ksqlDB rejects:
//
//   - KAFKA: zero columns (nothing written) or one INT, BIGINT, DOUBLE,
//     STRING or BYTES column; Kafka's own serializations (big-endian
//     integers, IEEE 754 doubles, UTF-8).
//   - DELIMITED: primitive columns only; one CSV record written and read as
//     Apache commons-csv's default format does (minimal quoting, "" inside
//     quotes); an empty field is NULL; DOUBLE as Java prints it, DECIMAL in
//     plain notation with the column's scale, TIMESTAMP/TIME as
//     milliseconds, DATE as days, BYTES as base64. Options.Delimiter is
//     one character or TAB / SPACE (ParseDelimiter).
//   - JSON: an object with one member per column; a single value column is
//     the bare value when Options.WrapSingleValue is false, and a single key
//     column always is. Reading matches member names exactly, then by their
//     upper-cased form; missing members are NULL, extra ones ignored; values
//     are coerced as ksqlDB's JSON deserializer does (see FromJSON).
//     MAP keys must be STRING.
//   - NONE: no key columns, no bytes.
//
// Key serdes reject key columns whose type contains a MAP (ksqlDB's "Map
// keys ... are not supported" check) and encode a key whose columns are all
// NULL as a null key.
//
// Encode returns nil for a null record (a null key, a tombstone) and a
// non-nil slice otherwise, even when empty (a KAFKA empty STRING). Options
// must carry WrapSingleValue only when it was set for a single-column value
// (a WITH property, or the ksql.persistence.wrap.single.values default
// applied to a single-column value): JSON rejects it for several columns,
// KAFKA and DELIMITED reject true, as ksqlDB does.
//
// # Errors
//
// Decode errors are *rqlerr.Error with code FormatDeserialize and messages
// modeled on ksqlDB's ("failed to deserialize value: Can't convert type.
// sourceType: TextNode, requiredType: BOOLEAN, path: $.FOO"); the record
// belongs in the processing log. Encode errors (a value whose Go type does
// not fit its column, a column count mismatch) have code FormatSerialize.
//
// # JSON trees
//
// ParseJSON reads a document into a tree that keeps object member order
// (*Object) and number text (json.Number). FromJSON coerces such a tree,
// or what encoding/json decodes with UseNumber, to a value; ToJSON is the
// reverse, for encoding/json. RecordFromJSON and RecordToJSON turn the keys
// and values of ksqlDB-style test records into record bytes and back.
package format
