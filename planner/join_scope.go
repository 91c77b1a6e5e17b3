package planner

import (
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// joinLeaf is one source named in a join's FROM.
type joinLeaf struct {
	src *Source
	// prefix names the source in the join's result columns (ALIAS_COL) and
	// in messages: the alias, else the source name.
	prefix string
	quals  []string
}

// joinCol is a column of a join's result that comes from a source: one of
// its columns or pseudo columns (meta).
type joinCol struct {
	index int
	leaf  int
	name  string // ALIAS_COL
	meta  bool
}

// joinScope is what a join's scope knows beyond its columns.
type joinScope struct {
	leaves []*joinLeaf
	cols   []joinCol
	// keys are the key columns of the result (indexes, names).
	keys     []int
	keyNames []string
	keyTypes []*sqltypes.Type
}

// ambiguous is ksqlDB's message for an unqualified name that several
// sources have.
func (j *joinScope) ambiguous(s *scope, name string, pos rqlerr.Pos) error {
	var cands []string
	for _, c := range s.cols {
		if c.Name == name && !c.QualOnly && len(c.Qualifiers) > 0 {
			cands = append(cands, c.Qualifiers[len(c.Qualifiers)-1]+"."+name)
		}
	}
	return rqlerr.At(rqlerr.BindAmbiguous, pos, "Column '%s' is ambiguous. Could be %s.", name, joinOr(cands))
}

// joinOr joins names as "A, B or C".
func joinOr(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// star expands * (every key column, then every source column except the
// one the key replaces) or q.* (every column of source q), with ksqlDB's
// ALIAS_COL names.
func (j *joinScope) star(s *scope, qual string, pos rqlerr.Pos) []*projItem {
	typeOf := func(i int) *sqltypes.Type {
		for _, c := range s.cols {
			if c.Index == i {
				return c.Type
			}
		}
		return nil
	}
	ref := func(i int, name string, t *sqltypes.Type) *projItem {
		return &projItem{name: name, aliased: true, pos: pos, expr: &ColRef{P: pos, Index: i, Name: name, T: t}}
	}
	var out []*projItem
	skip := map[string]bool{}
	if qual == "" {
		for k, i := range j.keys {
			out = append(out, ref(i, j.keyNames[k], j.keyTypes[k]))
			skip[j.keyNames[k]] = true
		}
	}
	for _, c := range j.cols {
		if c.meta || skip[c.name] {
			continue
		}
		if qual != "" && !containsStr(j.leaves[c.leaf].quals, qual) {
			continue
		}
		out = append(out, ref(c.index, c.name, typeOf(c.index)))
	}
	return out
}

// joinTypeText is the join type as ksqlDB prints it in messages.
func joinTypeText(t parser.JoinType) string {
	switch t {
	case parser.JoinLeft:
		return "LEFT [OUTER] JOIN"
	case parser.JoinRight:
		return "RIGHT [OUTER] JOIN"
	case parser.JoinFull:
		return "[FULL] OUTER JOIN"
	}
	return "[INNER] JOIN"
}
