// Package format owns serialization: rql's key and value formats (JSON,
// KAFKA, DELIMITED) with ksqlDB's rules (single-column unwrapping,
// wrap_single_value, DOUBLE printed as Java does, DECIMAL with its scale),
// and the conversions between JSON test records and values.
package format
