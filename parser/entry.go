package parser

import (
	"runtime/debug"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// recoverBug turns a panic (a bug of rql or of TiDB's parser) into an
// rqlerr.BUG error; exported entry points defer it.
func recoverBug(err *error) {
	if r := recover(); r != nil {
		e := rqlerr.Bug("parser panic: %v", r)
		e.Pos = Pos{Offset: 0, Line: 1, Col: 1}
		e.Hint = string(debug.Stack())
		*err = e
	}
}

// run parses with p, turning a bailout into its error; the deferred
// semantic error is reported when nothing else failed.
func (p *parser) run(f func()) (err *rqlerr.Error) {
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				p.held = nil // a TiDB parser that panicked is not reused
				panic(r)
			}
			err = b.err
		}
		p.release()
	}()
	f()
	return p.deferred
}

func parse(text string, opts ParseOptions) (stmts []Statement, err error) {
	defer recoverBug(&err)
	o := newOrigText(text)
	vars := make(map[string]string, len(opts.Variables))
	for k, v := range opts.Variables {
		vars[k] = v
	}
	for _, r := range splitStatements(text) {
		src := substitute(o, r, vars)
		p, lerr := newParser(src)
		if lerr != nil {
			return stmts, lerr
		}
		var st Statement
		if perr := p.run(func() { st = p.statement() }); perr != nil {
			return stmts, perr
		}
		switch s := st.(type) {
		case *DefineVariable:
			for k := range vars {
				if equalFold(k, s.Name) {
					delete(vars, k)
				}
			}
			vars[s.Name] = s.Value
		case *UndefineVariable:
			for k := range vars {
				if equalFold(k, s.Name) {
					delete(vars, k)
				}
			}
		}
		stmts = append(stmts, st)
	}
	return stmts, nil
}

// wholeSource treats text as a single statement.
func wholeSource(text string) *stmtSource {
	return substitute(newOrigText(text), rawStmt{start: 0, end: len(text)}, nil)
}

func parseExpr(text string) (e Expr, err error) {
	defer recoverBug(&err)
	p, lerr := newParser(wholeSource(text))
	if lerr != nil {
		return nil, lerr
	}
	if perr := p.run(func() { e = p.exprTo(p.limit) }); perr != nil {
		return nil, perr
	}
	return e, nil
}

func parseType(text string) (t *sqltypes.Type, err error) {
	defer recoverBug(&err)
	p, lerr := newParser(wholeSource(text))
	if lerr != nil {
		return nil, lerr
	}
	if perr := p.run(func() {
		t = p.typ()
		p.expectEnd()
	}); perr != nil {
		return nil, perr
	}
	return t, nil
}

func parseTableElements(text string) (els []TableElement, err error) {
	defer recoverBug(&err)
	p, lerr := newParser(wholeSource(text))
	if lerr != nil {
		return nil, lerr
	}
	if perr := p.run(func() {
		if p.peek().Kind == tEOF {
			return
		}
		for {
			els = append(els, p.tableElement())
			if !p.acceptOp(",") {
				break
			}
		}
		p.expectEnd()
	}); perr != nil {
		return nil, perr
	}
	return els, nil
}
