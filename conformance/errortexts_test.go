package conformance

import (
	"fmt"
	"testing"

	"github.com/rql/rql/rqlerr"
)

func TestErrorTexts(t *testing.T) {
	positioned := rqlerr.At(rqlerr.StmtSourceMissing, rqlerr.Pos{Line: 2, Col: 13}, "Source `UNKNOWN` does not exist.")
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"plain", rqlerr.New(rqlerr.StmtSourceMissing, "Source X does not exist."), []string{"Source X does not exist."}},
		{"positioned", positioned, []string{
			"line 2, column 13: Source `UNKNOWN` does not exist.",
			"Line: 2, Col: 13: Source `UNKNOWN` does not exist.",
		}},
		{"wrapped", fmt.Errorf("statement 2: %w", positioned), []string{
			"statement 2: line 2, column 13: Source `UNKNOWN` does not exist.",
			"Line: 2, Col: 13: Source `UNKNOWN` does not exist.",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := errorTexts(tc.err)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
