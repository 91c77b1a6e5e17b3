package rqlerr

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// TestEveryCodeIsListed parses codes.go and checks that each Code constant
// appears exactly once in Codes, so the generated docs are complete.
func TestEveryCodeIsListed(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "codes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[Code]int{}
	for _, c := range Codes {
		listed[c.Code]++
		if c.Description == "" {
			t.Errorf("code %s has no description", c.Code)
		}
	}
	n := 0
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for _, v := range vs.Values {
				lit, ok := v.(*ast.BasicLit)
				if !ok {
					continue
				}
				code := Code(strings.Trim(lit.Value, `"`))
				n++
				if listed[code] != 1 {
					t.Errorf("code %s is listed %d times in Codes, want 1", code, listed[code])
				}
			}
		}
	}
	if n != len(Codes) {
		t.Errorf("codes.go declares %d codes, Codes lists %d", n, len(Codes))
	}
}

func TestErrorsIsMatchesCode(t *testing.T) {
	err := fmt.Errorf("planning: %w", At(BindUnknownColumn, Pos{Offset: 7, Line: 1, Col: 8}, "column %q cannot be resolved", "X"))
	if !errors.Is(err, BindUnknownColumn) {
		t.Fatalf("errors.Is(%v, BindUnknownColumn) = false", err)
	}
	if errors.Is(err, BindType) {
		t.Fatalf("errors.Is matched the wrong code")
	}
	if got, want := err.Error(), `planning: line 1, column 8: column "X" cannot be resolved`; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	if p, ok := PosOf(err); !ok || p.Col != 8 {
		t.Fatalf("PosOf = %v, %v", p, ok)
	}
	if CodeOf(err) != BindUnknownColumn {
		t.Fatalf("CodeOf = %q", CodeOf(err))
	}
}

func TestDocsAreCurrent(t *testing.T) {
	b, err := os.ReadFile("../docs/errors.md")
	if err != nil {
		t.Fatalf("docs/errors.md missing (run make docs): %v", err)
	}
	for _, c := range Codes {
		if !strings.Contains(string(b), "`"+string(c.Code)+"`") {
			t.Errorf("docs/errors.md lacks %s: run make docs", c.Code)
		}
	}
}
