package parser

import (
	"github.com/rql/rql/rqlerr"
)

// clause is one top-level clause of a SELECT: its rank in ksqlDB's clause
// order, the index of its first keyword and of its body.
type clause struct {
	name      string
	rank      int
	at, body  int
	bodyLimit int
}

// clauseAt reports whether the tokens at index i start a clause, and the
// clause's name, rank and keyword count.
func (p *parser) clauseAt(i int) (string, int, int, bool) {
	t, n := p.toks[i], p.tokAt(i+1)
	if t.Kind != tIdent {
		return "", 0, 0, false
	}
	switch t.Val {
	case "FROM":
		if i == 0 || !p.toks[i-1].is("DISTINCT") { // not IS [NOT] DISTINCT FROM
			return "FROM", 1, 1, true
		}
	case "ENRICH":
		if n.is("USING") {
			return "ENRICH", 2, 2, true
		}
	case "WINDOW":
		if isWindowKind(n) || n.isName() && isWindowKind(p.tokAt(i+2)) {
			return "WINDOW", 3, 1, true
		}
	case "WHERE":
		return "WHERE", 4, 1, true
	case "GROUP":
		if n.is("BY") {
			return "GROUP BY", 5, 2, true
		}
	case "PARTITION":
		if n.is("BY") {
			return "PARTITION BY", 6, 2, true
		}
	case "HAVING":
		return "HAVING", 6, 1, true
	case "EMIT":
		return "EMIT", 7, 1, true
	case "LIMIT":
		return "LIMIT", 8, 1, true
	}
	return "", 0, 0, false
}

// query parses SELECT ... up to the parse limit:
//
//	SELECT items FROM relation [ENRICH ...]* [WINDOW w] [WHERE e]
//	[GROUP BY es] [PARTITION BY es | HAVING e] [EMIT CHANGES|FINAL] [LIMIT n]
func (p *parser) query() *Query {
	sel := p.expectKw("SELECT")
	q := &Query{Pos: p.src.pos(sel.Off)}
	start := p.i
	var clauses []clause
	depth := 0
	for j := start; j < p.limit; j++ {
		t := p.toks[j]
		if t.Kind == tOp {
			switch t.Val {
			case "(", "[":
				depth++
			case ")", "]":
				depth--
			}
			continue
		}
		if depth != 0 {
			continue
		}
		if name, rank, n, ok := p.clauseAt(j); ok {
			clauses = append(clauses, clause{name: name, rank: rank, at: j, body: j + n})
			j += n - 1
		}
	}
	for k := range clauses {
		clauses[k].bodyLimit = p.limit
		if k+1 < len(clauses) {
			clauses[k].bodyLimit = clauses[k+1].at
		}
	}
	if len(clauses) == 0 || clauses[0].name != "FROM" {
		at := p.limit
		if len(clauses) > 0 {
			at = clauses[0].at
		}
		if at == start {
			p.noViable(p.tokAt(at))
		}
		// The select list must still parse; its errors come first.
		p.selectItems(start, at)
		p.expecting(p.tokAt(at), "{',', 'FROM'}")
	}
	if clauses[0].at == start {
		p.noViable(p.toks[start])
	}
	q.Select = p.selectItems(start, clauses[0].at)
	seen := map[string]bool{}
	lastRank := 0
	for _, c := range clauses {
		if c.rank < lastRank || (seen[c.name] && c.name != "ENRICH") {
			p.fail(p.syntaxErr(p.toks[c.at], "extraneous input '"+p.toks[c.at].display()+"'"))
		}
		seen[c.name] = true
		lastRank = c.rank
		p.within(c.bodyLimit, func() {
			p.i = c.body
			p.clauseBody(q, c)
			p.expectEnd()
		})
		p.i = c.bodyLimit
	}
	return q
}

// clauseBody parses the body of clause c into q.
func (p *parser) clauseBody(q *Query, c clause) {
	switch c.name {
	case "FROM":
		q.From = p.relation()
	case "ENRICH":
		q.Enrich = append(q.Enrich, p.enrich(c.at))
	case "WINDOW":
		q.Window = p.window()
	case "WHERE":
		q.Where = p.exprTo(p.limit)
	case "GROUP BY":
		q.GroupBy = p.groupBy(c)
	case "HAVING":
		q.Having = p.exprTo(p.limit)
	case "PARTITION BY":
		q.PartitionBy = p.groupBy(c)
	case "EMIT":
		switch t := p.peek(); {
		case t.is("CHANGES"):
			q.Emit = EmitChanges
		case t.is("FINAL"):
			q.Emit = EmitFinal
		default:
			p.expecting(t, "{'CHANGES', 'FINAL'}")
		}
		p.next()
	case "LIMIT":
		n := p.intLit()
		q.Limit = &n
	}
}

