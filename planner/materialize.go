package planner

import (
	"github.com/rql/rql/parser"
	"github.com/rql/rql/sqltypes"
)

// Materialize keeps the current row of every key of its input (a table's
// changelog) in the state table Table, and passes rows through unchanged.
// Pull queries read that table (see PullStore). Stored layout (exec's
// Materialize operator):
//
//	key   the key column values, encoded as the aggregate group keys are
//	value rowtime (8 bytes big-endian) then every column value (schema order)
//
// A tombstone deletes the key.
//
// The planner never puts a Materialize into the plans it returns (EXPLAIN,
// the Kafka runtime): a runtime that answers pull queries wraps its
// persistent queries with MaterializeQuery and materializes source tables
// with MaterializeSourceTable.
type Materialize struct {
	Input Node
	Table string
}

func (n *Materialize) Schema() *sqltypes.Schema { return n.Input.Schema() }
func (n *Materialize) Props() *Props            { return n.Input.Props() }
func (n *Materialize) Children() []Node         { return []Node{n.Input} }
func (n *Materialize) String() string           { return "materialize " + n.Table }

func (n *Materialize) WithChildren(c ...Node) (Node, error) {
	if len(c) != 1 {
		return nil, errChildren(n, len(c))
	}
	cp := *n
	cp.Input = c[0]
	return &cp, nil
}

func (n *Materialize) explain(ob *OutputBuilder) {
	ob.EnterNode("materialize")
	ob.AddField("state", n.Table+" (key: "+keyList(n.Schema())+")")
}

// MaterializeStore names the state table holding the rows of the table a
// CREATE TABLE AS SELECT query writes (queries that do not aggregate).
func MaterializeStore(queryID string) string { return queryID + "-Materialize" }

// SourceTableQueryID is the id of the internal query materializing a
// CREATE SOURCE TABLE (ksqlDB names it alike).
func SourceTableQueryID(name string) string { return "CST_" + name }

// sourceTableQuery reports whether pq is the internal query of a CREATE
// SOURCE TABLE, which a runtime lists in the catalog as writing the table
// (the Kafka runtime does; the driver keeps it out of the catalog).
// TERMINATE refuses it and TERMINATE ALL skips it: DROP TABLE ends it.
func (c *Catalog) sourceTableQuery(pq *PersistentQuery) bool {
	if pq == nil || pq.ID != SourceTableQueryID(pq.Sink) {
		return false
	}
	src, ok := c.SourceByName(pq.Sink)
	return ok && src.ReadOnly && src.Kind == parser.KindTable
}

// aggregateView returns the aggregation whose state holds a CTAS query's
// result, with the projection over it, or nil when the query does not
// aggregate (Sink → Project → Aggregate).
func aggregateView(q *QueryPlan) (*Aggregate, *Project) {
	s, ok := q.Root.(*Sink)
	if !ok {
		return nil, nil
	}
	p, ok := s.Input.(*Project)
	if !ok {
		return nil, nil
	}
	a, ok := p.Input.(*Aggregate)
	if !ok {
		return nil, nil
	}
	return a, p
}

// MaterializeQuery returns q with a Materialize before its sink when q is a
// CREATE TABLE AS SELECT whose result has no state of its own (no
// aggregation): the store pull queries read (MaterializeStore(q.ID)). Other
// queries are returned unchanged. q itself is not modified.
func MaterializeQuery(q *QueryPlan) *QueryPlan {
	if q == nil || q.Kind != QueryCTAS {
		return q
	}
	s, ok := q.Root.(*Sink)
	if !ok {
		return q
	}
	if a, _ := aggregateView(q); a != nil {
		return q
	}
	if _, done := s.Input.(*Materialize); done {
		return q
	}
	cp := *q
	sink := *s
	sink.Input = &Materialize{Input: s.Input, Table: MaterializeStore(q.ID)}
	cp.Root = &sink
	return &cp
}

// MaterializeSourceTable returns the internal query that materializes a
// CREATE SOURCE TABLE (nil for other sources): Scan → Materialize, writing
// MaterializeStore(SourceTableQueryID(src.Name)), no sink.
func MaterializeSourceTable(src *Source) *QueryPlan {
	if src == nil || src.Kind != parser.KindTable || !src.ReadOnly || src.QueryID != "" {
		return nil
	}
	id := SourceTableQueryID(src.Name)
	scan := &Scan{Source: src, P: Props{Mode: Upsert, Key: keyIndexes(src.Schema)}}
	return &QueryPlan{ID: id, Kind: QueryCTAS, Root: &Materialize{Input: scan, Table: MaterializeStore(id)},
		Sources: []string{src.Name}, Limit: -1}
}
