package parser

import (
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// CreateFunction is CREATE [OR REPLACE] FUNCTION name(arg TYPE, ...)
// RETURNS TYPE USING impl [WITH (props)]: a user function (udf.UserFuncSpec
// is built from it; "HTTP" is the only implementation so far).
type CreateFunction struct {
	StmtBase
	OrReplace bool
	Name      string
	NamePos   Pos
	Params    []FuncParam
	Returns   *sqltypes.Type // may contain KindNamed references to CREATE TYPE types
	Using     string         // upper case: "HTTP"
	UsingPos  Pos
	Props     Properties
}

// FuncParam is one declared parameter of CREATE FUNCTION.
type FuncParam struct {
	Pos  Pos
	Name string
	Type *sqltypes.Type
}

// createFunction parses the rest of CREATE [OR REPLACE] FUNCTION; the
// current token is FUNCTION.
func (p *parser) createFunction(b StmtBase, orReplace bool) Statement {
	p.expectKw("FUNCTION")
	cf := &CreateFunction{StmtBase: b, OrReplace: orReplace}
	var nt token
	cf.Name, nt = p.name()
	cf.NamePos = p.src.pos(nt.Off)
	p.expectOp("(")
	if !p.acceptOp(")") {
		for {
			name, t := p.name()
			cf.Params = append(cf.Params, FuncParam{Pos: p.src.pos(t.Off), Name: name, Type: p.typ()})
			if p.acceptOp(",") {
				continue
			}
			if t := p.peek(); !t.isOp(")") {
				p.expecting(t, "{',', ')'}")
			}
			p.next()
			break
		}
	}
	p.expectKw("RETURNS")
	cf.Returns = p.typ()
	p.expectKw("USING")
	impl, it := p.name()
	cf.Using, cf.UsingPos = impl, p.src.pos(it.Off)
	if impl != "HTTP" {
		p.fail(p.errAt(rqlerr.ParseUnsupported, it.Off, "unsupported function implementation %s (supported: HTTP)", impl))
	}
	if p.acceptKw("WITH") {
		cf.Props = p.properties()
	}
	return cf
}
