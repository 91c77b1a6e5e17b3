package parser

import (
	"strings"
	"sync"

	tparser "github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	_ "github.com/pingcap/tidb/pkg/parser/test_driver" // literal values for TiDB's parser
)

// tidbPool holds TiDB parsers, which are not safe for concurrent use. A
// parser that panicked is dropped, not returned.
var tidbPool = sync.Pool{New: func() any {
	p := tparser.New()
	p.SetSQLMode(mysql.ModeANSIQuotes | mysql.ModePipesAsConcat | mysql.ModeNoBackslashEscapes)
	return p
}}

// selectPrefix is prepended to rewritten text; TiDB offsets are shifted by it.
const selectPrefix = "SELECT"

// tidbFields parses "SELECT <text>" and returns its select fields. On a
// syntax error it returns the byte offset in sql of the offending token.
//
// The returned AST belongs to a TiDB parser that p holds until p.release():
// TiDB may reuse a parser's memory on its next ParseSQL, so the parser goes
// back to the pool only once every AST it produced has been converted.
func (p *parser) tidbFields(text string) ([]*ast.SelectField, int, bool) {
	sql := selectPrefix + text
	tp := tidbPool.Get().(*tparser.Parser)
	p.held = append(p.held, tp)
	stmts, _, err := tp.ParseSQL(sql)
	if err != nil {
		return nil, errorOffset(sql, err.Error()), false
	}
	if len(stmts) != 1 {
		return nil, len(sql), false
	}
	sel, ok := stmts[0].(*ast.SelectStmt)
	if !ok || sel.Fields == nil || sel.From != nil || sel.Where != nil || sel.GroupBy != nil ||
		sel.Having != nil || sel.OrderBy != nil || sel.Limit != nil {
		return nil, len(sql), false
	}
	return sel.Fields.Fields, 0, true
}

// errorOffset finds the offending token of a TiDB syntax error: its message
// ends with near "<rest of the text>".
func errorOffset(sql, msg string) int {
	i := strings.Index(msg, `near "`)
	if i < 0 {
		return len(sql)
	}
	near := msg[i+len(`near "`):]
	if j := strings.LastIndexByte(near, '"'); j >= 0 {
		near = near[:j]
	}
	if strings.HasSuffix(sql, near) {
		return len(sql) - len(near)
	}
	if k := strings.Index(sql, near); k >= 0 && near != "" {
		return k
	}
	return len(sql)
}

// release returns the TiDB parsers p holds to the pool; p's TiDB ASTs must
// not be used afterwards.
func (p *parser) release() {
	for _, tp := range p.held {
		tidbPool.Put(tp)
	}
	p.held = nil
}
