package build

import (
	"github.com/rql/rql/exec"
	"github.com/rql/rql/exec/fkjoin"
	"github.com/rql/rql/planner"
)

// buildJoin returns the operator of a join node: the primary-key join
// operators live in exec, the foreign-key join in exec/fkjoin.
func buildJoin(n *planner.Join, props map[string]string) (exec.Operator, error) {
	switch n.Kind {
	case planner.JoinStreamStream:
		return exec.NewStreamStreamJoin(n, props)
	case planner.JoinStreamTable:
		return exec.NewStreamTableJoin(n, props)
	case planner.JoinTableTable:
		return exec.NewTableTableJoin(n, props)
	case planner.JoinGlobalTable:
		return exec.NewGlobalTableJoin(n, props)
	}
	return fkjoin.New(n, props)
}
