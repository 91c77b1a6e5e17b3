package engine

import (
	"strings"

	"github.com/rql/rql/planner"
	"github.com/rql/rql/udf"
)

// createFunction registers a user function (CREATE [OR REPLACE]
// FUNCTION) in the engine's registry and records its statement in the
// catalog; e.mu is held. Re-executing a file (rql run) re-creates it.
func (e *Engine) createFunction(p *planner.CreateFunctionPlan) (Result, error) {
	def, err := udf.NewUserFunc(p.Spec)
	if err != nil {
		return Result{}, err
	}
	if err := udf.RegisterUserFunc(e.reg, def, p.OrReplace); err != nil {
		return Result{}, err
	}
	e.cat.PutFunction(def.Name, p.Spec.SQL)
	msg := "Function " + def.Name + " created"
	if p.Replace {
		msg = "Function " + def.Name + " replaced"
	}
	return Result{Kind: "CREATE_FUNCTION", Message: msg}, nil
}

// dropFunction removes a user function; running queries keep the function
// they resolved when they started. e.mu is held.
func (e *Engine) dropFunction(p *planner.DropFunctionPlan) Result {
	if p.Noop {
		return Result{Kind: "DROP_FUNCTION", Message: "Function " + p.Name + " does not exist."}
	}
	e.reg.Drop(p.Name)
	e.cat.DropFunction(p.Name)
	return Result{Kind: "DROP_FUNCTION", Message: "Dropped function " + p.Name}
}

// showFunctions lists the functions (user functions have category USER).
func showFunctions(reg *udf.Registry) Result {
	res := Result{Kind: "SHOW_FUNCTIONS", Columns: []string{"Function Name", "Category"}}
	for _, f := range reg.List() {
		res.Rows = append(res.Rows, []string{f.Name, f.Category})
	}
	return res
}

// describeFunction describes a function's variants, as the driver does.
func describeFunction(reg *udf.Registry, name string) Result {
	res := Result{Kind: "DESCRIBE_FUNCTION", Columns: []string{"Name", "Kind", "Variant", "Returns", "Description"}}
	def, ok := reg.Lookup(name)
	if !ok {
		return res
	}
	for _, v := range def.Variants {
		ps := make([]string, len(v.Params))
		vi := v.VariadicIndex()
		for i, p := range v.Params {
			ps[i] = udf.SignatureType(p.Type) + " " + p.Name
			if i == vi {
				ps[i] += "..."
			}
		}
		ret := ""
		if v.Return != nil {
			ret = udf.SignatureType(v.Return)
		}
		res.Rows = append(res.Rows, []string{def.Name, def.Kind.String(), "(" + strings.Join(ps, ", ") + ")", ret, v.Description})
	}
	res.Message = def.Description
	return res
}
