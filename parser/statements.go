package parser

import (
	"strconv"
	"strings"

	"github.com/rql/rql/rqlerr"
)

// statement parses one whole statement (the parser's tokens).
func (p *parser) statement() Statement {
	st := p.statementAt(0)
	p.expectEnd()
	return st
}

// baseFrom returns the StmtBase of a statement starting at token index i.
func (p *parser) baseFrom(i int) StmtBase {
	t := p.toks[i]
	return StmtBase{StmtPos: p.src.pos(t.Off), Text: trimText(p.src.text[t.Off:])}
}

// statementAt parses a statement starting at token index i (EXPLAIN nests).
func (p *parser) statementAt(i int) Statement {
	p.i = i
	t := p.peek()
	if t.Kind != tIdent {
		p.fail(p.syntaxErr(t, "Unknown statement '"+t.display()+"'"))
	}
	switch t.Val {
	case "CREATE":
		return p.create()
	case "INSERT":
		return p.insert()
	case "DROP":
		return p.drop()
	case "SHOW", "LIST":
		return p.show()
	case "DESCRIBE":
		return p.describe()
	case "EXPLAIN":
		return p.explain()
	case "TERMINATE":
		return p.terminate()
	case "SET":
		b := p.baseFrom(p.i)
		p.next()
		name := p.stringLit()
		p.expectOp("=")
		return &SetProperty{StmtBase: b, Name: name, Value: p.stringLit()}
	case "UNSET":
		b := p.baseFrom(p.i)
		p.next()
		return &UnsetProperty{StmtBase: b, Name: p.stringLit()}
	case "DEFINE":
		b := p.baseFrom(p.i)
		p.next()
		name, _ := p.name()
		p.expectOp("=")
		return &DefineVariable{StmtBase: b, Name: name, Value: p.stringLit()}
	case "UNDEFINE":
		b := p.baseFrom(p.i)
		p.next()
		name, _ := p.name()
		return &UndefineVariable{StmtBase: b, Name: name}
	case "PRINT":
		return p.print()
	case "RUN":
		b := p.baseFrom(p.i)
		p.next()
		p.expectKw("SCRIPT")
		return &RunScript{StmtBase: b, Path: p.stringLit()}
	case "SELECT":
		b := p.baseFrom(p.i)
		return &SelectStmt{StmtBase: b, Query: p.query()}
	case "ALTER":
		return p.alter()
	case "ASSERT":
		p.next()
		nt := p.peek()
		if !nt.is("NOT") && !nt.is("TOPIC") && !nt.is("SCHEMA") {
			p.expecting(nt, "{'NOT', 'TOPIC', 'SCHEMA'}")
		}
		p.fail(p.errAt(rqlerr.ParseUnsupported, t.Off, "ASSERT statements are not supported"))
	}
	p.fail(p.syntaxErr(t, "Unknown statement '"+t.display()+"'"))
	return nil
}

// sourceKind reads STREAM or TABLE.
func (p *parser) sourceKind() SourceKind {
	t := p.peek()
	switch {
	case t.is("STREAM"):
		p.next()
		return KindStream
	case t.is("TABLE"):
		p.next()
		return KindTable
	}
	p.expecting(t, "{'STREAM', 'TABLE'}")
	return 0
}

func (p *parser) ifNotExists() bool {
	if p.peek().is("IF") {
		p.next()
		p.expectKw("NOT")
		p.expectKw("EXISTS")
		return true
	}
	return false
}

func (p *parser) ifExists() bool {
	if p.peek().is("IF") {
		p.next()
		p.expectKw("EXISTS")
		return true
	}
	return false
}

