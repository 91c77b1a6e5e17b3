package planner

import (
	"strconv"
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// DefaultGrace is the grace period of a window without GRACE PERIOD (ksqlDB's
// default: 24 hours).
const DefaultGrace = 24 * 60 * 60 * 1000

// AggCall is one aggregate function call of an Aggregate node.
type AggCall struct {
	// Name is the function name, upper case.
	Name string
	// Fn is the resolved call (udf.Registry.ResolveAggregate).
	Fn *udf.Resolved
	// Args are the column arguments, bound over the Aggregate's input and
	// converted to Fn.ArgTypes; the trailing init arguments are Literals.
	Args     []Expr
	Literals []sqltypes.Value
	// Text is the call as ksqlDB prints it: COUNT(ROWTIME), SUM(F1).
	Text string
}

// String renders the call.
func (a *AggCall) String() string { return a.Text }

// WindowSpec is the window of a windowed aggregation, durations in
// milliseconds, defaults applied (Grace = DefaultGrace when not given;
// Retention = 0 when not given).
type WindowSpec struct {
	Kind      parser.WindowKind
	Size      int64 // TUMBLING, HOPPING size; SESSION inactivity gap
	Advance   int64 // HOPPING (TUMBLING: = Size)
	Grace     int64
	Retention int64
}

// String renders the window as SQL.
func (w *WindowSpec) String() string {
	switch w.Kind {
	case parser.WindowHopping:
		return "HOPPING (SIZE " + ms(w.Size) + ", ADVANCE BY " + ms(w.Advance) + ", GRACE PERIOD " + ms(w.Grace) + ")"
	case parser.WindowSession:
		return "SESSION (" + ms(w.Size) + ", GRACE PERIOD " + ms(w.Grace) + ")"
	}
	return "TUMBLING (SIZE " + ms(w.Size) + ", GRACE PERIOD " + ms(w.Grace) + ")"
}

func ms(v int64) string { return strconv.FormatInt(v, 10) + " MILLISECONDS" }

// Aggregate groups its input by GroupBy and folds each group with Aggs.
// Output rows are the group key columns (NSKey, in GROUP BY order) then one
// column per AggCall: one row per input row (no caching), an upsert
// changelog keyed by the group (and the window for windowed aggregations).
//
// Over an append input (a stream) every row is added to its group; a row
// whose group key has a NULL column, or a null-valued row, is ignored. Over
// an upsert input (a table) the operator remembers each input key's last
// row: a new row undoes the old one (subtract, emitted) then adds the new
// one; a tombstone only undoes.
//
// Having, when set, is evaluated over the output row: a row that fails it
// is not emitted, except as a tombstone of its key when the group's previous
// result passed it. Window is nil for unwindowed aggregations; with EmitFinal
// a window's result is emitted once, when stream time passes its end plus
// grace.
type Aggregate struct {
	Input   Node
	GroupBy []Expr
	Aggs    []*AggCall
	Having  Expr
	Window  *WindowSpec
	// EmitFinal is EMIT FINAL (suppress until the window closes).
	EmitFinal bool
	Out       *sqltypes.Schema
	// StateTable names the state store of the accumulators;
	// InputTable, for an upsert input, the store of the input rows.
	StateTable string
	InputTable string
}

// Repartition re-keys its input by Keys through an internal topic before an
// aggregation whose grouping is not the input key. Rows pass unchanged (the
// schema is the input's): the in-process driver passes them through, a
// distributed runtime writes them to Topic keyed by Keys.
type Repartition struct {
	Input Node
	Keys  []Expr
	Topic string
}

func (n *Aggregate) Schema() *sqltypes.Schema   { return n.Out }
func (n *Repartition) Schema() *sqltypes.Schema { return n.Input.Schema() }

func (n *Aggregate) Props() *Props   { return &Props{Mode: Upsert, Key: keyIndexes(n.Out)} }
func (n *Repartition) Props() *Props { return n.Input.Props() }

func (n *Aggregate) Children() []Node   { return []Node{n.Input} }
func (n *Repartition) Children() []Node { return []Node{n.Input} }

func (n *Aggregate) WithChildren(c ...Node) (Node, error) {
	if len(c) != 1 {
		return nil, errChildren(n, len(c))
	}
	cp := *n
	cp.Input = c[0]
	return &cp, nil
}

func (n *Repartition) WithChildren(c ...Node) (Node, error) {
	if len(c) != 1 {
		return nil, errChildren(n, len(c))
	}
	cp := *n
	cp.Input = c[0]
	return &cp, nil
}

func (n *Aggregate) String() string   { return "aggregate " + joinExprs(n.GroupBy) }
func (n *Repartition) String() string { return "repartition " + joinExprs(n.Keys) }

func (n *Aggregate) explain(ob *OutputBuilder) {
	name := "aggregate"
	if n.Window != nil {
		name = "aggregate (windowed)"
	}
	ob.EnterNode(name)
	ob.AddField("group by", joinExprs(n.GroupBy))
	parts := make([]string, len(n.Aggs))
	for i, a := range n.Aggs {
		parts[i] = a.Text
	}
	ob.AddField("aggregates", strings.Join(parts, ", "))
	if n.Window != nil {
		ob.AddField("window", n.Window.String())
		if n.EmitFinal {
			ob.AddField("emit", "final")
		}
	}
	if n.Having != nil {
		ob.AddField("having", n.Having.String())
	}
	ob.AddField("key", keyList(n.Out))
	ob.AddField("input mode", n.Input.Props().Mode.String())
	ob.AddField("state", n.StateTable+" (key: "+strings.Join(keyNames(n.Out), ", ")+windowSuffix(n.Window)+")")
	if n.InputTable != "" {
		ob.AddField("state", n.InputTable+" (key: input key)")
	}
}

func windowSuffix(w *WindowSpec) string {
	if w == nil {
		return ""
	}
	if w.Kind == parser.WindowSession {
		return ", session"
	}
	return ", window start"
}

func keyNames(s *sqltypes.Schema) []string {
	var out []string
	for _, c := range s.Columns {
		if c.NS == sqltypes.NSKey {
			out = append(out, c.Name)
		}
	}
	return out
}

func (n *Repartition) explain(ob *OutputBuilder) {
	ob.EnterNode("repartition")
	ob.AddField("key", joinExprs(n.Keys))
	ob.AddField("internal topic", n.Topic)
}

// nameInternal replaces the query placeholder in n's internal topic and
// state store names with the query id.
func nameInternal(n Node, id string) {
	fix := func(s string) string { return strings.Replace(s, queryPlaceholder, id, 1) }
	switch x := n.(type) {
	case *Repartition:
		x.Topic = fix(x.Topic)
	case *Aggregate:
		x.StateTable = fix(x.StateTable)
		x.InputTable = fix(x.InputTable)
	case *Join:
		x.nameInternal(id)
	case *Filter:
		x.PassedStore = fix(x.PassedStore)
	}
}
