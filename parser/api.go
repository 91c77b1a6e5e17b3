package parser

import "github.com/rql/rql/sqltypes"

// The parser's public entry points. Implementations live in the other files
// of this package; these signatures are the contract other packages use.

// ParseOptions tunes parsing.
type ParseOptions struct {
	// Variables substituted for ${name} before parsing (DEFINE'd variables).
	Variables map[string]string
}

// Parse parses one or more semicolon-separated statements. Every error is an
// *rqlerr.Error whose Pos is in text's coordinates (line and column of the
// user's original text, even where rql rewrote it before handing it to
// TiDB). Parse never panics, whatever text holds.
func Parse(text string, opts ParseOptions) ([]Statement, error) { return parse(text, opts) }

// ParseExpr parses a single expression (used by tests and by the REPL).
func ParseExpr(text string) (Expr, error) { return parseExpr(text) }

// ParseType parses a type as written in DDL or CAST ("DECIMAL(4,2)",
// "ARRAY<STRUCT<A INT>>", "VARCHAR").
func ParseType(text string) (*sqltypes.Type, error) { return parseType(text) }

// ParseTableElements parses a column list without its parentheses, as
// ksqlDB's test post-conditions write schemas: "ID INT KEY, NAME STRING",
// "K INT PRIMARY KEY, `V` BIGINT".
func ParseTableElements(text string) ([]TableElement, error) { return parseTableElements(text) }
