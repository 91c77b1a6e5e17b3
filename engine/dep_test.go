package engine

import (
	"testing"

	"github.com/rql/rql/internal/deptest"
)

// The engine sits above the executor: it may use every layer below it,
// but nothing above (cmd/rql, the conformance runner, the REPL).
func TestDependencies(t *testing.T) {
	deptest.AllowOnly(t, "sqltypes", "rqlerr", "parser", "planner", "udf", "format", "exec", "exec/build",
		"exec/driver", "exec/asyncio", "exec/fkjoin", "kafka", "kafka/devbroker", "state")
}
