package parser

import (
	"strconv"
	"strings"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// The rewriter turns a range of rql tokens into text TiDB's parser accepts,
// keeping a map back to the tokens. Each rewrite is reversible: ksqlDB-only
// forms become calls to reserved names (which no user name can spell, as
// user functions are prefixed), and convert.go turns them back:
//
//	f(args)            `F:F`(args)           every user function, upper-cased
//	f(*)               `S:F`()
//	CAST(e AS T)       `$CAST`(e, n)         n indexes rewriter.types
//	ARRAY[a, b]        `$ARRAY`(a, b)
//	MAP(k := v, ...)   `$MAP`(k, v, ...)
//	STRUCT(f := v)     `$STRUCT`(`F`, v)
//	x[i]               `$SUB`(x, i)
//	x->f, x->*         `$DEREF`(x, `F`), `$DEREFSTAR`(x)
//	x => e, (x,y) => e `$LAMBDA`(`X`, `Y`, e)   (function arguments only)
//	a IS DISTINCT FROM b      a REGEXP b     (comparison precedence)
//	a IS NOT DISTINCT FROM b  a <=> b
//	a || b             a | b                 (precedence between + and =)
//	name               `NAME`                every identifier is quoted
//	ESCAPE 'c'         ESCAPE '\x01'         a marker byte indexing escapes
//
// Literals are passed through and mapped back to their token, so that
// literal values come from rql's own reading of the text.

// internal names of the rewritten constructs.
const (
	fnUser      = "F:"
	fnStar      = "S:"
	fnCast      = "$CAST"
	fnArray     = "$ARRAY"
	fnMap       = "$MAP"
	fnStruct    = "$STRUCT"
	fnSub       = "$SUB"
	fnDeref     = "$DEREF"
	fnDerefStar = "$DEREFSTAR"
	fnLambda    = "$LAMBDA"
)

var numberPlaceholder = map[tokKind]string{tInt: "1", tDecimal: "1.0", tFloat: "1E0"}

// mark maps an offset of the rewritten text to a token.
type mark struct {
	out int // offset in rewriter.out
	src int // offset in the statement text
	tok int // token index for a literal's mark, else -1
}

type rewriter struct {
	p       *parser
	out     []byte
	marks   []mark
	types   []*sqltypes.Type
	escapes []token
}

// passKeywords pass through to TiDB unchanged.
var passKeywords = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "IS": true, "IN": true, "BETWEEN": true,
	"LIKE": true, "CASE": true, "WHEN": true, "THEN": true, "ELSE": true, "END": true, "AS": true,
}

// reservedInExpr are ksqlDB keywords that cannot be bare names in an
// expression.
var reservedInExpr = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "GROUP": true, "BY": true, "HAVING": true,
	"LIMIT": true, "JOIN": true, "ON": true, "WITHIN": true, "WINDOW": true, "EMIT": true,
	"PARTITION": true, "DISTINCT": true, "EXISTS": true, "INTO": true, "VALUES": true,
	"CREATE": true, "INSERT": true, "DROP": true, "ESCAPE": true, "CAST": true,
}

func (r *rewriter) tok(i int) token { return r.p.tokAt(i) }

// emit appends s (preceded by a blank) mapped to srcOff.
func (r *rewriter) emit(s string, srcOff, tok int) {
	r.out = append(r.out, ' ')
	r.marks = append(r.marks, mark{out: len(r.out), src: srcOff, tok: tok})
	r.out = append(r.out, s...)
}

// insert puts s (and a blank) at offset at of the output, mapped to srcOff.
func (r *rewriter) insert(at int, s string, srcOff int) {
	s += " "
	r.out = append(r.out[:at], append([]byte(s), r.out[at:]...)...)
	k := len(r.marks)
	for j := range r.marks {
		if r.marks[j].out >= at {
			if j < k {
				k = j
			}
			r.marks[j].out += len(s)
		}
	}
	r.marks = append(r.marks, mark{})
	copy(r.marks[k+1:], r.marks[k:])
	r.marks[k] = mark{out: at, src: srcOff, tok: -1}
}

