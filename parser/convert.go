package parser

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// converter turns TiDB's AST of rewritten text back into rql's Expr nodes,
// accepting only the constructs ksqlDB has (an allow-list).
type converter struct {
	p *parser
	r *rewriter
}

// rewriteRange rewrites tokens [a, b) and parses them with TiDB.
func (p *parser) rewriteRange(a, b int) ([]*ast.SelectField, *converter) {
	r := &rewriter{p: p}
	r.seq(a, b, false)
	fields, off, ok := p.tidbFields(string(r.out))
	c := &converter{p: p, r: r}
	if !ok {
		// Map TiDB's offset back to the token it points at.
		o := off - len(selectPrefix)
		t := p.tokAt(b)
		if o < len(r.out) {
			if k := c.markAt(o); k >= 0 {
				t = p.tokenAtOff(r.marks[k].src, b)
			}
		}
		p.fail(p.syntaxErr(t, "no viable alternative at input '"+t.display()+"'"))
	}
	return fields, c
}

// tokenAtOff returns the first token starting at or after off (before b).
func (p *parser) tokenAtOff(off, b int) token {
	for i := 0; i < b && i < len(p.toks); i++ {
		if p.toks[i].Off >= off {
			return p.tokAt(i)
		}
	}
	return p.tokAt(b)
}

// expr parses tokens [a, b) as one expression.
func (p *parser) expr(a, b int) Expr {
	fields, c := p.rewriteRange(a, b)
	if len(fields) != 1 {
		t := p.tokAt(a)
		if cs := p.topLevelCommas(a, b); len(cs) > 0 {
			t = p.tokAt(cs[0])
		}
		p.fail(p.syntaxErr(t, "extraneous input '"+t.display()+"'"))
	}
	return c.field(fields[0], false).Expr
}

// exprList parses tokens [a, b) as a comma-separated expression list; at
// is the token that introduced it (for errors on an empty list).
func (p *parser) exprList(a, b int, at token) []Expr {
	if a >= b {
		p.noViable(p.tokAt(b))
	}
	fields, c := p.rewriteRange(a, b)
	out := make([]Expr, len(fields))
	for i, f := range fields {
		out[i] = c.field(f, false).Expr
	}
	return out
}

// selectItems parses a SELECT list, tokens [a, b).
func (p *parser) selectItems(a, b int) []SelectItem {
	if a >= b {
		p.noViable(p.tokAt(b))
	}
	fields, c := p.rewriteRange(a, b)
	out := make([]SelectItem, len(fields))
	for i, f := range fields {
		out[i] = c.field(f, true)
	}
	return out
}

// markAt returns the index of the last mark at or before output offset o.
func (c *converter) markAt(o int) int {
	return sort.Search(len(c.r.marks), func(i int) bool { return c.r.marks[i].out > o }) - 1
}

// srcOff maps a TiDB offset to an offset of the statement text.
func (c *converter) srcOff(tidbOff int) int {
	k := c.markAt(tidbOff - len(selectPrefix))
	if k < 0 {
		return 0
	}
	return c.r.marks[k].src
}

func (c *converter) pos(tidbOff int) Pos { return c.p.src.pos(c.srcOff(tidbOff)) }

// field converts one select field; stars and aliases only in select lists.
func (c *converter) field(f *ast.SelectField, selectList bool) SelectItem {
	pos := c.pos(f.Offset)
	if f.WildCard != nil {
		if !selectList {
			c.fail(f.Offset, rqlerr.ParseSyntax, "'*' is only allowed in a SELECT list")
		}
		if f.WildCard.Schema.O != "" {
			c.fail(f.Offset, rqlerr.ParseUnsupported, "three-part names are not supported")
		}
		return SelectItem{Pos: pos, Star: true, Qualifier: f.WildCard.Table.O}
	}
	if f.AsName.O != "" && !selectList {
		c.fail(f.Offset, rqlerr.ParseSyntax, "an alias is only allowed in a SELECT list")
	}
	return SelectItem{Pos: pos, Expr: c.expr(f.Expr), Alias: f.AsName.O}
}

