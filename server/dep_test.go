package server

import (
	"testing"

	"github.com/rql/rql/internal/deptest"
)

// The server sits on the engine: it may use the engine and the layers
// below it, never cmd/rql or the REPL.
func TestDependencies(t *testing.T) {
	deptest.AllowOnly(t, "engine", "sqltypes", "rqlerr", "parser", "planner", "udf", "format", "exec", "exec/build",
		"exec/driver", "exec/asyncio", "exec/fkjoin", "kafka", "kafka/devbroker", "state")
}