// quoteName renders a canonical name as a TiDB quoted identifier.
func quoteName(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// quoteString renders a string value as a TiDB string literal (with
// NO_BACKSLASH_ESCAPES only the quote needs doubling).
func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// seq rewrites tokens [a, b). arg says the range is one function argument,
// where a lambda may start.
func (r *rewriter) seq(a, b int, arg bool) {
	prevOperand := false
	for i := a; i < b; {
		t := r.tok(i)
		if arg && i == a {
			if n := r.lambdaParams(i, b); n > 0 {
				i = r.lambda(i, n, b)
				continue
			}
		}
		if r.startsUnit(i) {
			if prevOperand && t.Kind != tIdent && t.Kind != tQIdent {
				r.p.fail(r.p.syntaxErr(t, "extraneous input '"+t.display()+"'"))
			}
			start := len(r.out)
			i = r.unit(i, b)
			i = r.postfix(i, b, start, t.Off)
			prevOperand = true
			continue
		}
		switch {
		case t.is("IS") && r.tok(i+1).is("DISTINCT"):
			r.expectFrom(i+2, b)
			r.emit("REGEXP", t.Off, -1)
			i += 3
		case t.is("IS") && r.tok(i+1).is("NOT") && r.tok(i+2).is("DISTINCT"):
			r.expectFrom(i+3, b)
			r.emit("<=>", t.Off, -1)
			i += 4
		case t.is("ESCAPE"):
			s := r.tok(i + 1)
			if s.Kind != tString || i+1 >= b {
				r.p.expecting(s, "STRING")
			}
			if len(r.escapes) >= 30 {
				r.p.fail(r.p.errAt(rqlerr.ParseUnsupported, t.Off, "too many ESCAPE clauses"))
			}
			r.escapes = append(r.escapes, s)
			r.emit("ESCAPE", t.Off, -1)
			r.emit("'"+string(rune(len(r.escapes)))+"'", s.Off, -1)
			i += 2
			prevOperand = true
			continue
		case t.Kind == tIdent && passKeywords[t.Val]:
			r.emit(t.Val, t.Off, -1)
			i++
			prevOperand = t.Val == "END"
			continue
		case t.Kind == tOp:
			switch t.Val {
			case "*":
				// An operand (SELECT *) at the start of an item, else a product.
				if !prevOperand && i != a && !r.tok(i-1).isOp(",") {
					r.p.noViable(t)
				}
				r.emit("*", t.Off, -1)
				i++
				prevOperand = !prevOperand
				continue
			case ",", "+", "-", "/", "%", "=", "<>", "!=", "<", "<=", ">", ">=":
				r.emit(t.Val, t.Off, -1)
			case "||":
				r.emit("|", t.Off, -1)
			default:
				r.p.noViable(t)
			}
			i++
		default:
			r.p.noViable(t)
		}
		prevOperand = false
	}
}

// expectFrom checks that token i is FROM (of IS [NOT] DISTINCT FROM).
func (r *rewriter) expectFrom(i, b int) {
	if t := r.tok(i); !t.is("FROM") || i >= b {
		r.p.expecting(t, "'FROM'")
	}
}

// startsUnit reports whether token i starts an operand.
func (r *rewriter) startsUnit(i int) bool {
	t := r.tok(i)
	switch t.Kind {
	case tString, tInt, tDecimal, tFloat, tQIdent:
		return true
	case tIdent:
		return !passKeywords[t.Val] && t.Val != "ESCAPE"
	case tOp:
		return t.Val == "("
	}
	return false
}

// closing returns the index of the bracket closing the one at i, which
// must lie before b.
func (r *rewriter) closing(i, b int) int {
	c := r.p.matching(i)
	if c < 0 || c >= b {
		want := "')'"
		if r.tok(i).isOp("[") {
			want = "']'"
		}
		r.p.expecting(r.tok(b), want)
	}
	return c
}

// unit rewrites one operand starting at i and returns the index after it.
func (r *rewriter) unit(i, b int) int {
	t := r.tok(i)
	switch t.Kind {
	case tString:
		r.emit(quoteString(t.Val), t.Off, i)
		return i + 1
	case tInt, tDecimal, tFloat:
		// A placeholder of the same class: the value is read from the
		// token (TiDB rejects some literals ksqlDB accepts, and vice versa).
		r.emit(numberPlaceholder[t.Kind], t.Off, i)
		return i + 1
	case tOp: // "("
		c := r.closing(i, b)
		if c == i+1 {
			r.p.noViable(r.tok(c))
		}
		r.emit("(", t.Off, -1)
		r.seq(i+1, c, false)
		r.emit(")", r.tok(c).Off, -1)
		return c + 1
	}
	next := r.tok(i + 1)
	if t.Kind == tIdent {
		switch {
		case t.Val == "TRUE" || t.Val == "FALSE" || t.Val == "NULL":
			r.emit(t.Val, t.Off, i)
			return i + 1
		case t.Val == "CAST" && next.isOp("("):
			return r.cast(i, b)
		case t.Val == "ARRAY" && next.isOp("["):
			return r.ctor(i, b, fnArray)
		case t.Val == "MAP" && next.isOp("("):
			return r.ctor(i, b, fnMap)
		case t.Val == "STRUCT" && next.isOp("("):
			return r.ctor(i, b, fnStruct)
		case reservedInExpr[t.Val]:
			r.p.noViable(t)
		}
	}
	if next.isOp("(") && i+1 < b {
		return r.call(i, b)
	}
	// NAME or Q.NAME (or Q.* in a select list).
	r.emit(quoteName(t.Val), t.Off, -1)
	i++
	for r.tok(i).isOp(".") && i+1 < b {
		n := r.tok(i + 1)
		switch {
		case n.isOp("*"):
			r.emit(".*", r.tok(i).Off, -1)
			return i + 2
		case n.isName():
			r.emit("."+quoteName(n.Val), n.Off, -1)
			i += 2
		default:
			r.p.noViable(n)
		}
	}
	return i
}

// call rewrites name(args) at i.
func (r *rewriter) call(i, b int) int {
	t := r.tok(i)
	c := r.closing(i+1, b)
	name := strings.ToUpper(t.Val)
	if c == i+3 && r.tok(i+2).isOp("*") {
		r.emit(quoteName(fnStar+name)+"()", t.Off, -1)
		return c + 1
	}
	r.emit(quoteName(fnUser+name)+"(", t.Off, -1)
	r.args(i+2, c, true)
	r.emit(")", r.tok(c).Off, -1)
	return c + 1
}

// args rewrites the comma-separated list [a, c).
func (r *rewriter) args(a, c int, lambdas bool) {
	if a == c {
		return
	}
	start := a
	for _, k := range append(r.p.topLevelCommas(a, c), c) {
		if k == start {
			r.p.noViable(r.tok(k))
		}
		r.seq(start, k, lambdas)
		if k < c {
			r.emit(",", r.tok(k).Off, -1)
		}
		start = k + 1
	}
}

// cast rewrites CAST(e AS type) at i.
func (r *rewriter) cast(i, b int) int {
	t := r.tok(i)
	c := r.closing(i+1, b)
	as := -1
	depth := 0
	for k := i + 2; k < c; k++ {
		tk := r.tok(k)
		if tk.isOp("(") || tk.isOp("[") {
			depth++
		} else if tk.isOp(")") || tk.isOp("]") {
			depth--
		} else if depth == 0 && tk.is("AS") {
			as = k
			break
		}
	}
	if as < 0 {
		r.p.expecting(r.tok(c), "'AS'")
	}
	if as == i+2 {
		r.p.noViable(r.tok(as))
	}
	r.emit(quoteName(fnCast)+"(", t.Off, -1)
	r.seq(i+2, as, false)
	saved := r.p.i
	r.p.i = as + 1
	var ty *sqltypes.Type
	r.p.within(c, func() {
		ty = r.p.typ()
		r.p.expectEnd()
	})
	r.p.i = saved
	r.types = append(r.types, ty)
	r.emit(", "+strconv.Itoa(len(r.types)-1)+")", r.tok(c).Off, -1)
	return c + 1
}

// ctor rewrites ARRAY[...], MAP(k := v, ...) or STRUCT(f := v, ...) at i.
func (r *rewriter) ctor(i, b int, fn string) int {
	t := r.tok(i)
	c := r.closing(i+1, b)
	r.emit(quoteName(fn)+"(", t.Off, -1)
	if fn == fnArray {
		r.args(i+2, c, false)
		r.emit(")", r.tok(c).Off, -1)
		return c + 1
	}
	if c == i+2 && fn == fnMap {
		r.p.fail(r.p.errAt(rqlerr.ParseSyntax, t.Off,
			"Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239)."))
	}
	start := i + 2
	if start < c {
		for _, k := range append(r.p.topLevelCommas(start, c), c) {
			assign := -1
			depth := 0
			for j := start; j < k; j++ {
				tj := r.tok(j)
				if tj.isOp("(") || tj.isOp("[") {
					depth++
				} else if tj.isOp(")") || tj.isOp("]") {
					depth--
				} else if depth == 0 && tj.isOp(":=") {
					assign = j
					break
				}
			}
			if assign < 0 {
				r.p.expecting(r.tok(k), "':='")
			}
			if fn == fnStruct {
				if assign != start+1 || !r.tok(start).isName() {
					r.p.noViable(r.tok(start))
				}
				r.emit(quoteName(r.tok(start).Val), r.tok(start).Off, -1)
			} else {
				if assign == start {
					r.p.noViable(r.tok(assign))
				}
				r.seq(start, assign, false)
			}
			r.emit(",", r.tok(assign).Off, -1)
			if assign+1 == k {
				r.p.noViable(r.tok(k))
			}
			r.seq(assign+1, k, false)
			if k < c {
				r.emit(",", r.tok(k).Off, -1)
			}
			start = k + 1
		}
	}
	r.emit(")", r.tok(c).Off, -1)
	return c + 1
}

// postfix wraps the operand rewritten from output offset start (source
// offset srcOff) in subscripts and dereferences that follow it.
func (r *rewriter) postfix(i, b, start, srcOff int) int {
	for i < b {
		t := r.tok(i)
		switch {
		case t.isOp("["):
			c := r.closing(i, b)
			if c == i+1 {
				r.p.noViable(r.tok(c))
			}
			r.insert(start, quoteName(fnSub)+"(", srcOff)
			r.emit(",", t.Off, -1)
			r.seq(i+1, c, false)
			r.emit(")", r.tok(c).Off, -1)
			i = c + 1
		case t.isOp("->"):
			n := r.tok(i + 1)
			switch {
			case n.isOp("*") && i+1 < b:
				r.insert(start, quoteName(fnDerefStar)+"(", srcOff)
				r.emit(")", n.Off, -1)
			case n.isName() && i+1 < b:
				r.insert(start, quoteName(fnDeref)+"(", srcOff)
				r.emit(", "+quoteName(n.Val)+")", n.Off, -1)
			default:
				r.p.noViable(n)
			}
			i += 2
		default:
			return i
		}
	}
	return i
}

// lambdaParams returns the number of tokens of a lambda's parameters and
// arrow starting at i (x => or (x, y) =>), or 0.
func (r *rewriter) lambdaParams(i, b int) int {
	t := r.tok(i)
	if t.isName() && r.tok(i+1).isOp("=>") && i+1 < b {
		return 2
	}
	if !t.isOp("(") {
		return 0
	}
	for k := i + 1; k+1 < b; k += 2 {
		if !r.tok(k).isName() {
			return 0
		}
		switch n := r.tok(k + 1); {
		case n.isOp(","):
		case n.isOp(")"):
			if r.tok(k+2).isOp("=>") && k+2 < b {
				return k + 3 - i
			}
			return 0
		default:
			return 0
		}
	}
	return 0
}

// lambda rewrites a lambda whose n parameter tokens start at i; its body
// runs to b.
func (r *rewriter) lambda(i, n, b int) int {
	t := r.tok(i)
	r.emit(quoteName(fnLambda)+"(", t.Off, -1)
	for k := i; k < i+n; k++ {
		if tk := r.tok(k); tk.isName() {
			r.emit(quoteName(tk.Val)+",", tk.Off, -1)
		}
	}
	if i+n >= b {
		r.p.noViable(r.tok(b))
	}
	r.seq(i+n, b, false)
	r.emit(")", r.tok(b).Off, -1)
	return b
}
