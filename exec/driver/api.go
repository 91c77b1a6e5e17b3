package driver

import "github.com/rql/rql/sqltypes"

// Record is a Kafka record as the test driver stores it: what a topic
// holds, and what Produce takes. Key or Value nil is a null key / tombstone.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Timestamp int64
	Headers   []Header
	// Window is set for records of windowed sources (their key carries it).
	Window *Window
}

// Header is one record header.
type Header struct {
	Key   string
	Value []byte
}

// Window is the window of a windowed key, in milliseconds.
type Window struct {
	Start, End int64
	Type       string // "TIME" or "SESSION"
}

// Result is what one statement did.
type Result struct {
	// Kind is the statement kind ("CREATE_STREAM", "SHOW_STREAMS", ...).
	Kind string
	// Message is a human-readable summary ("Stream OUTPUT created and
	// running", "Cannot delete topic ...").
	Message string
	// QueryID of the persistent query the statement started, if any.
	QueryID string
	// Columns and Rows hold tabular output (SHOW, DESCRIBE, EXPLAIN, pull
	// queries, push queries' rows so far), already rendered as text.
	Columns []string
	Rows    [][]string
	// Values holds the typed rows of a query result (nil for other
	// statements), one slice per row in Columns order.
	Values [][]sqltypes.Value
}

// LogEntry is one processing-log entry: a record that could not be read or
// evaluated, and why.
type LogEntry struct {
	QueryID   string
	Topic     string
	Partition int32
	Offset    int64
	Reason    string
}
