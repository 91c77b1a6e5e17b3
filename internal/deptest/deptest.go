// Package deptest checks the import rules between rql's packages (ARCHITECTURE.md):
// each package's dep_test.go lists the rql packages it may depend on.
package deptest

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/rql/rql/"

// AllowOnly fails t if the package in the current directory depends,
// directly or not, on an rql package outside allowed (paths relative to the
// module root, e.g. "sqltypes"; "internal/..." packages are always allowed).
func AllowOnly(t *testing.T, allowed ...string) {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	self, err := exec.Command("go", "list", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	me := strings.TrimSpace(string(self))
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[module+a] = true
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == me || !strings.HasPrefix(dep, module) || strings.HasPrefix(dep, module+"internal/") {
			continue
		}
		if !ok[dep] {
			t.Errorf("%s must not depend on %s", me, dep)
		}
	}
}
