package planner

import (
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

func (p *stmtPlanner) insertValues(s *parser.InsertValues) (StatementPlan, error) {
	target, ok := p.cat.SourceByName(s.Target)
	if !ok {
		msg := "Cannot insert values into an unknown stream/table: `" + s.Target + "`"
		for _, src := range p.cat.Sources() {
			if strings.EqualFold(src.Name, s.Target) {
				msg += "\nDid you mean \"" + src.Name + "\"? Hint: wrap the source name in double quotes to make it case-sensitive."
				break
			}
		}
		return nil, rqlerr.At(rqlerr.StmtSourceMissing, s.TargetPos, "%s", msg)
	}
	if target.ReadOnly {
		return nil, rqlerr.At(rqlerr.StmtReadOnly, s.TargetPos, "Cannot insert values into read-only %s: %s", kindName(target.Kind), s.Target)
	}
	schema := target.Schema
	cols := s.Columns
	if len(cols) == 0 {
		for _, c := range schema.Columns {
			cols = append(cols, c.Name)
		}
	}
	var headers []string
	for _, c := range cols {
		if i := schema.Find(c); i >= 0 && schema.Columns[i].NS == sqltypes.NSHeaders {
			headers = append(headers, c)
		}
	}
	if len(headers) > 0 {
		return nil, rqlerr.At(rqlerr.StmtIncompatible, s.StmtPos, "Cannot insert into HEADER columns: %s", strings.Join(headers, ", "))
	}
	if len(cols) != len(s.Values) {
		return nil, rqlerr.At(rqlerr.BindInvalid, s.StmtPos, "Expected number columns and values to match: %s, %s", strings.Join(cols, ", "), FormatExpr(&parser.ArrayCtor{Elems: s.Values}, ""))
	}
	plan := &InsertValuesPlan{Target: target, Exprs: make([]Expr, len(schema.Columns))}
	b := &binder{reg: p.reg, scope: &scope{}, clause: "VALUES"}
	for i, name := range cols {
		v, err := b.bind(s.Values[i])
		if err != nil {
			return nil, err
		}
		if name == "ROWTIME" && schema.Find(name) < 0 {
			plan.Rowtime = castTo(v, sqltypes.Bigint)
			continue
		}
		j := schema.Find(name)
		if j < 0 {
			return nil, rqlerr.At(rqlerr.BindUnknownColumn, s.Values[i].Position(), "Column name %s does not exist.", name)
		}
		t := schema.Columns[j].Type
		if !v.Type().Equal(t) && v.Type().Kind != sqltypes.KindNull {
			if !valueCoercible(v.Type(), t) {
				return nil, rqlerr.At(rqlerr.BindType, s.Values[i].Position(), "Expected type %s for field %s but got %s(%s)", t, name, v.Type(), v)
			}
		}
		plan.Exprs[j] = castTo(v, t)
	}
	return plan, nil
}

// valueCoercible reports whether an INSERT VALUES expression of type from
// may be stored in a column of type to.
func valueCoercible(from, to *sqltypes.Type) bool {
	if from.IsNumeric() && to.IsNumeric() {
		return true
	}
	if from.Kind == sqltypes.KindString && udf.IsTemporal(to.Kind) {
		return true
	}
	if from.Kind == sqltypes.KindArray && to.Kind == sqltypes.KindArray {
		return from.Elem.Kind == sqltypes.KindNull || valueCoercible(from.Elem, to.Elem) || from.Elem.Equal(to.Elem)
	}
	if from.Kind == sqltypes.KindMap && to.Kind == sqltypes.KindMap {
		return (from.Key.Equal(to.Key) || valueCoercible(from.Key, to.Key)) && (from.Elem.Equal(to.Elem) || valueCoercible(from.Elem, to.Elem))
	}
	if from.Kind == sqltypes.KindStruct && to.Kind == sqltypes.KindStruct {
		return castable(from, to)
	}
	return from.Equal(to)
}
