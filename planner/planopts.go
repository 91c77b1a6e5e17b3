package planner

import (
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/udf"
)

// PlanOptions are optional hooks of PlanStatementWith.
type PlanOptions struct {
	// CheckEnrich validates the WITH options of an ENRICH clause at plan
	// time. The options belong to exec/asyncio, which the planner cannot
	// import (asyncio builds on exec, which reads plan types): the driver and
	// the engine pass exec/build.CheckEnrichOptions. It returns an
	// *rqlerr.Error positioned at the offending property (an error without a
	// position is placed at the ENRICH clause). When nil, options are only
	// checked when the query's operators are built.
	CheckEnrich func(async bool, props parser.Properties) error
}

// PlanStatementWith is PlanStatement with hooks.
func PlanStatementWith(cat *Catalog, reg *udf.Registry, stmt parser.Statement, props map[string]string, opts PlanOptions) (plan StatementPlan, err error) {
	defer func() {
		if r := recover(); r != nil {
			plan, err = nil, rqlerr.Bug("planner panic: %v", r)
		}
	}()
	p := &stmtPlanner{cat: cat, reg: reg, props: props, opts: opts}
	return p.plan(stmt)
}
