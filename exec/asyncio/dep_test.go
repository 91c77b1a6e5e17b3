package asyncio

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/rql/rql/internal/deptest"
)

// asyncio builds on exec's row and record types and udf's functions. exec
// itself depends on plan types (planner, parser, format, state), so the
// transitive rule allows those, and TestDirectImports keeps asyncio's own
// imports to exec, sqltypes, rqlerr and udf.
func TestDependencies(t *testing.T) {
	deptest.AllowOnly(t, "exec", "sqltypes", "rqlerr", "udf", "planner", "parser", "format", "state")
}

func TestDirectImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{join .Imports \" \"}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	allowed := map[string]bool{"exec": true, "sqltypes": true, "rqlerr": true, "udf": true}
	for _, imp := range strings.Fields(string(out)) {
		if rest, ok := strings.CutPrefix(imp, "github.com/rql/rql/"); ok && !allowed[rest] {
			t.Errorf("exec/asyncio must not import %s", imp)
		}
	}
}
