package planner

import (
	"fmt"
	"strings"

	"github.com/rql/rql/sqltypes"
)

// ChangelogMode says what a node's output rows mean.
type ChangelogMode uint8

const (
	// Append: every row is a new event (streams).
	Append ChangelogMode = iota
	// Upsert: a row replaces the previous row of its key; a tombstone
	// deletes it (tables).
	Upsert
)

func (m ChangelogMode) String() string {
	if m == Upsert {
		return "upsert"
	}
	return "append"
}

// Props are a node's physical properties.
type Props struct {
	Mode ChangelogMode
	// Key lists the indexes of the key columns in the node's schema.
	Key []int
}

// Node is a physical plan operator. Nodes are immutable: WithChildren
// returns a copy.
type Node interface {
	fmt.Stringer
	// Schema is the layout of the rows the node emits: row values are in
	// schema column order.
	Schema() *sqltypes.Schema
	Props() *Props
	Children() []Node
	// WithChildren returns a copy with new children; it is an error if
	// their number differs.
	WithChildren(children ...Node) (Node, error)
	// explain adds the node's fields to an EXPLAIN tree.
	explain(ob *OutputBuilder)
}

// Scan reads a source's topic: it deserializes the key into the key
// columns and the value into the value columns (schema = the source
// schema), and carries ROWTIME / ROWPARTITION / ROWOFFSET as metadata.
type Scan struct {
	Source *Source
	Alias  string
	P      Props
}

// Filter keeps rows for which Pred is TRUE.
type Filter struct {
	Input Node
	Pred  Expr
	// PassedStore, when set (a filter over a table join's result), names
	// the state of the keys whose last row passed: a failing row becomes a
	// tombstone only when its key's previous row passed (Kafka's KTable
	// filter with old values); without it every failing table row does.
	PassedStore string
}

// FlatMap evaluates table functions: each input row yields as many output
// rows as the longest function result; output rows are the input columns
// followed by one column per function (NULL where a shorter result ran out).
type FlatMap struct {
	Input Node
	Calls []*TableCall
	Out   *sqltypes.Schema
}

// Rekey (PARTITION BY) computes a new key: output rows are the input
// columns (old key columns become value columns) followed by one key column
// per expression. With no expressions (PARTITION BY NULL) the output has no
// key. RepartitionTopic is the internal topic a distributed runtime writes
// through.
type Rekey struct {
	Input            Node
	Keys             []Expr
	Out              *sqltypes.Schema
	RepartitionTopic string
}

// Project evaluates one expression per output column. Out lists key
// columns first, then value columns, as the sink's schema.
type Project struct {
	Input Node
	Exprs []Expr
	Out   *sqltypes.Schema
	Mode  ChangelogMode
}

// Sink serializes rows into Target's topic with its formats. Input's schema
// equals Target.Schema column for column. TimestampIndex is the column
// giving the record timestamp (-1: the input row's ROWTIME).
type Sink struct {
	Input          Node
	Target         *Source
	TimestampIndex int
}

func (n *Scan) Schema() *sqltypes.Schema    { return n.Source.Schema }
func (n *Filter) Schema() *sqltypes.Schema  { return n.Input.Schema() }
func (n *FlatMap) Schema() *sqltypes.Schema { return n.Out }
func (n *Rekey) Schema() *sqltypes.Schema   { return n.Out }
func (n *Project) Schema() *sqltypes.Schema { return n.Out }
func (n *Sink) Schema() *sqltypes.Schema    { return n.Target.Schema }

func (n *Scan) Props() *Props    { return &n.P }
func (n *Filter) Props() *Props  { return n.Input.Props() }
func (n *FlatMap) Props() *Props { return &Props{Mode: n.Input.Props().Mode, Key: keyIndexes(n.Out)} }
func (n *Rekey) Props() *Props   { return &Props{Mode: n.Input.Props().Mode, Key: keyIndexes(n.Out)} }
func (n *Project) Props() *Props { return &Props{Mode: n.Mode, Key: keyIndexes(n.Out)} }
func (n *Sink) Props() *Props    { return n.Input.Props() }