// create parses CREATE [OR REPLACE] [SOURCE] STREAM|TABLE ... and CREATE TYPE.
func (p *parser) create() Statement {
	b := p.baseFrom(p.i)
	p.next()
	orReplace := false
	if p.acceptKw("OR") {
		p.expectKw("REPLACE")
		orReplace = true
	}
	if p.peek().is("FUNCTION") {
		return p.createFunction(b, orReplace)
	}
	source := p.acceptKw("SOURCE")
	if !orReplace && !source && p.peek().is("TYPE") {
		p.next()
		ct := &CreateType{StmtBase: b, IfNotExists: p.ifNotExists()}
		ct.Name, _ = p.name()
		p.expectKw("AS")
		ct.Type = p.typ()
		return ct
	}
	kind := p.sourceKind()
	ifNot := p.ifNotExists()
	name, nt := p.name()
	if p.peek().isOp("(") {
		cs := &CreateSource{StmtBase: b, Kind: kind, OrReplace: orReplace, Source: source,
			IfNotExists: ifNot, Name: name, NamePos: p.src.pos(nt.Off)}
		cs.Elements = p.tableElements()
		if p.acceptKw("WITH") {
			cs.Props = p.properties()
		}
		return cs
	}
	var props Properties
	if p.acceptKw("WITH") {
		props = p.properties()
	}
	if t := p.peek(); t.is("AS") {
		if source {
			p.fail(p.errAt(rqlerr.ParseSyntax, t.Off, "CREATE SOURCE %s cannot be used with AS SELECT", kind))
		}
		p.next()
		return &CreateAsSelect{StmtBase: b, Kind: kind, OrReplace: orReplace, IfNotExists: ifNot,
			Name: name, NamePos: p.src.pos(nt.Off), Props: props, Query: p.query()}
	} else if t.Kind != tEOF {
		if props == nil {
			p.expecting(t, "{'(', 'WITH', 'AS'}")
		}
		p.expecting(t, "{'AS', <EOF>}")
	}
	return &CreateSource{StmtBase: b, Kind: kind, OrReplace: orReplace, Source: source,
		IfNotExists: ifNot, Name: name, NamePos: p.src.pos(nt.Off), Props: props}
}

// tableElements parses '(' element (',' element)* ')'.
func (p *parser) tableElements() []TableElement {
	p.expectOp("(")
	var els []TableElement
	for {
		els = append(els, p.tableElement())
		if p.acceptOp(",") {
			continue
		}
		t := p.peek()
		if !t.isOp(")") {
			p.expecting(t, "{',', ')'}")
		}
		p.next()
		return els
	}
}

// tableElement parses name type [KEY | PRIMARY KEY | HEADERS | HEADER('k')].
func (p *parser) tableElement() TableElement {
	name, nt := p.name()
	el := TableElement{Pos: p.src.pos(nt.Off), Name: name, Type: p.typ()}
	switch t := p.peek(); {
	case t.is("KEY"):
		p.next()
		el.Constraint = ColKey
	case t.is("PRIMARY"):
		p.next()
		p.expectKw("KEY")
		el.Constraint = ColPrimaryKey
	case t.is("HEADERS"):
		p.next()
		el.Constraint = ColHeaders
	case t.is("HEADER"):
		p.next()
		p.expectOp("(")
		el.HeaderKey = p.stringLit()
		p.expectOp(")")
		el.Constraint = ColHeader
	}
	return el
}

// properties parses '(' name '=' literal (',' ...)* ')'. Names are
// upper-cased; values are string, int64, float64 or bool.
func (p *parser) properties() Properties {
	p.expectOp("(")
	var props Properties
	for {
		t := p.peek()
		if !t.isName() && t.Kind != tString {
			p.expecting(t, "IDENTIFIER")
		}
		p.next()
		prop := Property{Pos: p.src.pos(t.Off), Name: strings.ToUpper(t.Val)}
		p.expectOp("=")
		prop.Value = p.propertyValue()
		props = append(props, prop)
		if p.acceptOp(",") {
			continue
		}
		if t := p.peek(); !t.isOp(")") {
			p.expecting(t, "{',', ')'}")
		}
		p.next()
		return props
	}
}

