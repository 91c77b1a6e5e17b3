package planner

import (
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// bindSelect binds the select list, expanding * and q.* and X->*.
func (p *stmtPlanner) bindSelect(b *binder, items []parser.SelectItem, sc *scope, src *Source, partition bool) ([]*projItem, error) {
	var out []*projItem
	for _, it := range items {
		if it.Star {
			if it.Qualifier != "" && !sc.hasQualifier(it.Qualifier) {
				return nil, rqlerr.At(rqlerr.BindUnknownSource, it.Pos, "'%s' is not a valid stream/table name or alias.", it.Qualifier)
			}
			if sc.join != nil {
				out = append(out, sc.join.star(sc, it.Qualifier, it.Pos)...)
				continue
			}
			out = append(out, starItems(sc, partition, it.Pos)...)
			continue
		}
		if d, ok := it.Expr.(*parser.Deref); ok && d.Star {
			x, err := b.bind(d.X)
			if err != nil {
				return nil, err
			}
			if x.Type().Kind != sqltypes.KindStruct {
				return nil, rqlerr.At(rqlerr.BindType, d.Pos, "Can't dereference %s (%s): not a STRUCT", x, x.Type())
			}
			for i, f := range x.Type().Fields {
				out = append(out, &projItem{name: f.Name, expr: &Deref{P: d.Pos, X: x, Field: f.Name, Index: i, T: f.Type}, pos: d.Pos})
			}
			continue
		}
		if it.Alias != "" {
			if ps, ok := pseudoByName(it.Alias); ok {
				if sc.join != nil {
					return nil, rqlerr.At(rqlerr.BindInvalid, it.Pos, "Reserved column name in select: `%s`. Please remove or alias the column.", ps)
				}
				return nil, rqlerr.At(rqlerr.BindInvalid, it.Pos, "`%s` is a reserved column name. You cannot use it as an alias for a column.", it.Alias)
			}
		} else if c, ok := it.Expr.(*parser.ColumnRef); ok && p.persistent && (sc.join == nil || c.Qualifier == "") {
			// ksqlDB rejects an unaliased pseudo column only in persistent
			// queries (its name would clash with the sink's own); transient
			// queries may select ROWTIME, ROWPARTITION, ROWOFFSET bare.
			if ps, ok := pseudoByName(c.Name); ok {
				if !scopeHas(sc, c.Name) {
					return nil, rqlerr.At(rqlerr.BindInvalid, it.Pos, "Reserved column name in select: `%s`. Please remove or alias the column.", ps)
				}
			}
		}
		e, err := b.bind(it.Expr)
		if err != nil {
			return nil, err
		}
		pi := &projItem{expr: e, pos: it.Pos}
		if it.Alias != "" {
			pi.name, pi.aliased = it.Alias, true
		} else {
			pi.name = derivedName(it.Expr, e)
			_, pi.deref = e.(*Deref)
		}
		out = append(out, pi)
	}
	return out, nil
}

func scopeHas(sc *scope, name string) bool {
	for _, c := range sc.cols {
		if c.Name == name && !c.QualOnly {
			return true
		}
	}
	return false
}

// starItems expands *: key columns, then value columns. After PARTITION BY:
// the new key columns, the value columns, then the old key columns, minus
// columns that became the key.
func starItems(sc *scope, partition bool, pos rqlerr.Pos) []*projItem {
	ref := func(c scopeCol, name string) *projItem {
		return &projItem{name: name, aliased: true, pos: pos,
			expr: &ColRef{P: pos, Index: c.Index, Name: name, T: c.Type}}
	}
	var out []*projItem
	if !partition {
		for _, ns := range []sqltypes.Namespace{sqltypes.NSKey, sqltypes.NSValue, sqltypes.NSHeaders} {
			for _, c := range sc.cols {
				if c.NS == ns {
					out = append(out, ref(c, c.Name))
				}
			}
		}
		return out
	}
	// sc is the Rekey output: input columns (old keys now values, flagged by
	// their original position before the first value column), then new keys.
	newKeys := map[string]bool{}
	var keys, vals, oldKeys []*projItem
	for _, c := range sc.cols {
		if c.NS == sqltypes.NSKey {
			name := trimHidden(c.Name)
			newKeys[name] = true
			keys = append(keys, ref(c, name))
		}
	}
	for _, c := range sc.cols {
		if c.NS == sqltypes.NSKey || newKeys[c.Name] {
			continue
		}
		if c.wasKey {
			oldKeys = append(oldKeys, ref(c, c.Name))
		} else {
			vals = append(vals, ref(c, c.Name))
		}
	}
	out = append(out, keys...)
	out = append(out, vals...)
	return append(out, oldKeys...)
}

func trimHidden(s string) string {
	if len(s) > 0 && s[0] == 0 {
		return s[1:]
	}
	return s
}