func keyIndexes(s *sqltypes.Schema) []int {
	var out []int
	for i, c := range s.Columns {
		if c.NS == sqltypes.NSKey {
			out = append(out, i)
		}
	}
	return out
}

func (n *Scan) Children() []Node    { return nil }
func (n *Filter) Children() []Node  { return []Node{n.Input} }
func (n *FlatMap) Children() []Node { return []Node{n.Input} }
func (n *Rekey) Children() []Node   { return []Node{n.Input} }
func (n *Project) Children() []Node { return []Node{n.Input} }
func (n *Sink) Children() []Node    { return []Node{n.Input} }

func errChildren(n Node, got int) error {
	return fmt.Errorf("%s: expected %d children, got %d", n, len(n.Children()), got)
}

func (n *Scan) WithChildren(c ...Node) (Node, error) {
	if len(c) != 0 {
		return nil, errChildren(n, len(c))
	}
	cp := *n
	return &cp, nil
}
func (n *Filter) WithChildren(c ...Node) (Node, error) {
	if len(c) != 1 {
		return nil, errChildren(n, len(c))
	}
	cp := *n
	cp.Input = c[0]
	return &cp, nil
}
func (n *FlatMap) WithChildren(c ...Node) (Node, error) {
	if len(c) != 1 {
		return nil, errChildren(n, len(c))
	}
	cp := *n
	cp.Input = c[0]
	return &cp, nil
}
func (n *Rekey) WithChildren(c ...Node) (Node, error) {
	if len(c) != 1 {
		return nil, errChildren(n, len(c))
	}
	cp := *n
	cp.Input = c[0]
	return &cp, nil
}
func (n *Project) WithChildren(c ...Node) (Node, error) {
	if len(c) != 1 {
		return nil, errChildren(n, len(c))
	}
	cp := *n
	cp.Input = c[0]
	return &cp, nil
}
func (n *Sink) WithChildren(c ...Node) (Node, error) {
	if len(c) != 1 {
		return nil, errChildren(n, len(c))
	}
	cp := *n
	cp.Input = c[0]
	return &cp, nil
}

func (n *Scan) String() string    { return "scan " + n.Source.Name }
func (n *Filter) String() string  { return "filter " + n.Pred.String() }
func (n *FlatMap) String() string { return "flat-map" }
func (n *Rekey) String() string   { return "rekey " + joinExprs(n.Keys) }
func (n *Project) String() string { return "project" }
func (n *Sink) String() string    { return "sink " + n.Target.Name }

// QueryKind is what started a query.
type QueryKind uint8

const (
	QueryCSAS QueryKind = iota
	QueryCTAS
	QueryInsert
	// QueryTransient is a SELECT ... EMIT CHANGES run by a client.
	QueryTransient
)

// QueryPlan is a planned query: Root is a *Sink for persistent queries, a
// *Project for transient ones.
type QueryPlan struct {
	ID   string
	Kind QueryKind
	Root Node
	// Sources are the names of the sources the query reads.
	Sources []string
	// Limit is the LIMIT of a transient query (-1: none).
	Limit int64
}

// Scans returns the plan's Scan nodes in depth-first order.
func (q *QueryPlan) Scans() []*Scan {
	var out []*Scan
	var walk func(n Node)
	walk = func(n Node) {
		if s, ok := n.(*Scan); ok {
			out = append(out, s)
		}
		for _, c := range n.Children() {
			walk(c)
		}
	}
	walk(q.Root)
	return out
}

func schemaString(s *sqltypes.Schema) string {
	parts := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		p := c.Name + " " + c.Type.SQL()
		if c.NS == sqltypes.NSKey {
			p += " KEY"
		}
		parts[i] = p
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
