package planner

import (
	"strings"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// Key extraction for pull queries, after ksqlDB's QueryFilterNode: the
// WHERE clause is rewritten in disjunctive normal form (IN becomes ORs of
// equalities, BETWEEN two bounds, NOT is pushed down); every disjunct with
// an equality on each key column is a key lookup; a disjunct with only
// bounds on a single key column is a key range; anything else needs a
// table scan (ksql.query.pull.table.scan.enabled, default true; without it
// ksqlDB's errors). The WHERE clause itself is always evaluated on the rows
// read, so extraction only has to find a superset.

// maxDisjuncts bounds the DNF expansion; beyond it the query scans.
const maxDisjuncts = 256

// dnf returns e (negated when neg) as a disjunction of conjunctions of
// terms; ok is false when the expansion is too large.
func dnf(e Expr, neg bool) ([][]Expr, bool) {
	switch x := e.(type) {
	case *Logic:
		l, ok1 := dnf(x.L, neg)
		r, ok2 := dnf(x.R, neg)
		if !ok1 || !ok2 {
			return nil, false
		}
		if x.And != neg { // AND, or NOT(OR)
			if len(l)*len(r) > maxDisjuncts {
				return nil, false
			}
			var out [][]Expr
			for _, a := range l {
				for _, b := range r {
					out = append(out, append(append([]Expr(nil), a...), b...))
				}
			}
			return out, true
		}
		if len(l)+len(r) > maxDisjuncts {
			return nil, false
		}
		return append(l, r...), true
	case *Not:
		return dnf(x.X, !neg)
	case *In:
		if x.Not != neg {
			var conj []Expr
			for _, it := range x.List {
				conj = append(conj, &Cmp{P: x.P, Op: CmpNe, L: x.X, R: it})
			}
			return [][]Expr{conj}, true
		}
		var out [][]Expr
		for _, it := range x.List {
			out = append(out, []Expr{&Cmp{P: x.P, Op: CmpEq, L: x.X, R: it}})
		}
		return out, len(out) <= maxDisjuncts
	case *Between:
		if x.Not != neg {
			return [][]Expr{{&Cmp{P: x.P, Op: CmpLt, L: x.X, R: x.Lo}}, {&Cmp{P: x.P, Op: CmpGt, L: x.X, R: x.Hi}}}, true
		}
		return [][]Expr{{&Cmp{P: x.P, Op: CmpGe, L: x.X, R: x.Lo}, &Cmp{P: x.P, Op: CmpLe, L: x.X, R: x.Hi}}}, true
	case *Cmp:
		if neg {
			return [][]Expr{{&Cmp{P: x.P, Op: negCmp[x.Op], L: x.L, R: x.R}}}, true
		}
	case *Like:
		if neg {
			cp := *x
			cp.Not = !cp.Not
			return [][]Expr{{&cp}}, true
		}
	default:
		if neg {
			return [][]Expr{{&Not{P: e.Pos(), X: e}}}, true
		}
	}
	return [][]Expr{{e}}, true
}

var negCmp = [...]CmpOp{CmpEq: CmpNe, CmpNe: CmpEq, CmpLt: CmpGe, CmpLe: CmpGt, CmpGt: CmpLe, CmpGe: CmpLt,
	CmpIsDistinct: CmpIsNotDistinct, CmpIsNotDistinct: CmpIsDistinct}

// mirrorCmp is the operator of y op' x for x op y.
var mirrorCmp = [...]CmpOp{CmpEq: CmpEq, CmpNe: CmpNe, CmpLt: CmpGt, CmpLe: CmpGe, CmpGt: CmpLt, CmpGe: CmpLe,
	CmpIsDistinct: CmpIsDistinct, CmpIsNotDistinct: CmpIsNotDistinct}

// directColumn returns e when it is a column or pseudo column reference,
// looking through implicit casts; else nil.
func directColumn(e Expr) Expr {
	for {
		switch x := e.(type) {
		case *ColRef, *PseudoRef:
			return x
		case *Cast:
			if !x.Implicit {
				return nil
			}
			e = x.X
		default:
			return nil
		}
	}
}

func hasColumnRef(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		switch x.(type) {
		case *ColRef, *PseudoRef:
			found = true
		}
		return !found
	})
	return found
}

// pullWhere analyzes a WHERE clause for one source.
type pullWhere struct {
	p        *stmtPlanner
	src      *Source
	keys     []int // key column indexes in src.Schema
	windowed bool
	scans    bool // table scans enabled
}

// disjunct is what one disjunct constrains.
type disjunct struct {
	eq     []Expr // per key column (nil: no equality)
	ranged []bool // per key column: a bound other than '='
	scan   bool   // needs a table scan
	bounds []string
	win    [2]winBounds
}

type winBounds struct{ eq, lower, upper bool }

func (w *pullWhere) keyPos(col int) int {
	for i, k := range w.keys {
		if k == col {
			return i
		}
	}
	return -1
}

