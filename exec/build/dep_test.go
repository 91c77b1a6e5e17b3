package build

import (
	"testing"

	"github.com/rql/rql/internal/deptest"
)

func TestDependencies(t *testing.T) {
	deptest.AllowOnly(t, "sqltypes", "rqlerr", "planner", "udf", "format", "parser", "exec", "exec/asyncio", "exec/fkjoin", "state")
}
