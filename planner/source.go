package planner

import (
	"github.com/rql/rql/format"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/sqltypes"
)

// Source is a stream or table in the catalog.
type Source struct {
	Name   string
	Kind   parser.SourceKind
	Topic  string
	Schema *sqltypes.Schema
	// KeyFormat and ValueFormat are format names (format.JSON, ...), with
	// their options.
	KeyFormat, ValueFormat string
	KeyOpts, ValueOpts     format.Options
	Partitions             int
	// TimestampColumn is the column event time comes from ("" = the record
	// timestamp); TimestampFormat parses it when it is a STRING.
	TimestampColumn string
	TimestampFormat string
	// ReadOnly is set for CREATE SOURCE STREAM|TABLE.
	ReadOnly bool
	// Window is non-nil for windowed sources (the output of a windowed
	// aggregation): its key carries the window.
	Window *parser.Window
	// Global marks a global table (WITH (GLOBAL=true)): replicated in full
	// to every task of a query that joins it (JoinGlobalTable).
	Global bool
	// SQL is the statement that created the source; QueryID is the id of the
	// persistent query that writes it ("" for a plain CREATE).
	SQL     string
	QueryID string
}