func (p *parser) propertyValue() any {
	t := p.peek()
	neg := false
	if t.isOp("-") {
		p.next()
		neg = true
		t = p.peek()
	}
	switch {
	case t.Kind == tString && !neg:
		p.next()
		return t.Val
	case t.Kind == tInt:
		p.next()
		n, err := strconv.ParseInt(t.Text, 10, 64)
		if err != nil {
			p.fail(p.errAt(rqlerr.ParseProperty, t.Off, "%sInvalid numeric literal: %s", p.lineColPrefix(t.Off), t.Text))
		}
		if neg {
			n = -n
		}
		return n
	case t.Kind == tDecimal || t.Kind == tFloat:
		p.next()
		f, err := strconv.ParseFloat(t.Text, 64)
		if err != nil {
			p.fail(p.errAt(rqlerr.ParseProperty, t.Off, "%sInvalid numeric literal: %s", p.lineColPrefix(t.Off), t.Text))
		}
		if neg {
			f = -f
		}
		return f
	case (t.is("TRUE") || t.is("FALSE")) && !neg:
		p.next()
		return t.Val == "TRUE"
	}
	p.expecting(t, "{STRING, INTEGER_VALUE, DECIMAL_VALUE, 'TRUE', 'FALSE'}")
	return nil
}

// insert parses INSERT INTO x [WITH (...)] SELECT ... and INSERT INTO x
// [(cols)] VALUES (exprs).
func (p *parser) insert() Statement {
	b := p.baseFrom(p.i)
	p.next()
	p.expectKw("INTO")
	target, tt := p.name()
	tpos := p.src.pos(tt.Off)
	if p.peek().isOp("(") || p.peek().is("VALUES") {
		iv := &InsertValues{StmtBase: b, Target: target, TargetPos: tpos}
		if p.acceptOp("(") {
			for {
				n, _ := p.name()
				iv.Columns = append(iv.Columns, n)
				if p.acceptOp(",") {
					continue
				}
				p.expectOp(")")
				break
			}
		}
		p.expectKw("VALUES")
		open := p.expectOp("(")
		end := p.matching(p.i - 1)
		if end < 0 {
			p.expecting(p.tokAt(p.limit), "')'")
		}
		if end > p.i {
			iv.Values = p.exprList(p.i, end, open)
		}
		p.i = end + 1
		return iv
	}
	ii := &InsertInto{StmtBase: b, Target: target, TargetPos: tpos}
	if p.acceptKw("WITH") {
		ii.Props = p.properties()
	}
	if t := p.peek(); !t.is("SELECT") {
		p.expecting(t, "{'SELECT', 'VALUES', 'WITH', '('}")
	}
	ii.Query = p.query()
	return ii
}