// exprTo parses one expression from p.i up to token index end.
func (p *parser) exprTo(end int) Expr {
	if p.i >= end {
		p.noViable(p.tokAt(end))
	}
	e := p.expr(p.i, end)
	p.i = end
	return e
}

// groupBy parses GROUP BY's or PARTITION BY's list: e, ... or (e, ...).
func (p *parser) groupBy(c clause) []Expr {
	start, end := p.i, p.limit
	if start >= end {
		p.noViable(p.tokAt(end))
	}
	if end == start+2 && p.toks[start].isOp("(") && p.toks[start+1].isOp(")") {
		p.fail(p.errAt(rqlerr.ParseSyntax, p.toks[c.at].Off, "%s requires at least one expression", c.name))
	}
	// Find top-level commas and parenthesised groups holding commas.
	depth := 0
	topComma := false
	for j := start; j < end; j++ {
		if t := p.toks[j]; t.isOp("(") || t.isOp("[") {
			depth++
		} else if t.isOp(")") || t.isOp("]") {
			depth--
		} else if t.isOp(",") && depth == 0 {
			topComma = true
		}
	}
	if p.toks[start].isOp("(") && p.matching(start) == end-1 && !topComma {
		inner := p.topLevelCommas(start+1, end-1)
		if len(inner) > 0 {
			p.i = end
			return p.exprList(start+1, end-1, p.toks[start])
		}
	}
	if topComma {
		// ksqlDB's grammar has no row expressions among other groupings.
		for j := start; j < end; j++ {
			if p.toks[j].isOp("(") && (j == start || p.toks[j-1].isOp(",")) {
				k := p.matching(j)
				if cs := p.topLevelCommas(j+1, k); k > 0 && len(cs) > 0 {
					p.fail(p.syntaxErr(p.toks[cs[0]], "missing ')' at ','"))
				}
			}
		}
	}
	p.i = end
	return p.exprList(start, end, p.toks[start])
}

// topLevelCommas returns the indexes of the commas of [a, b) at depth 0.
func (p *parser) topLevelCommas(a, b int) []int {
	var out []int
	depth := 0
	for j := a; j < b; j++ {
		t := p.toks[j]
		switch {
		case t.isOp("(") || t.isOp("["):
			depth++
		case t.isOp(")") || t.isOp("]"):
			depth--
		case t.isOp(",") && depth == 0:
			out = append(out, j)
		}
	}
	return out
}

// joinKeywords cannot be table aliases.
var joinKeywords = map[string]bool{"JOIN": true, "INNER": true, "LEFT": true, "RIGHT": true,
	"FULL": true, "OUTER": true, "CROSS": true, "ON": true, "WITHIN": true, "AS": true}

// relation parses FROM's body: aliased (joinType JOIN aliased [WITHIN ...] ON e)*.
func (p *parser) relation() Relation {
	var left Relation = p.aliasedRelation()
	for {
		t := p.peek()
		jt, ok := p.joinType()
		if !ok {
			if t.Kind != tEOF {
				p.fail(p.syntaxErr(t, "extraneous input '"+t.display()+"'"))
			}
			return left
		}
		j := &Join{Pos: p.src.pos(t.Off), Type: jt, Left: left}
		j.Right = p.aliasedRelation()
		if p.acceptKw("WITHIN") {
			j.Within = p.withinClause()
		}
		p.expectKw("ON")
		end := p.limit
		depth := 0
		for k := p.i; k < p.limit; k++ {
			tk := p.toks[k]
			if tk.isOp("(") || tk.isOp("[") {
				depth++
			} else if tk.isOp(")") || tk.isOp("]") {
				depth--
			} else if depth == 0 && p.startsJoin(k) {
				end = k
				break
			}
		}
		j.On = p.exprTo(end)
		left = j
	}
}

// startsJoin reports whether a join clause starts at token index k.
func (p *parser) startsJoin(k int) bool {
	t, n := p.toks[k], p.tokAt(k+1)
	switch {
	case t.is("JOIN"):
		return true
	case t.is("INNER"):
		return n.is("JOIN")
	case t.is("LEFT") || t.is("RIGHT") || t.is("FULL"):
		return n.is("JOIN") || n.is("OUTER")
	}
	return false
}

// joinType consumes a join type and JOIN.
func (p *parser) joinType() (JoinType, bool) {
	t := p.peek()
	jt := JoinInner
	switch {
	case t.is("JOIN"):
		p.next()
		return JoinInner, true
	case t.is("INNER"):
	case t.is("LEFT"):
		jt = JoinLeft
	case t.is("RIGHT"):
		jt = JoinRight
	case t.is("FULL"):
		jt = JoinFull
	default:
		return 0, false
	}
	p.next()
	if jt != JoinInner {
		p.acceptKw("OUTER")
	}
	p.expectKw("JOIN")
	return jt, true
}

