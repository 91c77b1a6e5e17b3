package planner

import (
	"testing"

	"github.com/rql/rql/internal/deptest"
)

// The planner produces plan data only: it must never import exec.
func TestDependencies(t *testing.T) {
	deptest.AllowOnly(t, "sqltypes", "rqlerr", "parser", "udf", "format")
}
