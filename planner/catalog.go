package planner

import (
	"sort"
	"strconv"
	"strings"

	"github.com/rql/rql/sqltypes"
)

// Catalog holds what DDL and persistent queries created: sources by name,
// custom types, persistent queries and session properties. A Catalog is a
// value owned by one engine or driver; it is not safe for concurrent
// mutation.
type Catalog struct {
	sources map[string]*Source
	order   []string // source names in creation order
	types   map[string]*sqltypes.Type
	queries []*PersistentQuery
	// Props are the session properties (SET / UNSET).
	Props map[string]string
	// seq numbers persistent queries: ids end in the sequence number, as
	// ksqlDB's end in the command sequence number.
	seq int
	// functions are the CREATE FUNCTION statements of the user functions,
	// in creation order (catalog_functions.go).
	functions []CatalogFunction
}

// PersistentQuery is a query started by CSAS, CTAS or INSERT INTO ... SELECT.
type PersistentQuery struct {
	ID   string
	SQL  string
	Plan *QueryPlan
	// Sink is the name of the source the query writes; Sources the names
	// of the sources it reads.
	Sink    string
	Sources []string
}

// NewCatalog returns an empty catalog with the given initial properties
// (copied).
func NewCatalog(props map[string]string) *Catalog {
	c := &Catalog{sources: map[string]*Source{}, types: map[string]*sqltypes.Type{}, Props: map[string]string{}}
	for k, v := range props {
		c.Props[k] = v
	}
	return c
}

// SourceByName returns the source named name (exact, canonical case).
func (c *Catalog) SourceByName(name string) (*Source, bool) {
	s, ok := c.sources[name]
	return s, ok
}

// Sources returns every source in creation order.
func (c *Catalog) Sources() []*Source {
	out := make([]*Source, 0, len(c.order))
	for _, n := range c.order {
		out = append(out, c.sources[n])
	}
	return out
}

// SourcesForTopic returns the sources reading topic, in creation order.
func (c *Catalog) SourcesForTopic(topic string) []*Source {
	var out []*Source
	for _, n := range c.order {
		if s := c.sources[n]; s.Topic == topic {
			out = append(out, s)
		}
	}
	return out
}

// PutSource adds or replaces a source.
func (c *Catalog) PutSource(s *Source) {
	if _, ok := c.sources[s.Name]; !ok {
		c.order = append(c.order, s.Name)
	}
	c.sources[s.Name] = s
}

// DropSource removes a source; it reports whether it existed.
func (c *Catalog) DropSource(name string) bool {
	if _, ok := c.sources[name]; !ok {
		return false
	}
	delete(c.sources, name)
	for i, n := range c.order {
		if n == name {
			c.order = append(c.order[:i:i], c.order[i+1:]...)
			break
		}
	}
	return true
}

// Type returns the custom type named name.
func (c *Catalog) Type(name string) (*sqltypes.Type, bool) {
	t, ok := c.types[strings.ToUpper(name)]
	return t, ok
}

// Types returns the custom types sorted by name.
func (c *Catalog) Types() []string {
	out := make([]string, 0, len(c.types))
	for n := range c.types {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// PutType registers a custom type.
func (c *Catalog) PutType(name string, t *sqltypes.Type) { c.types[strings.ToUpper(name)] = t }

// DropType removes a custom type; it reports whether it existed.
func (c *Catalog) DropType(name string) bool {
	name = strings.ToUpper(name)
	_, ok := c.types[name]
	delete(c.types, name)
	return ok
}

// NextQueryID returns a fresh persistent query id in ksqlDB's form:
// CSAS_<SINK>_<n>, CTAS_<SINK>_<n>, INSERTQUERY_<n>.
func (c *Catalog) NextQueryID(prefix, sink string) string {
	n := c.seq
	c.seq++
	if prefix == "INSERTQUERY" {
		return "INSERTQUERY_" + strconv.Itoa(n)
	}
	return prefix + "_" + strings.ToUpper(sink) + "_" + strconv.Itoa(n)
}

// AddQuery records a started persistent query. A query with the same id
// (CREATE OR REPLACE of a CSAS / CTAS restarts its query under the same
// id) is replaced in place, keeping its position in start order.
func (c *Catalog) AddQuery(q *PersistentQuery) {
	for i, old := range c.queries {
		if old.ID == q.ID {
			c.queries[i] = q
			return
		}
	}
	c.queries = append(c.queries, q)
}

// Queries returns the running persistent queries in start order.
func (c *Catalog) Queries() []*PersistentQuery { return append([]*PersistentQuery(nil), c.queries...) }

// Query returns the persistent query with the given id.
func (c *Catalog) Query(id string) (*PersistentQuery, bool) {
	for _, q := range c.queries {
		if q.ID == id {
			return q, true
		}
	}
	return nil, false
}

// RemoveQuery terminates a query; it reports whether it existed.
func (c *Catalog) RemoveQuery(id string) bool {
	for i, q := range c.queries {
		if q.ID == id {
			c.queries = append(c.queries[:i:i], c.queries[i+1:]...)
			return true
		}
	}
	return false
}

// QueriesWriting returns the ids of the queries writing source name.
func (c *Catalog) QueriesWriting(name string) []string {
	var out []string
	for _, q := range c.queries {
		if q.Sink == name {
			out = append(out, q.ID)
		}
	}
	return out
}

// QueriesReading returns the ids of the queries reading source name.
func (c *Catalog) QueriesReading(name string) []string {
	var out []string
	for _, q := range c.queries {
		for _, s := range q.Sources {
			if s == name {
				out = append(out, q.ID)
				break
			}
		}
	}
	return out
}

// NewCatalogFrom returns a copy of c whose changes do not affect c
// (sources and types are shared: they are immutable).
func NewCatalogFrom(c *Catalog) *Catalog {
	n := NewCatalog(c.Props)
	for _, name := range c.order {
		n.PutSource(c.sources[name])
	}
	for k, v := range c.types {
		n.types[k] = v
	}
	n.queries = append(n.queries, c.queries...)
	n.functions = append(n.functions, c.functions...)
	n.seq = c.seq
	return n
}