// aliasedRelation parses name [[AS] alias].
func (p *parser) aliasedRelation() *Table {
	name, nt := p.name()
	tb := &Table{Pos: p.src.pos(nt.Off), Name: name}
	if t := p.peek(); t.isOp("(") {
		p.fail(p.syntaxErr(t, "mismatched input '(': table functions are not allowed in FROM"))
	}
	if p.acceptKw("AS") {
		tb.Alias, _ = p.name()
	} else if t := p.peek(); t.Kind == tQIdent || (t.Kind == tIdent && !joinKeywords[t.Val]) {
		p.next()
		tb.Alias = t.Val
	}
	return tb
}

// timeUnits maps ksqlDB's window units to milliseconds.
var timeUnits = map[string]int64{
	"MILLISECOND": 1, "MILLISECONDS": 1, "SECOND": 1000, "SECONDS": 1000,
	"MINUTE": 60_000, "MINUTES": 60_000, "HOUR": 3_600_000, "HOURS": 3_600_000,
	"DAY": 86_400_000, "DAYS": 86_400_000,
}

// duration parses n UNIT into milliseconds.
func (p *parser) duration() int64 {
	n := p.intLit()
	t := p.peek()
	ms, ok := timeUnits[t.Val]
	if t.Kind != tIdent || !ok {
		p.expecting(t, "{'MILLISECOND', 'MILLISECONDS', 'SECOND', 'SECONDS', 'MINUTE', 'MINUTES', 'HOUR', 'HOURS', 'DAY', 'DAYS'}")
	}
	p.next()
	return n * ms
}

// withinClause parses WITHIN's body: n UNIT | (n UNIT, m UNIT), then
// [GRACE PERIOD n UNIT].
func (p *parser) withinClause() *Within {
	w := &Within{Pos: p.src.pos(p.toks[p.i-1].Off), Grace: -1}
	if p.acceptOp("(") {
		w.Before = p.duration()
		p.expectOp(",")
		w.After = p.duration()
		p.expectOp(")")
	} else {
		w.Before = p.duration()
		w.After = w.Before
	}
	if p.acceptKw("GRACE") {
		p.expectKw("PERIOD")
		w.Grace = p.duration()
	}
	return w
}

func isWindowKind(t token) bool { return t.is("TUMBLING") || t.is("HOPPING") || t.is("SESSION") }

// window parses [name] TUMBLING|HOPPING|SESSION (...); ksqlDB allows a
// window name, which has no meaning.
func (p *parser) window() *Window {
	if !isWindowKind(p.peek()) {
		p.next()
	}
	t := p.next()
	w := &Window{Pos: p.src.pos(t.Off), Retention: -1, Grace: -1}
	p.expectOp("(")
	switch t.Val {
	case "TUMBLING":
		w.Kind = WindowTumbling
		p.expectKw("SIZE")
		w.Size = p.duration()
	case "HOPPING":
		w.Kind = WindowHopping
		p.expectKw("SIZE")
		w.Size = p.duration()
		p.expectOp(",")
		p.expectKw("ADVANCE")
		p.expectKw("BY")
		w.Advance = p.duration()
	case "SESSION":
		w.Kind = WindowSession
		w.Size = p.duration()
	}
	for p.acceptOp(",") {
		switch t := p.peek(); {
		case t.is("RETENTION") && w.Retention < 0:
			p.next()
			w.Retention = p.duration()
		case t.is("GRACE") && w.Grace < 0:
			p.next()
			p.expectKw("PERIOD")
			w.Grace = p.duration()
		default:
			p.expecting(t, "{'RETENTION', 'GRACE'}")
		}
	}
	p.expectOp(")")
	return w
}

// enrich parses ENRICH USING [ASYNC] f(args) AS alias [WITH (props)].
func (p *parser) enrich(at int) *Enrich {
	en := &Enrich{Pos: p.src.pos(p.toks[at].Off)}
	en.Async = p.acceptKw("ASYNC")
	ft := p.peek()
	if !ft.isName() || !p.peekAt(1).isOp("(") {
		p.expecting(ft, "function call")
	}
	end := p.matching(p.i + 1)
	if end < 0 {
		p.expecting(p.tokAt(p.limit), "')'")
	}
	e := p.expr(p.i, end+1)
	call, ok := e.(*Call)
	if !ok {
		p.fail(p.errAt(rqlerr.ParseSyntax, ft.Off, "ENRICH USING needs a function call"))
	}
	en.Call = call
	p.i = end + 1
	p.expectKw("AS")
	en.Alias, _ = p.name()
	if p.acceptKw("WITH") {
		en.Props = p.properties()
	}
	return en
}
