package exec

import (
	"testing"

	"github.com/rql/rql/internal/deptest"
)

// exec reads plan types but never imports its own subpackages (exec/build,
// exec/driver) nor the parser.
func TestDependencies(t *testing.T) {
	deptest.AllowOnly(t, "sqltypes", "rqlerr", "planner", "udf", "format", "parser", "state")
}
