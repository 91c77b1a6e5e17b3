package udf

import (
	"os"
	"testing"
)

// TestFunctionDocsAreCurrent keeps docs/functions.md in step with the
// registry: run `make docs` after adding or changing a function.
func TestFunctionDocsAreCurrent(t *testing.T) {
	want := MarkdownReference(Builtins())
	got, err := os.ReadFile("../docs/functions.md")
	if err != nil {
		t.Fatalf("docs/functions.md: %v (run make docs)", err)
	}
	if string(got) != want {
		t.Fatalf("docs/functions.md is stale: run make docs")
	}
}