func (c *converter) fail(tidbOff int, code rqlerr.Code, format string, args ...any) {
	c.p.fail(c.p.errAt(code, c.srcOff(tidbOff), format, args...))
}

var binaryOps = map[opcode.Op]BinaryOp{
	opcode.Plus: OpAdd, opcode.Minus: OpSub, opcode.Mul: OpMul, opcode.Div: OpDiv,
	opcode.Mod: OpMod, opcode.Or: OpConcat, opcode.EQ: OpEq, opcode.NE: OpNe,
	opcode.LT: OpLt, opcode.LE: OpLe, opcode.GT: OpGt, opcode.GE: OpGe,
	opcode.LogicAnd: OpAnd, opcode.LogicOr: OpOr, opcode.NullEQ: OpIsNotDistinct,
}

// expr converts a TiDB expression.
func (c *converter) expr(n ast.ExprNode) Expr {
	off := n.OriginTextPosition()
	pos := c.pos(off)
	switch e := n.(type) {
	case *ast.ColumnNameExpr:
		if e.Name.Schema.O != "" {
			c.fail(off, rqlerr.ParseUnsupported, "three-part names are not supported")
		}
		return &ColumnRef{Pos: pos, Qualifier: e.Name.Table.O, Name: e.Name.Name.O}
	case ast.ValueExpr:
		return c.literal(off, false)
	case *ast.ParenthesesExpr:
		return c.expr(e.Expr)
	case *ast.BinaryOperationExpr:
		op, ok := binaryOps[e.Op]
		if !ok {
			c.fail(off, rqlerr.ParseUnsupported, "operator %s is not supported", e.Op)
		}
		l := c.expr(e.L)
		return &Binary{Pos: l.Position(), Op: op, L: l, R: c.expr(e.R)}
	case *ast.PatternRegexpExpr: // IS DISTINCT FROM
		if e.Not {
			c.fail(off, rqlerr.ParseUnsupported, "NOT REGEXP is not supported")
		}
		l := c.expr(e.Expr)
		return &Binary{Pos: l.Position(), Op: OpIsDistinct, L: l, R: c.expr(e.Pattern)}
	case *ast.UnaryOperationExpr:
		switch e.Op {
		case opcode.Minus:
			if v, ok := e.V.(ast.ValueExpr); ok && c.isNumber(v.OriginTextPosition()) {
				return c.literal(v.OriginTextPosition(), true)
			}
			return &Unary{Pos: pos, Op: OpNeg, X: c.expr(e.V)}
		case opcode.Plus:
			return &Unary{Pos: pos, Op: OpPlus, X: c.expr(e.V)}
		case opcode.Not, opcode.Not2:
			return &Unary{Pos: pos, Op: OpNot, X: c.expr(e.V)}
		}
		c.fail(off, rqlerr.ParseUnsupported, "operator %s is not supported", e.Op)
	case *ast.IsNullExpr:
		x := c.expr(e.Expr)
		return &IsNull{Pos: x.Position(), X: x, Not: e.Not}
	case *ast.PatternInExpr:
		if e.Sel != nil {
			c.fail(off, rqlerr.ParseUnsupported, "subqueries are not supported")
		}
		x := c.expr(e.Expr)
		in := &In{Pos: x.Position(), X: x, Not: e.Not}
		for _, a := range e.List {
			in.List = append(in.List, c.expr(a))
		}
		return in
	case *ast.BetweenExpr:
		x := c.expr(e.Expr)
		return &Between{Pos: x.Position(), X: x, Lo: c.expr(e.Left), Hi: c.expr(e.Right), Not: e.Not}
	case *ast.PatternLikeOrIlikeExpr:
		if !e.IsLike {
			c.fail(off, rqlerr.ParseUnsupported, "ILIKE is not supported")
		}
		x := c.expr(e.Expr)
		l := &Like{Pos: x.Position(), X: x, Pattern: c.expr(e.Pattern), Not: e.Not}
		if k := int(e.Escape); k >= 1 && k <= len(c.r.escapes) {
			t := c.r.escapes[k-1]
			l.Escape = &Literal{Pos: c.p.src.pos(t.Off), Kind: LitString, Value: t.Val, Text: t.Text}
		}
		return l
	case *ast.CaseExpr:
		ce := &Case{Pos: pos}
		if e.Value != nil {
			ce.Operand = c.expr(e.Value)
		}
		for _, w := range e.WhenClauses {
			ce.Whens = append(ce.Whens, When{Cond: c.expr(w.Expr), Result: c.expr(w.Result)})
		}
		if e.ElseClause != nil {
			ce.Else = c.expr(e.ElseClause)
		}
		return ce
	case *ast.FuncCallExpr:
		return c.call(e, pos)
	case *ast.RowExpr:
		c.p.fail(c.p.syntaxErr(c.p.tokenAtOff(c.srcOff(off), c.p.limit), "no viable alternative at input '('"))
	case *ast.SubqueryExpr, *ast.ExistsSubqueryExpr, *ast.CompareSubqueryExpr:
		c.fail(off, rqlerr.ParseUnsupported, "subqueries are not supported")
	}
	c.fail(off, rqlerr.ParseUnsupported, "this expression is not supported (%T)", n)
	return nil
}

