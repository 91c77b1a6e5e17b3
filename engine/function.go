package engine

import (
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
