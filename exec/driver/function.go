package driver

import (
	"github.com/rql/rql/planner"
	"github.com/rql/rql/udf"
)

// createFunction registers a user function (CREATE [OR REPLACE]
// FUNCTION) and records its statement in the catalog.
func (d *Driver) createFunction(p *planner.CreateFunctionPlan) (Result, error) {
	var opts []udf.HTTPOption
	if d.opts.HTTPClient != nil {
		opts = append(opts, udf.WithHTTPClient(d.opts.HTTPClient))
	}
	def, err := udf.NewUserFunc(p.Spec, opts...)
	if err != nil {
		return Result{}, err
	}
	if err := udf.RegisterUserFunc(d.reg, def, p.OrReplace); err != nil {
		return Result{}, err
	}
	d.cat.PutFunction(def.Name, p.Spec.SQL)
	msg := "Function " + def.Name + " created"
	if p.Replace {
		msg = "Function " + def.Name + " replaced"
	}
	return Result{Kind: "CREATE_FUNCTION", Message: msg}, nil
}

// dropFunction removes a user function. Running queries keep the
// function they resolved when they started.
func (d *Driver) dropFunction(p *planner.DropFunctionPlan) Result {
	if p.Noop {
		return Result{Kind: "DROP_FUNCTION", Message: "Function " + p.Name + " does not exist."}
	}
	d.reg.Drop(p.Name)
	d.cat.DropFunction(p.Name)
	return Result{Kind: "DROP_FUNCTION", Message: "Dropped function " + p.Name}
}