// tokenOf returns the token a literal's TiDB offset maps to, or -1.
func (c *converter) tokenOf(tidbOff int) int {
	o := tidbOff - len(selectPrefix)
	k := c.markAt(o)
	if k < 0 || c.r.marks[k].out != o {
		return -1
	}
	return c.r.marks[k].tok
}

func (c *converter) isNumber(tidbOff int) bool {
	i := c.tokenOf(tidbOff)
	if i < 0 {
		return false
	}
	k := c.p.toks[i].Kind
	return k == tInt || k == tDecimal || k == tFloat
}

// literal builds the literal whose token is at TiDB offset off; neg folds
// a preceding minus sign into it (ksqlDB's number rule: MINUS? VALUE).
func (c *converter) literal(off int, neg bool) *Literal {
	i := c.tokenOf(off)
	if i < 0 {
		c.fail(off, rqlerr.ParseUnsupported, "unexpected literal")
	}
	t := c.p.toks[i]
	lit := &Literal{Pos: c.p.src.pos(t.Off), Text: t.Text}
	text := t.Text
	if neg {
		text = "-" + t.Text
		lit.Text = text
		// The literal starts at its minus sign.
		lit.Pos = c.pos(off)
		if j := c.minusBefore(i); j >= 0 {
			lit.Pos = c.p.src.pos(c.p.toks[j].Off)
		}
	}
	switch t.Kind {
	case tString:
		lit.Kind, lit.Value = LitString, t.Val
	case tInt:
		n, err := strconv.ParseInt(text, 10, 64)
		switch {
		case err != nil:
			c.literalErr(lit, "Invalid numeric literal: "+text)
		case n >= math.MinInt32 && n <= math.MaxInt32:
			lit.Kind, lit.Value = LitInt, int32(n)
		default:
			lit.Kind, lit.Value = LitBigint, n
		}
	case tDecimal:
		d, err := sqltypes.ParseDecimal(text)
		if err != nil {
			c.literalErr(lit, "Invalid numeric literal: "+text)
		}
		lit.Kind, lit.Value = LitDecimal, d
	case tFloat:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(f, 0) {
			c.literalErr(lit, "Number overflows DOUBLE: "+text)
		}
		lit.Kind, lit.Value = LitDouble, f
	case tIdent:
		switch t.Val {
		case "TRUE", "FALSE":
			lit.Kind, lit.Value = LitBool, t.Val == "TRUE"
		default:
			lit.Kind = LitNull
		}
	}
	return lit
}

