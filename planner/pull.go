package planner

import (
	"strconv"
	"strings"

	"github.com/rql/rql/sqltypes"
)

// PullPlan is a pull query (SELECT without EMIT): it reads the current rows
// of a materialized table from state and terminates. It is data: a runtime
// (exec.Pull) reads Store as Lookup says, evaluates Filter and Exprs over
// each row of Source, and stops after Limit rows.
//
// Rows are evaluated in the scope of Source's schema: ColRef indexes are
// Source.Schema columns, ROWTIME is the row's timestamp, WINDOWSTART and
// WINDOWEND its window (windowed tables).
type PullPlan struct {
	// Source is the queried table (or stream, see Stream).
	Source *Source
	// Store says where Source's rows live (nil for streams).
	Store *PullStore
	// Lookup is how keys are found in Store.
	Lookup *PullLookup
	// Filter is the whole WHERE clause, evaluated on every row the lookup
	// yields (nil: none). Lookups only narrow what is read.
	Filter Expr
	// Exprs compute the result columns Out.
	Exprs []Expr
	Out   *sqltypes.Schema
	// Limit is the LIMIT (-1: none).
	Limit int64
	// Stream, for a pull query on a stream, is the plan of a transient
	// query over its topic: the runtime runs it over the records the topic
	// holds when the query starts, then stops (Store and Lookup are nil).
	Stream *QueryPlan
}

// PullStoreKind is the layout of a pull query's store.
type PullStoreKind uint8

const (
	// StoreRows: a Materialize table (key → rowtime, row).
	StoreRows PullStoreKind = iota
	// StoreAggregate: an Aggregate's state table (group key or window key →
	// accumulators); rows are the aggregate results projected by View.
	StoreAggregate
)

// PullStore is the state table holding a table's rows.
type PullStore struct {
	Kind PullStoreKind
	// Table is the state table name.
	Table string
	// QueryID is the persistent (or internal) query writing it.
	QueryID string
	// Aggregate (StoreAggregate) is the node whose state Table is: its
	// functions decode the accumulators; its Window the keys.
	Aggregate *Aggregate
	// View (StoreAggregate) computes the table's columns (Source.Schema
	// order) from the aggregate's output row: the CTAS projection.
	View []Expr
	// GroupKeys (StoreAggregate) gives, for each group key of Aggregate,
	// the index of the Source column holding it.
	GroupKeys []int
}

// PullLookupKind is how a pull query finds its rows.
type PullLookupKind uint8

const (
	// LookupKeys: one store read per key (WHERE key = x, key IN (...),
	// disjunctions of those).
	LookupKeys PullLookupKind = iota
	// LookupRange: bounds on the (single) key column. The store's key
	// encoding is not order-preserving, so the runtime scans and the
	// filter applies the bounds.
	LookupRange
	// LookupScan: every row (table scan).
	LookupScan
)

var lookupNames = [...]string{"key lookup", "key range", "table scan"}

func (k PullLookupKind) String() string { return lookupNames[k] }

// PullLookup is the key access of a pull query.
type PullLookup struct {
	Kind PullLookupKind
	// Keys (LookupKeys) holds one entry per key to read: one constant
	// expression per key column of Source, in key order. The runtime
	// converts each value to its column's type.
	Keys [][]Expr
	// KeyTypes are the types of Source's key columns, in key order.
	KeyTypes []*sqltypes.Type
	// Bounds describes the key range and window bounds (for EXPLAIN).
	Bounds []string
}

func (*PullPlan) statementPlan() {}

// ExplainPull renders a pull query plan.
func ExplainPull(p *PullPlan) string {
	var ob OutputBuilder
	ExplainPullTo(&ob, p)
	return ob.BuildString()
}

// ExplainPullTo adds p's tree to ob.
func ExplainPullTo(ob *OutputBuilder, p *PullPlan) {
	if p.Stream != nil {
		ob.AddTopField("pull query", "stream "+p.Source.Name+" (scan of the topic's current records)")
		if p.Limit >= 0 {
			ob.AddTopField("limit", strconv.FormatInt(p.Limit, 10))
		}
		explainNode(ob, p.Stream.Root)
		return
	}
	ob.AddTopField("pull query", "table "+p.Source.Name)
	if p.Limit >= 0 {
		ob.AddTopField("limit", strconv.FormatInt(p.Limit, 10))
	}
	ob.EnterNode("project")
	ob.AddField("columns", schemaString(p.Out))
	parts := make([]string, len(p.Exprs))
	for i, e := range p.Exprs {
		parts[i] = e.String()
	}
	ob.AddField("exprs", strings.Join(parts, ", "))
	if p.Filter != nil {
		ob.EnterNode("filter")
		ob.AddField("predicate", p.Filter.String())
	}
	ob.EnterNode(p.Lookup.Kind.String())
	switch p.Lookup.Kind {
	case LookupKeys:
		keys := make([]string, len(p.Lookup.Keys))
		for i, k := range p.Lookup.Keys {
			keys[i] = "(" + joinExprs(k) + ")"
		}
		ob.AddField("keys", keyList(p.Source.Schema)+" = "+strings.Join(keys, ", "))
	}
	for _, b := range p.Lookup.Bounds {
		ob.AddField("bounds", b)
	}
	s := p.Store
	kind := "materialized rows"
	if s.Kind == StoreAggregate {
		kind = "aggregate state"
	}
	ob.AddField("state", s.Table+" ("+kind+", written by "+s.QueryID+")")
	if s.Kind == StoreAggregate {
		parts := make([]string, len(s.View))
		for i, e := range s.View {
			parts[i] = e.String()
		}
		ob.AddField("view", strings.Join(parts, ", "))
	}
	ob.LeaveNode()
	if p.Filter != nil {
		ob.LeaveNode()
	}
	ob.LeaveNode()
}
