package fkjoin

import (
	"testing"

	"github.com/rql/rql/internal/deptest"
)

// fkjoin is a specialised operator: it builds on exec, state and the plan.
func TestDependencies(t *testing.T) {
	deptest.AllowOnly(t, "sqltypes", "rqlerr", "planner", "udf", "format", "parser", "exec", "state")
}
