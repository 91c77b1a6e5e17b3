package planner

import (
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// scopeCol is one column visible to the binder: where it is in the input
// row and which source (name or alias) qualifies it.
type scopeCol struct {
	Qualifiers []string // source name and alias
	Name       string
	Index      int
	Type       *sqltypes.Type
	NS         sqltypes.Namespace
	// wasKey marks, after PARTITION BY, the columns that were key columns.
	wasKey bool
	// OutName, when set, is the column's name in a join's result (ksqlDB
	// prefixes ALIAS_ to names that more than one source has): references
	// bind to ColRefs of that name. QualOnly columns (a join source's
	// ROWTIME, ...) resolve only through a qualifier.
	OutName  string
	QualOnly bool
}

// scope is the set of columns an expression may reference.
type scope struct {
	cols []scopeCol
	// qualifiers are the valid source names and aliases.
	qualifiers []string
	// windowed allows WINDOWSTART / WINDOWEND.
	windowed bool
	// join, when set, describes a join's FROM (join_scope.go): ambiguity
	// messages list the candidates, * expands with ksqlDB's join names.
	join *joinScope
	// enrich are the aliases of ENRICH clauses (enrich.go): alias.field
	// reads a field of the enrichment.
	enrich []string
}

func (s *scope) hasQualifier(q string) bool {
	for _, x := range s.qualifiers {
		if x == q {
			return true
		}
	}
	return false
}

// lookup finds an unqualified or qualified column; ambiguous matches are an
// error.
func (s *scope) lookup(qual, name string, pos rqlerr.Pos) (*scopeCol, error) {
	var found *scopeCol
	for i := range s.cols {
		c := &s.cols[i]
		if c.Name != name {
			continue
		}
		if qual != "" && !containsStr(c.Qualifiers, qual) {
			continue
		}
		if qual == "" && c.QualOnly {
			continue
		}
		if found != nil {
			if s.join != nil {
				return nil, s.join.ambiguous(s, name, pos)
			}
			return nil, rqlerr.At(rqlerr.BindAmbiguous, pos, "Column '%s' is ambiguous.", name)
		}
		found = c
	}
	return found, nil
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// scopeOf returns the scope of a node's output schema, every column
// qualified by quals.
func scopeOf(schema *sqltypes.Schema, quals ...string) *scope {
	s := &scope{qualifiers: quals}
	for i, c := range schema.Columns {
		s.cols = append(s.cols, scopeCol{Qualifiers: quals, Name: c.Name, Index: i, Type: c.Type, NS: c.NS})
	}
	return s
}
