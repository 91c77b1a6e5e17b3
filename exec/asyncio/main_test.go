package asyncio

import (
	"os"
	"testing"

	"github.com/rql/rql/internal/procs"
)

// TestMain runs the package's tests and benchmarks with the Ps the rql
// binary runs with (package procs), so that the enrichment benchmarks
// measure the operator as it runs there.
func TestMain(m *testing.M) {
	procs.Apply()
	os.Exit(m.Run())
}
