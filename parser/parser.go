package parser

import (
	"strconv"

	tparser "github.com/pingcap/tidb/pkg/parser"

	"github.com/rql/rql/rqlerr"
)

// parser is the recursive-descent parser of one statement's tokens.
type parser struct {
	src  *stmtSource
	toks []token
	i    int
	// deferred is a semantic error found while parsing that is reported
	// only if the statement is otherwise syntactically valid, as ksqlDB
	// reports syntax errors first.
	deferred *rqlerr.Error
	// limit is the index of the token parsing stops at: peek returns an
	// end-of-input token there. It narrows parsing to one clause.
	limit int
	// held are the TiDB parsers whose ASTs are still being converted; see
	// tidbFields and release.
	held []*tparser.Parser
}

func newParser(src *stmtSource) (*parser, *rqlerr.Error) {
	toks, lerr := lex(src.text)
	p := &parser{src: src, toks: toks, limit: len(toks) - 1}
	if lerr != nil {
		pos := src.pos(lerr.off)
		return nil, &rqlerr.Error{Code: rqlerr.ParseSyntax, Pos: pos,
			Msg: p.lineColPrefix(lerr.off) + "Syntax Error\n" + lerr.msg + "\nStatement: " + src.raw}
	}
	return p, nil
}

// tokAt returns token i, or an end-of-input token at the limit that
// still shows the real token in messages.
func (p *parser) tokAt(i int) token {
	if i >= p.limit {
		t := p.toks[p.limit]
		return token{Kind: tEOF, Off: t.Off, End: t.Off, Text: t.Text}
	}
	return p.toks[i]
}

func (p *parser) peek() token { return p.tokAt(p.i) }

// peekAt returns the token k places ahead (end of input past the limit).
func (p *parser) peekAt(k int) token { return p.tokAt(p.i + k) }

func (p *parser) next() token {
	t := p.tokAt(p.i)
	if t.Kind != tEOF {
		p.i++
	}
	return t
}

// within runs f with parsing limited to the tokens before index end, then
// restores the previous limit; p.i is left where f left it.
func (p *parser) within(end int, f func()) {
	saved := p.limit
	if end < p.limit {
		p.limit = end
	}
	defer func() { p.limit = saved }()
	f()
}

func (p *parser) acceptKw(kw string) bool {
	if p.peek().is(kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) acceptOp(op string) bool {
	if p.peek().isOp(op) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expectKw(kw string) token {
	t := p.peek()
	if !t.is(kw) {
		p.expecting(t, "'"+kw+"'")
	}
	return p.next()
}

func (p *parser) expectOp(op string) token {
	t := p.peek()
	if !t.isOp(op) {
		p.expecting(t, "'"+op+"'")
	}
	return p.next()
}

// expectEnd fails unless all tokens were consumed.
func (p *parser) expectEnd() {
	if t := p.peek(); t.Kind != tEOF {
		p.fail(p.syntaxErr(t, "extraneous input '"+t.display()+"' expecting <EOF>"))
	}
}

// canonical returns a name token's canonical name: unquoted upper-cased,
// quoted exact.
func canonical(t token) string { return t.Val }

// name reads an identifier.
func (p *parser) name() (string, token) {
	t := p.peek()
	if !t.isName() {
		p.expecting(t, "IDENTIFIER")
	}
	p.next()
	return canonical(t), t
}

// intLit reads an integer literal as int64.
func (p *parser) intLit() int64 {
	t := p.peek()
	if t.Kind != tInt {
		p.expecting(t, "INTEGER_VALUE")
	}
	p.next()
	n, err := strconv.ParseInt(t.Text, 10, 64)
	if err != nil {
		p.fail(p.errAt(rqlerr.ParseLiteral, t.Off, "%sInvalid numeric literal: %s", p.lineColPrefix(t.Off), t.Text))
	}
	return n
}

// stringLit reads a string literal.
func (p *parser) stringLit() string {
	t := p.peek()
	if t.Kind != tString {
		p.expecting(t, "STRING")
	}
	p.next()
	return t.Val
}

// base returns the StmtBase of the statement being parsed.
func (p *parser) base() StmtBase {
	return StmtBase{StmtPos: p.src.pos(p.toks[0].Off), Text: trimText(p.src.text)}
}

// trimText trims blanks around a statement's text.
func trimText(s string) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
