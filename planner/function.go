package planner

import (
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/udf"
)

// CreateFunctionPlan registers a user function (CREATE [OR REPLACE]
// FUNCTION). Spec is checked already (udf.NewUserFunc accepted it); the
// driver or engine builds the function with its own HTTP options and
// registers it with udf.RegisterUserFunc, then records the statement in
// the catalog (Catalog.PutFunction).
type CreateFunctionPlan struct {
	Spec      udf.UserFuncSpec
	OrReplace bool
	// Replace is set when a user function of that name exists.
	Replace bool
}

// DropFunctionPlan removes a user function (DROP FUNCTION [IF EXISTS]).
type DropFunctionPlan struct {
	Name string // upper case
	Noop bool   // IF EXISTS and no such function
}

func (*CreateFunctionPlan) statementPlan() {}
func (*DropFunctionPlan) statementPlan()   {}

// createFunction plans CREATE [OR REPLACE] FUNCTION: it resolves named
// types and checks the definition by building it once.
func (p *stmtPlanner) createFunction(s *parser.CreateFunction) (StatementPlan, error) {
	spec := udf.UserFuncSpec{Name: s.Name, Using: s.Using, SQL: s.Text, Props: map[string]any{}}
	for _, fp := range s.Params {
		t, err := p.resolveType(fp.Type, fp.Pos)
		if err != nil {
			return nil, err
		}
		spec.Params = append(spec.Params, udf.Param{Name: fp.Name, Type: t})
	}
	ret, err := p.resolveType(s.Returns, s.NamePos)
	if err != nil {
		return nil, err
	}
	spec.Return = ret
	for _, pr := range s.Props {
		spec.Props[strings.ToLower(pr.Name)] = pr.Value
	}
	replace := false
	if old, ok := p.reg.Lookup(s.Name); ok {
		if old.Category != udf.CategoryUser {
			return nil, rqlerr.At(rqlerr.UserFuncDefinition, s.NamePos, "cannot replace built-in function %s", old.Name)
		}
		if !s.OrReplace {
			return nil, rqlerr.At(rqlerr.UserFuncDefinition, s.NamePos, "function %s already exists; use CREATE OR REPLACE FUNCTION", old.Name)
		}
		replace = true
	}
	if _, err := udf.NewUserFunc(spec); err != nil {
		return nil, placeErr(err, s.NamePos)
	}
	return &CreateFunctionPlan{Spec: spec, OrReplace: s.OrReplace, Replace: replace}, nil
}

// dropFunction plans DROP FUNCTION [IF EXISTS] name: only user functions
// can be dropped.
func (p *stmtPlanner) dropFunction(s *parser.Drop) (StatementPlan, error) {
	name := strings.ToUpper(s.Name)
	def, ok := p.reg.Lookup(name)
	if !ok {
		if s.IfExists {
			return &DropFunctionPlan{Name: name, Noop: true}, nil
		}
		return nil, rqlerr.At(rqlerr.BindUnknownFunction, s.NamePos, "Can't find any functions with the name '%s'", s.Name)
	}
	if def.Category != udf.CategoryUser {
		return nil, rqlerr.At(rqlerr.UserFuncDefinition, s.NamePos, "cannot drop built-in function %s", def.Name)
	}
	return &DropFunctionPlan{Name: name}, nil
}
