package planner

import (
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// Enrich is ENRICH USING [ASYNC] f(args) AS alias [WITH (options)]: it calls
// a scalar function for every row and emits the row with the result
// appended as column Alias (Out = the input columns, then Alias). Rows that
// carry no value (table tombstones) pass with a NULL enrichment and no call.
//
// Without Async the call runs on the task goroutine (exec.Enrich); with
// Async exec/build runs it through exec/asyncio (workers, order, retries,
// failure policy, rate, cache). Options are the WITH list as written,
// already validated when the planner was given PlanOptions.CheckEnrich.
type Enrich struct {
	Input   Node
	Call    *Call
	Alias   string
	Async   bool
	Options parser.Properties
	// Pos is where the ENRICH clause starts.
	Pos rqlerr.Pos
	Out *sqltypes.Schema
}

func (n *Enrich) Schema() *sqltypes.Schema { return n.Out }
func (n *Enrich) Props() *Props            { return &Props{Mode: n.Input.Props().Mode, Key: keyIndexes(n.Out)} }
func (n *Enrich) Children() []Node         { return []Node{n.Input} }

func (n *Enrich) WithChildren(c ...Node) (Node, error) {
	if len(c) != 1 {
		return nil, errChildren(n, len(c))
	}
	cp := *n
	cp.Input = c[0]
	return &cp, nil
}

func (n *Enrich) String() string {
	s := "enrich "
	if n.Async {
		s += "async "
	}
	return s + n.Call.String() + " AS " + n.Alias
}

// OptionsMap returns the WITH options by lower-case name.
func (n *Enrich) OptionsMap() map[string]any {
	m := make(map[string]any, len(n.Options))
	for _, p := range n.Options {
		m[strings.ToLower(p.Name)] = p.Value
	}
	return m
}

// OptionsText renders the WITH options as written (lower-case names).
func (n *Enrich) OptionsText() string {
	parts := make([]string, len(n.Options))
	for i, p := range n.Options {
		v := propString(p)
		if _, ok := p.Value.(string); ok {
			v = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		}
		parts[i] = strings.ToLower(p.Name) + "=" + v
	}
	return strings.Join(parts, ", ")
}

func (n *Enrich) explain(ob *OutputBuilder) {
	if n.Async {
		ob.EnterNode("enrich async")
	} else {
		ob.EnterNode("enrich")
	}
	ob.AddField("call", n.Call.String())
	ob.AddField("alias", n.Alias+" "+n.Call.Type().SQL())
	if len(n.Options) > 0 {
		ob.AddField("options", n.OptionsText())
	}
}

// planEnrich plans the ENRICH clauses of a query over node, whose scope is
// sc: each adds a column named by its alias, visible to later clauses as
// alias, alias->field and alias.field.
func (p *stmtPlanner) planEnrich(ens []*parser.Enrich, node Node, sc *scope) (Node, *scope, error) {
	for _, en := range ens {
		call, err := p.bindEnrichCall(en, sc)
		if err != nil {
			return nil, nil, err
		}
		if err := p.checkEnrichAlias(en, sc); err != nil {
			return nil, nil, err
		}
		if p.opts.CheckEnrich != nil {
			if err := p.opts.CheckEnrich(en.Async, en.Props); err != nil {
				return nil, nil, placeErr(err, en.Pos)
			}
		}
		in := node.Schema()
		out := &sqltypes.Schema{Columns: append(append([]sqltypes.Column(nil), in.Columns...),
			sqltypes.Column{Name: en.Alias, Type: call.Type()})}
		node = &Enrich{Input: node, Call: call, Alias: en.Alias, Async: en.Async, Options: en.Props, Pos: en.Pos, Out: out}
		next := *sc
		next.cols = append(append([]scopeCol(nil), sc.cols...), scopeCol{Qualifiers: []string{en.Alias},
			Name: en.Alias, Index: len(in.Columns), Type: call.Type(), NS: sqltypes.NSValue})
		next.enrich = append(append([]string(nil), sc.enrich...), en.Alias)
		sc = &next
	}
	return node, sc, nil
}

// bindEnrichCall resolves the function of an ENRICH clause: a scalar
// function whose arguments read the columns in scope.
func (p *stmtPlanner) bindEnrichCall(en *parser.Enrich, sc *scope) (*Call, error) {
	def, ok := p.reg.Lookup(en.Call.Name)
	if !ok {
		return nil, rqlerr.At(rqlerr.BindUnknownFunction, en.Call.Pos, "Can't find any functions with the name '%s'", en.Call.Name)
	}
	if def.Kind != udf.Scalar {
		return nil, rqlerr.At(rqlerr.BindInvalid, en.Call.Pos, "ENRICH USING needs a scalar function: %s is a %s function", def.Name, strings.ToLower(def.Kind.String()))
	}
	b := &binder{reg: p.reg, scope: sc, clause: "ENRICH"}
	e, err := b.bind(en.Call)
	if err != nil {
		return nil, clauseErr("ENRICH", err)
	}
	call, ok := e.(*Call)
	if !ok {
		return nil, rqlerr.At(rqlerr.BindInvalid, en.Call.Pos, "ENRICH USING needs a function call")
	}
	if call.Type().Kind == sqltypes.KindNull {
		return nil, rqlerr.At(rqlerr.BindType, en.Call.Pos, "ENRICH USING %s: can't infer the type of the result", call)
	}
	return call, nil
}

// checkEnrichAlias rejects an alias that names a column or source in scope.
func (p *stmtPlanner) checkEnrichAlias(en *parser.Enrich, sc *scope) error {
	if en.Alias == "" {
		return rqlerr.At(rqlerr.BindInvalid, en.Pos, "ENRICH USING needs AS alias")
	}
	if _, ok := pseudoByName(en.Alias); ok {
		return rqlerr.At(rqlerr.BindInvalid, en.Pos, "`%s` is a reserved column name. You cannot use it as an ENRICH alias.", en.Alias)
	}
	if sc.hasQualifier(en.Alias) || containsStr(sc.enrich, en.Alias) {
		return rqlerr.At(rqlerr.BindInvalid, en.Pos, "ENRICH alias %s is already the name of a source or enrichment", en.Alias)
	}
	if scopeHas(sc, en.Alias) {
		return rqlerr.At(rqlerr.BindInvalid, en.Pos, "ENRICH alias %s clashes with the column %s", en.Alias, en.Alias)
	}
	return nil
}

// bindEnrichField binds alias.field, the field of a STRUCT enrichment (the
// same as alias->field).
func (b *binder) bindEnrichField(x *parser.ColumnRef) (Expr, error) {
	return b.bindDeref(&parser.Deref{Pos: x.Pos, X: &parser.ColumnRef{Pos: x.Pos, Name: x.Qualifier}, Field: x.Name})
}

// placeErr gives an unpositioned *rqlerr.Error the position pos.
func placeErr(err error, pos rqlerr.Pos) error {
	e, ok := err.(*rqlerr.Error)
	if !ok {
		return &rqlerr.Error{Code: rqlerr.EnrichOption, Pos: pos, Msg: err.Error(), Err: err}
	}
	if !e.Pos.IsValid() {
		c := *e
		c.Pos = pos
		return &c
	}
	return e
}
