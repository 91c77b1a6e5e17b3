package planner

import (
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// alter plans ALTER STREAM|TABLE ... ADD COLUMN: the source is replaced by
// one with the extra value columns.
func (p *stmtPlanner) alter(s *parser.AlterSource) (StatementPlan, error) {
	kind := kindName(s.Kind)
	src, ok := p.cat.SourceByName(s.Name)
	if !ok {
		return nil, rqlerr.At(rqlerr.StmtSourceMissing, s.NamePos, "Source %s does not exist.", s.Name)
	}
	if src.ReadOnly {
		return nil, rqlerr.At(rqlerr.StmtReadOnly, s.NamePos, "Cannot alter %s '%s': ALTER operations are not supported on source %ss.", kind, s.Name, kind)
	}
	if src.QueryID != "" {
		return nil, rqlerr.At(rqlerr.StmtIncompatible, s.NamePos, "ALTER command is not supported for CREATE ... AS statements.")
	}
	cp := *src
	cp.Schema = &sqltypes.Schema{Columns: append([]sqltypes.Column(nil), src.Schema.Columns...)}
	for _, e := range s.Columns {
		if cp.Schema.Find(e.Name) >= 0 {
			return nil, rqlerr.At(rqlerr.BindInvalid, e.Pos, "Cannot add column `%s` to schema. A column with the same name already exists.", e.Name)
		}
		t, err := p.resolveType(e.Type, e.Pos)
		if err != nil {
			return nil, err
		}
		cp.Schema.Columns = append(cp.Schema.Columns, sqltypes.Column{Name: e.Name, Type: t})
	}
	if err := checkFormats(&cp); err != nil {
		return nil, atPos(err, s.StmtPos)
	}
	return &CreateSourcePlan{Source: &cp, Replace: true, Alter: true}, nil
}
