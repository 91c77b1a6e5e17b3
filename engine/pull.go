package engine

import (
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
)

// pullUnsupported is the error of a pull query (SELECT without EMIT) on the
// Kafka runtime. The in-process driver answers pull queries from the state
// its queries write (exec.Pull); this runtime does not run stateful
// operators yet, so no task holds a store to read. Remaining work: answer
// from the local tasks' stores (planner.MaterializeQuery for CTAS results,
// planner.MaterializeSourceTable for source tables), then route key lookups
// to the instance owning the key's partition in multi-instance groups.
func pullUnsupported(p *planner.PullPlan) error {
	what := "table"
	if p.Stream != nil {
		what = "stream"
	}
	return rqlerr.New(rqlerr.BindUnsupported,
		"pull queries (SELECT without EMIT CHANGES, here on %s %s) are not supported by the Kafka runtime yet: add EMIT CHANGES for a push query", what, p.Source.Name)
}