// invalid is ksqlDB's invalidWhereClauseException.
func invalidWhere(pos rqlerr.Pos, msg string, windowed bool) error {
	add := ""
	if windowed {
		add = "\n - (optionally) limits the time bounds of the windowed table.\n\t Bounds on [WINDOWSTART, WINDOWEND] are supported" +
			"\n\t Supported operators are [EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL, LESS_THAN, LESS_THAN_OR_EQUAL]"
	}
	return rqlerr.At(rqlerr.BindUnsupported, pos, "%s", msg+". "+pullHelp+
		"\nPull queries require a WHERE clause that:"+
		"\n - includes a key equality expression, e.g. `SELECT * FROM X WHERE <key-column> = Y;`."+
		"\n - in the case of a multi-column key, is a conjunction of equality expressions that cover all key columns."+
		"\n - to support range expressions, e.g.,  SELECT * FROM X WHERE <key-column> < Y;`, range scans need to be enabled by setting ksql.query.pull.range.scan.enabled=true"+
		add+
		"\nIf more flexible queries are needed, , table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true.")
}

const scanDisabled = "Query requires table scan to be enabled. Table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true"

// needScan marks d as needing a table scan, or fails when scans are off.
func (w *pullWhere) needScan(d *disjunct, pos rqlerr.Pos, msg string, windowed bool) error {
	if w.scans {
		d.scan = true
		return nil
	}
	return invalidWhere(pos, msg, windowed)
}

// pullLookup chooses the key access for filter (nil: no WHERE).
func (p *stmtPlanner) pullLookup(src *Source, filter Expr, stmtPos rqlerr.Pos) (*PullLookup, error) {
	w := &pullWhere{p: p, src: src, keys: keyIndexes(src.Schema), windowed: src.Window != nil,
		scans: p.propEnabled(PropPullTableScan)}
	lk := &PullLookup{}
	for _, k := range w.keys {
		lk.KeyTypes = append(lk.KeyTypes, src.Schema.Columns[k].Type)
	}
	scan := func() (*PullLookup, error) {
		if !w.scans {
			return nil, rqlerr.At(rqlerr.BindUnsupported, stmtPos, "%s", scanDisabled)
		}
		lk.Kind, lk.Keys = LookupScan, nil
		return lk, nil
	}
	if filter == nil || len(w.keys) == 0 {
		return scan()
	}
	disj, ok := dnf(filter, false)
	if !ok {
		return scan()
	}
	var ds []*disjunct
	for _, terms := range disj {
		d, err := w.disjunct(terms)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	for _, d := range ds {
		lk.Bounds = append(lk.Bounds, d.bounds...)
	}
	rangeOK := p.propEnabled(PropPullRangeScan) && !w.windowed
	if len(ds) == 1 && !ds[0].scan && ds[0].eq[0] == nil && ds[0].ranged[0] && len(w.keys) == 1 && rangeOK {
		lk.Kind = LookupRange
		return lk, nil
	}
	for _, d := range ds {
		full := !d.scan
		for _, e := range d.eq {
			full = full && e != nil
		}
		if !full {
			return scan()
		}
		lk.Keys = append(lk.Keys, d.eq)
	}
	lk.Kind = LookupKeys
	return lk, nil
}

// disjunct analyzes one conjunction of terms.
func (w *pullWhere) disjunct(terms []Expr) (*disjunct, error) {
	d := &disjunct{eq: make([]Expr, len(w.keys)), ranged: make([]bool, len(w.keys))}
	for _, t := range terms {
		if err := w.term(d, t); err != nil {
			return nil, err
		}
	}
	seen := 0
	var names []string
	for i := range w.keys {
		if d.eq[i] != nil || d.ranged[i] {
			seen++
			names = append(names, "`"+w.src.Schema.Columns[w.keys[i]].Name+"`")
		}
	}
	pos := terms[0].Pos()
	switch {
	case d.scan:
	case seen == 0:
		return d, w.needScan(d, pos, "WHERE clause missing key column for disjunct: "+conjString(terms), w.windowed)
	case seen != len(w.keys):
		var all []string
		for _, k := range w.keys {
			c := w.src.Schema.Columns[k]
			all = append(all, "`"+c.Name+"` "+c.Type.String()+" KEY")
		}
		return d, w.needScan(d, pos, "Multi-column sources must specify every key in the WHERE clause. Specified: ["+
			strings.Join(names, ", ")+"] Expected: ["+strings.Join(all, ", ")+"]", w.windowed)
	}
	return d, nil
}

func conjString(terms []Expr) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = t.String()
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, " AND ") + ")"
}

// term analyzes one term of a disjunct.
func (w *pullWhere) term(d *disjunct, t Expr) error {
	switch x := t.(type) {
	case *Cmp:
		return w.cmp(d, x)
	case *Like:
		if c, ok := directColumn(x.X).(*ColRef); ok && c.T.Kind == sqltypes.KindString {
			return nil
		}
		return w.needScan(d, x.P, "Like condition must be between strings", w.windowed)
	}
	return invalidWhere(t.Pos(), "Unsupported expression in WHERE clause: "+t.String(), false)
}

