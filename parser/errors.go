package parser

import (
	"fmt"

	"github.com/rql/rql/rqlerr"
)

// Error messages follow ksqlDB's wording where its test corpus cites one,
// because callers match ksqlDB's expected errors as substrings. A syntax
// error's Msg has four lines:
//
//	Syntax error at or near 'X' at line L:C
//	line L:C: Syntax Error
//	<detail, e.g. "Expecting {',', ')'}" or "missing ')' at ','">
//	Statement: <the statement as written>
//
// L:C is the 1-based line and column of the offending token in the user's
// original text (the same as the error's Pos).

// bailout carries a parse error up the recursive-descent stack; it is
// recovered at the statement boundary and never leaves the package.
type bailout struct{ err *rqlerr.Error }

// fail aborts the current statement with err.
func (p *parser) fail(err *rqlerr.Error) { panic(bailout{err}) }

// syntaxErr returns a syntax error at tok with an ANTLR-like detail line.
func (p *parser) syntaxErr(tok token, detail string) *rqlerr.Error {
	pos := p.src.pos(tok.Off)
	msg := fmt.Sprintf("Syntax error at or near '%s' at line %d:%d\nline %d:%d: Syntax Error\n%s\nStatement: %s",
		tok.display(), pos.Line, pos.Col, pos.Line, pos.Col, detail, p.src.raw)
	return &rqlerr.Error{Code: rqlerr.ParseSyntax, Pos: pos, Msg: msg}
}

// expecting fails with "Expecting what" at tok.
func (p *parser) expecting(tok token, what string) {
	p.fail(p.syntaxErr(tok, "Expecting "+what))
}

// noViable fails with ANTLR's "no viable alternative" at tok.
func (p *parser) noViable(tok token) {
	p.fail(p.syntaxErr(tok, fmt.Sprintf("no viable alternative at input '%s'", tok.display())))
}

// errAt returns a non-syntax error positioned at the token offset off.
func (p *parser) errAt(code rqlerr.Code, off int, format string, args ...any) *rqlerr.Error {
	return &rqlerr.Error{Code: code, Pos: p.src.pos(off), Msg: fmt.Sprintf(format, args...)}
}

// lineColPrefix is ksqlDB's "line L:C: " prefix for the offset off.
func (p *parser) lineColPrefix(off int) string {
	pos := p.src.pos(off)
	return fmt.Sprintf("line %d:%d: ", pos.Line, pos.Col)
}
