package planner

import (
	"strconv"
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/sqltypes"
)

// JoinKind says which operator computes a join.
type JoinKind uint8

const (
	// JoinStreamStream joins two streams within a time window.
	JoinStreamStream JoinKind = iota
	// JoinStreamTable looks each stream row up in the table's current state.
	JoinStreamTable
	// JoinTableTable joins two tables on their primary keys.
	JoinTableTable
	// JoinForeignKey joins a table's foreign key to another table's
	// primary key (KIP-213 subscription / response; package exec/fkjoin).
	JoinForeignKey
	// JoinGlobalTable joins a stream to a global table (Source.Global):
	// each stream row looks up the table row whose primary key equals
	// LeftKey, any expression of the stream's columns. The table is
	// replicated in full to every task, so the stream is never
	// repartitioned and the result keeps the stream's key (key columns:
	// the left input's key columns, as a foreign-key join).
	JoinGlobalTable
)

var joinKindNames = [...]string{"stream-stream", "stream-table", "table-table", "foreign-key table-table", "stream-global-table"}

func (k JoinKind) String() string { return joinKindNames[k] }

// JoinWindow is the WITHIN clause of a stream-stream join, in milliseconds:
// a left row at time t matches right rows in [t-Before, t+After]. Grace is
// the GRACE PERIOD; without one (HasGrace false) ksqlDB's legacy semantics
// apply: unmatched outer rows are emitted at once and rows are kept for
// DefaultGrace.
type JoinWindow struct {
	Before, After int64
	Grace         int64
	HasGrace      bool
}

// Retention is how long (event time) each side's rows are kept.
func (w *JoinWindow) Retention() int64 {
	if !w.HasGrace {
		if s := w.Before + w.After; s > DefaultGrace {
			return s
		}
		return DefaultGrace
	}
	return w.Before + w.After + w.Grace
}

// String renders the window as SQL.
func (w *JoinWindow) String() string {
	s := "(" + ms(w.Before) + ", " + ms(w.After) + ")"
	if w.HasGrace {
		s += " GRACE PERIOD " + ms(w.Grace)
	}
	return s
}

// Join joins its two inputs. Input 0 is Left, input 1 Right.
//
// Row layout (Out): the key columns (one join key column for primary-key
// joins, synthetic or not; the left table's primary key columns for
// foreign-key joins; the left input's key columns for global-table
// joins), then every column of Left's schema, then LeftMeta pseudo
// columns of the left rows (ROWTIME, ROWPARTITION, ROWOFFSET and, for
// windowed sources, WINDOWSTART, WINDOWEND), then Right's columns and
// RightMeta pseudo columns. Columns of a side that did not match are NULL.
//
// LeftKey and RightKey are the join expressions bound over Left's and
// Right's schemas; the key column of a primary-key join holds their
// (equal) value. For a foreign-key join, LeftKey is the foreign key over
// the left table and RightKey the right table's primary key column.
//
// Timestamps: stream-table rows keep the stream row's time; stream-stream
// and table-table rows take the larger of both sides. Tables emit upserts
// and tombstones (retractions), streams append.
type Join struct {
	Kind JoinKind
	Type parser.JoinType
	// Criteria is the ON condition as written, columns qualified.
	Criteria          string
	Left, Right       Node
	LeftKey, RightKey Expr
	LeftMeta          int
	RightMeta         int
	Window            *JoinWindow
	Out               *sqltypes.Schema
	// LeftStore and RightStore name the state of each side (the table
	// side's materialization, a stream side's window store); OuterStore
	// the unmatched outer rows of a stream-stream join with GRACE PERIOD;
	// SubscriptionStore the foreign-key join's subscriptions.
	LeftStore, RightStore, OuterStore, SubscriptionStore string
	// SubscriptionTopic and ResponseTopic are the internal topics of a
	// foreign-key join (in process: direct hops).
	SubscriptionTopic, ResponseTopic string
	// Partitions is the partition count of the join's co-partitioned
	// inputs, which its repartition topics get (0: unknown): the count of
	// the side that is not repartitioned, the larger of both when both
	// are; the left input's for foreign-key and global-table joins, whose
	// right input needs no co-partitioning.
	Partitions int
}

// MetaColumns are the pseudo columns a join appends per source, in order.
var MetaColumns = []Pseudo{PseudoRowtime, PseudoRowpartition, PseudoRowoffset, PseudoWindowstart, PseudoWindowend}

// KeyWidth is the number of key columns at the start of Out.
func (n *Join) KeyWidth() int { return len(keyIndexes(n.Out)) }

// LeftWidth is the number of columns of Left's schema.
func (n *Join) LeftWidth() int { return len(n.Left.Schema().Columns) }

// RightWidth is the number of columns of Right's schema.
func (n *Join) RightWidth() int { return len(n.Right.Schema().Columns) }

