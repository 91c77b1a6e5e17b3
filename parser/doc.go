// Package parser turns ksqlDB-dialect SQL text into rql's AST (ast.go).
//
// # Contract
//
//   - Parse splits text at top-level semicolons and parses each statement in
//     order. ${name} is replaced by a variable's value before a statement is
//     parsed: variables come from ParseOptions.Variables and from DEFINE
//     statements earlier in the same text (UNDEFINE removes one); names
//     compare case-insensitively; unknown references stay as written. On an
//     error Parse returns the statements before the failing one with it.
//   - Names are canonical: unquoted identifiers upper-cased, `quoted` and
//     "quoted" kept exactly. WITH property names are upper-cased.
//   - Every Statement, Expr, TableElement, Property, relation and clause
//     carries a Pos (byte offset, 1-based line and column) in the user's
//     original text, even where rql rewrote the text or substituted
//     variables (a position inside a variable's value is that of its ${).
//     A binary, IS NULL, IN, BETWEEN or LIKE node starts at its left
//     operand; a subscript or dereference at its base; a Join at its join
//     keyword; a negative number literal at its minus sign.
//   - Every error is an *rqlerr.Error with Pos set. Messages copy ksqlDB's
//     wording where ksqlDB's test corpus cites one (see errors.go), so that
//     callers can match ksqlDB's expected errors as substrings. Codes:
//     ParseSyntax (grammar), ParseLiteral (numbers out of range),
//     ParseType (bad type parameters, e.g. DECIMAL(0,0)), ParseProperty,
//     ParseUnsupported (constructs ksqlDB lacks: subqueries, ...).
//   - Parse, ParseExpr, ParseType and ParseTableElements never panic: a
//     panic inside (rql's or TiDB's) becomes an rqlerr.BUG error.
//   - All entry points are safe for concurrent use.
//
// # How
//
// rql's own tokenizer (lexer.go) and recursive-descent parser read every
// statement (statements.go, types.go) and split a SELECT into its clauses
// at the top nesting level (query.go): FROM with joins, WITHIN and GRACE
// PERIOD; ENRICH; WINDOW; GROUP BY and PARTITION BY lists; EMIT; LIMIT.
// Expressions (the select list, WHERE, HAVING, ON, GROUP BY and PARTITION
// BY items, VALUES, function arguments) are rewritten token by token into
// text TiDB's parser accepts (rewrite.go), parsed by
// github.com/pingcap/tidb/pkg/parser (tidb.go), and converted back into
// rql's nodes with an allow-list of the constructs ksqlDB has
// (convert.go). Literal values are read from rql's own tokens, never from
// TiDB's values.
package parser