// matching returns the index of the bracket closing the one at index i, or
// -1; it stops at the parse limit.
func (p *parser) matching(i int) int {
	depth := 0
	for j := i; j < p.limit; j++ {
		t := p.toks[j]
		if t.Kind != tOp {
			continue
		}
		switch t.Val {
		case "(", "[":
			depth++
		case ")", "]":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// drop parses DROP STREAM|TABLE|TYPE|FUNCTION [IF EXISTS] name [DELETE TOPIC].
func (p *parser) drop() Statement {
	d := &Drop{StmtBase: p.baseFrom(p.i)}
	p.next()
	t := p.peek()
	switch {
	case t.is("STREAM"):
		d.Kind = DropStream
	case t.is("TABLE"):
		d.Kind = DropTable
	case t.is("TYPE"):
		d.Kind = DropType
	case t.is("FUNCTION"):
		d.Kind = DropFunction
	default:
		p.expecting(t, "{'STREAM', 'TABLE', 'TYPE'}")
	}
	p.next()
	d.IfExists = p.ifExists()
	var nt token
	d.Name, nt = p.name()
	d.NamePos = p.src.pos(nt.Off)
	if (d.Kind == DropStream || d.Kind == DropTable) && p.acceptKw("DELETE") {
		p.expectKw("TOPIC")
		d.DeleteTopic = true
	}
	return d
}

var showKinds = map[string]ShowKind{
	"STREAMS": ShowStreams, "TABLES": ShowTables, "TOPICS": ShowTopics, "QUERIES": ShowQueries,
	"FUNCTIONS": ShowFunctions, "PROPERTIES": ShowProperties, "TYPES": ShowTypes,
	"VARIABLES": ShowVariables,
}

func (p *parser) show() Statement {
	s := &Show{StmtBase: p.baseFrom(p.i)}
	p.next()
	t := p.peek()
	k, ok := showKinds[t.Val]
	if t.Kind != tIdent || !ok {
		p.expecting(t, "{'STREAMS', 'TABLES', 'TOPICS', 'QUERIES', 'FUNCTIONS', 'PROPERTIES', 'TYPES', 'VARIABLES'}")
	}
	p.next()
	s.What = k
	s.Extended = p.acceptKw("EXTENDED")
	return s
}

func (p *parser) describe() Statement {
	b := p.baseFrom(p.i)
	p.next()
	if p.peek().is("FUNCTION") && p.peekAt(1).isName() {
		p.next()
		name, _ := p.name()
		return &DescribeFunction{StmtBase: b, Name: name}
	}
	d := &Describe{StmtBase: b}
	if p.peek().is("EXTENDED") && p.peekAt(1).isName() {
		p.next()
		d.Extended = true
	}
	t := p.peek()
	if (t.is("STREAMS") || t.is("TABLES")) && (p.peekAt(1).Kind == tEOF || p.peekAt(1).is("EXTENDED")) {
		p.next()
		d.IsAll = true
		if t.Val == "TABLES" {
			d.All = KindTable
		}
	} else {
		var nt token
		d.Name, nt = p.name()
		d.NamePos = p.src.pos(nt.Off)
	}
	if p.acceptKw("EXTENDED") {
		d.Extended = true
	}
	return d
}

func (p *parser) explain() Statement {
	e := &Explain{StmtBase: p.baseFrom(p.i)}
	p.next()
	if p.peek().is("ANALYZE") && p.peekAt(1).isName() {
		p.next()
		e.Analyze = true
	}
	t := p.peek()
	if t.is("SELECT") || t.is("CREATE") || t.is("INSERT") {
		e.Statement = p.statementAt(p.i)
		return e
	}
	e.QueryID, _ = p.name()
	return e
}

func (p *parser) terminate() Statement {
	tm := &Terminate{StmtBase: p.baseFrom(p.i)}
	p.next()
	if p.acceptKw("ALL") {
		tm.All = true
		return tm
	}
	tm.QueryID, _ = p.name()
	return tm
}

// print parses PRINT topic|'topic' [FROM BEGINNING] [INTERVAL n] [LIMIT n].
// An unquoted topic name keeps its case (topic names are case-sensitive).
func (p *parser) print() Statement {
	pr := &Print{StmtBase: p.baseFrom(p.i)}
	p.next()
	t := p.peek()
	switch t.Kind {
	case tIdent:
		pr.Topic = t.Text
	case tQIdent, tString:
		pr.Topic = t.Val
	default:
		p.expecting(t, "{IDENTIFIER, STRING}")
	}
	p.next()
	if p.acceptKw("FROM") {
		p.expectKw("BEGINNING")
		pr.FromBeginning = true
	}
	if p.acceptKw("INTERVAL") || p.acceptKw("SAMPLE") {
		pr.Interval = p.intLit()
	}
	if p.acceptKw("LIMIT") {
		pr.Limit = p.intLit()
	}
	return pr
}

// alter parses ALTER STREAM|TABLE name ADD [COLUMN] name type (, ADD ...)*.
func (p *parser) alter() Statement {
	a := &AlterSource{StmtBase: p.baseFrom(p.i)}
	p.next()
	a.Kind = p.sourceKind()
	var nt token
	a.Name, nt = p.name()
	a.NamePos = p.src.pos(nt.Off)
	for {
		p.expectKw("ADD")
		p.acceptKw("COLUMN")
		name, ct := p.name()
		a.Columns = append(a.Columns, TableElement{Pos: p.src.pos(ct.Off), Name: name, Type: p.typ()})
		if !p.acceptOp(",") {
			return a
		}
	}
}