// Outer reports whether unmatched rows of input side (0 left, 1 right)
// are emitted with NULLs for the other side.
func (n *Join) Outer(side int) bool {
	switch n.Type {
	case parser.JoinFull:
		return true
	case parser.JoinLeft:
		return side == 0
	case parser.JoinRight:
		return side == 1
	}
	return false
}

func (n *Join) Schema() *sqltypes.Schema { return n.Out }

func (n *Join) Props() *Props {
	mode := Append
	if n.Kind == JoinTableTable || n.Kind == JoinForeignKey {
		mode = Upsert
	}
	return &Props{Mode: mode, Key: keyIndexes(n.Out)}
}

func (n *Join) Children() []Node { return []Node{n.Left, n.Right} }

func (n *Join) WithChildren(c ...Node) (Node, error) {
	if len(c) != 2 {
		return nil, errChildren(n, len(c))
	}
	cp := *n
	cp.Left, cp.Right = c[0], c[1]
	return &cp, nil
}

func (n *Join) String() string {
	return joinTypeName(n.Type) + " " + n.criteria()
}

func (n *Join) criteria() string {
	if n.Criteria != "" {
		return n.Criteria
	}
	return n.LeftKey.String() + " = " + n.RightKey.String()
}

func joinTypeName(t parser.JoinType) string {
	switch t {
	case parser.JoinLeft:
		return "left join"
	case parser.JoinRight:
		return "right join"
	case parser.JoinFull:
		return "full outer join"
	}
	return "inner join"
}

func (n *Join) explain(ob *OutputBuilder) {
	ob.EnterNode("join (" + n.Kind.String() + ", " + strings.TrimSuffix(joinTypeName(n.Type), " join") + ")")
	ob.AddField("on", n.criteria())
	if n.Window != nil {
		ob.AddField("within", n.Window.String())
	}
	ob.AddField("key", keyList(n.Out))
	ob.AddField("mode", n.Props().Mode.String())
	switch n.Kind {
	case JoinStreamStream:
		ob.AddField("state", n.LeftStore+" (window store: left rows, retention "+strconv.FormatInt(n.Window.Retention(), 10)+"ms)")
		ob.AddField("state", n.RightStore+" (window store: right rows, retention "+strconv.FormatInt(n.Window.Retention(), 10)+"ms)")
		if n.OuterStore != "" {
			ob.AddField("state", n.OuterStore+" (unmatched outer rows until their window closes)")
		}
	case JoinStreamTable:
		ob.AddField("state", n.RightStore+" (table rows by key)")
	case JoinGlobalTable:
		ob.AddField("lookup", n.LeftKey.String()+" (no repartition)")
		ob.AddField("state", n.RightStore+" (global table: every row of every partition, in every task)")
	case JoinTableTable:
		ob.AddField("state", n.LeftStore+" (left rows by key)")
		ob.AddField("state", n.RightStore+" (right rows by key)")
	case JoinForeignKey:
		n.explainForeignKey(ob)
	}
}

// explainForeignKey shows the two sub-topologies of a foreign-key join
// (KIP-213): the left side, partitioned like the left table, and the right
// side, partitioned like the right table, joined by the subscription and
// response topics, and the store each side keeps.
func (n *Join) explainForeignKey(ob *OutputBuilder) {
	lk, rk := keyList(n.Left.Schema()), keyList(n.Right.Schema())
	ob.AddField("sub-topology 1", "left side"+sourceOf(n.Left)+", partitioned by "+lk+": sends subscriptions, joins responses")
	ob.AddField("sub-topology 2", "right side"+sourceOf(n.Right)+", partitioned by "+rk+": answers subscriptions and right changes")
	ob.AddField("subscription topic", n.SubscriptionTopic+" (1 → 2, keyed by "+n.LeftKey.String()+")")
	ob.AddField("response topic", n.ResponseTopic+" (2 → 1, keyed by "+lk+")")
	ob.AddField("state", n.LeftStore+" (1: left rows by primary key)")
	ob.AddField("state", n.RightStore+" (2: right rows by primary key)")
	ob.AddField("state", n.SubscriptionStore+" (2: subscriptions by foreign key ‖ left key)")
}

// sourceOf is " NAME" for a join input that scans source NAME, else "".
func sourceOf(n Node) string {
	if s, ok := n.(*Scan); ok {
		return " " + s.Source.Name
	}
	return ""
}

// nameInternal replaces the query placeholder in the join's store and
// topic names.
func (n *Join) nameInternal(id string) {
	for _, s := range []*string{&n.LeftStore, &n.RightStore, &n.OuterStore, &n.SubscriptionStore,
		&n.SubscriptionTopic, &n.ResponseTopic} {
		*s = strings.Replace(*s, queryPlaceholder, id, 1)
	}
}