func (w *pullWhere) cmp(d *disjunct, x *Cmp) error {
	col, other, op := directColumn(x.L), x.R, x.Op
	if col == nil || hasColumnRef(other) {
		if c := directColumn(x.R); c != nil && !hasColumnRef(x.L) {
			col, other, op = c, x.L, mirrorCmp[x.Op]
		}
	}
	if col == nil {
		return w.needScan(d, x.P, "A comparison must directly reference a key column", w.windowed)
	}
	if hasColumnRef(other) {
		return w.needScan(d, x.P, "A comparison must be between a key column and a resolvable expression", w.windowed)
	}
	switch c := col.(type) {
	case *PseudoRef:
		if c.Col != PseudoWindowstart && c.Col != PseudoWindowend {
			return nil // ROWTIME: a value column
		}
		return w.windowBound(d, x, c.Col, op, other)
	case *ColRef:
		i := w.keyPos(c.Index)
		if i < 0 {
			return nil // a value column: the filter checks it
		}
		if l, ok := stripImplicit(other).(*Literal); ok && l.V == nil {
			return rqlerr.At(rqlerr.BindInvalid, x.P, "Primary key columns can not be NULL: %s", x)
		}
		switch op {
		case CmpNe, CmpIsDistinct, CmpIsNotDistinct:
			var keys []string
			for _, k := range w.keys {
				kc := w.src.Schema.Columns[k]
				keys = append(keys, "`"+kc.Name+"` "+kc.Type.String()+" KEY")
			}
			return w.needScan(d, x.P, "Bound on key columns '["+strings.Join(keys, ", ")+"]' must currently be '='", w.windowed)
		case CmpEq:
			if d.eq[i] != nil || d.ranged[i] {
				if !w.scans {
					return invalidWhere(x.P, "A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate", w.windowed)
				}
				if d.eq[i] == nil {
					d.eq[i] = other // an equality is the most selective
				}
				return nil
			}
			d.eq[i] = other
		default:
			if d.eq[i] != nil && !w.scans {
				return invalidWhere(x.P, "A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate", w.windowed)
			}
			d.ranged[i] = true
			d.bounds = append(d.bounds, c.Name+" "+op.String()+" "+other.String())
		}
	}
	return nil
}

var cmpJavaName = map[CmpOp]string{CmpEq: "EQUAL", CmpNe: "NOT_EQUAL", CmpLt: "LESS_THAN", CmpLe: "LESS_THAN_OR_EQUAL",
	CmpGt: "GREATER_THAN", CmpGe: "GREATER_THAN_OR_EQUAL", CmpIsDistinct: "IS_DISTINCT_FROM", CmpIsNotDistinct: "IS_NOT_DISTINCT_FROM"}

// windowBound records a WINDOWSTART / WINDOWEND bound, with ksqlDB's checks.
func (w *pullWhere) windowBound(d *disjunct, x *Cmp, col Pseudo, op CmpOp, other Expr) error {
	switch op {
	case CmpEq, CmpLt, CmpLe, CmpGt, CmpGe:
	default:
		return invalidWhere(x.P, "Unsupported "+col.String()+" bounds: "+cmpJavaName[op], true)
	}
	if !w.windowed {
		return invalidWhere(x.P, "Cannot use WINDOWSTART/WINDOWEND on non-windowed source", false)
	}
	switch other.Type().Kind {
	case sqltypes.KindInt, sqltypes.KindBigint, sqltypes.KindTimestamp, sqltypes.KindNull:
	default:
		return invalidWhere(x.P, "Window bounds must resolve to an INT, BIGINT, or STRING containing a datetime.", true)
	}
	b := &d.win[0]
	if col == PseudoWindowend {
		b = &d.win[1]
	}
	dup := ""
	switch op {
	case CmpEq:
		if b.eq {
			dup = "EQUAL"
		}
		b.eq = true
	case CmpLt, CmpLe:
		if b.upper {
			dup = "LESS_THAN"
		}
		b.upper = true
	default:
		if b.lower {
			dup = "GREATER_THAN"
		}
		b.lower = true
	}
	if b.eq && (b.lower || b.upper) {
		return invalidWhere(x.P, "`"+x.String()+"` cannot be combined with other "+col.String()+" bounds", true)
	}
	if dup != "" {
		return invalidWhere(x.P, "Duplicate "+col.String()+" bounds on: "+dup, true)
	}
	d.bounds = append(d.bounds, x.String())
	return nil
}

// stripImplicit looks through the binder's implicit casts.
func stripImplicit(e Expr) Expr {
	for {
		c, ok := e.(*Cast)
		if !ok || !c.Implicit {
			return e
		}
		e = c.X
	}
}