// minusBefore returns the index of the '-' token before token i, or -1.
func (c *converter) minusBefore(i int) int {
	if i > 0 && c.p.toks[i-1].isOp("-") {
		return i - 1
	}
	return -1
}

// literalErr fails with ksqlDB's "line L:C: <msg>" for a literal.
func (c *converter) literalErr(lit *Literal, msg string) {
	// ksqlDB cites errors raised while building its AST one column to the
	// right of the token (its NodeLocation column is 1-based and gets +1
	// again), after "Failed to prepare statement: "; the message copies
	// that so that it reads as ksqlDB's. Pos is exact.
	c.p.fail(&rqlerr.Error{Code: rqlerr.ParseLiteral, Pos: lit.Pos,
		Msg: "Failed to prepare statement: line " + strconv.Itoa(lit.Pos.Line) + ":" + strconv.Itoa(lit.Pos.Col+1) + ": " + msg})
}

// call converts a function call, undoing the rewriter's encodings.
func (c *converter) call(e *ast.FuncCallExpr, pos Pos) Expr {
	name := e.FnName.O
	off := e.OriginTextPosition()
	switch {
	case strings.HasPrefix(name, fnUser):
		call := &Call{Pos: pos, Name: name[len(fnUser):]}
		for _, a := range e.Args {
			call.Args = append(call.Args, c.expr(a))
		}
		return call
	case strings.HasPrefix(name, fnStar):
		return &Call{Pos: pos, Name: name[len(fnStar):], Star: true}
	}
	args := e.Args
	switch name {
	case fnCast:
		if len(args) == 2 {
			if v, ok := args[1].(ast.ValueExpr); ok {
				if k, ok := v.GetValue().(int64); ok && k >= 0 && int(k) < len(c.r.types) {
					return &Cast{Pos: pos, X: c.expr(args[0]), Type: c.r.types[k]}
				}
			}
		}
	case fnArray:
		a := &ArrayCtor{Pos: pos}
		for _, x := range args {
			a.Elems = append(a.Elems, c.expr(x))
		}
		return a
	case fnMap:
		m := &MapCtor{Pos: pos}
		for i := 0; i+1 < len(args); i += 2 {
			m.Keys = append(m.Keys, c.expr(args[i]))
			m.Vals = append(m.Vals, c.expr(args[i+1]))
		}
		return m
	case fnStruct:
		s := &StructCtor{Pos: pos}
		for i := 0; i+1 < len(args); i += 2 {
			s.Names = append(s.Names, c.name(args[i]))
			s.Values = append(s.Values, c.expr(args[i+1]))
		}
		return s
	case fnSub:
		if len(args) == 2 {
			return &Subscript{Pos: pos, X: c.expr(args[0]), Index: c.expr(args[1])}
		}
	case fnDeref:
		if len(args) == 2 {
			return &Deref{Pos: pos, X: c.expr(args[0]), Field: c.name(args[1])}
		}
	case fnDerefStar:
		if len(args) == 1 {
			return &Deref{Pos: pos, X: c.expr(args[0]), Star: true}
		}
	case fnLambda:
		l := &Lambda{Pos: pos}
		for _, a := range args[:len(args)-1] {
			l.Params = append(l.Params, c.name(a))
		}
		l.Body = c.expr(args[len(args)-1])
		return l
	}
	c.fail(off, rqlerr.ParseUnsupported, "function form %s is not supported", name)
	return nil
}

// name returns the name of a column reference the rewriter emitted.
func (c *converter) name(n ast.ExprNode) string {
	if cn, ok := n.(*ast.ColumnNameExpr); ok && cn.Name.Table.O == "" {
		return cn.Name.Name.O
	}
	c.fail(n.OriginTextPosition(), rqlerr.ParseSyntax, "expected a name")
	return ""
}
