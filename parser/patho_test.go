package parser

import (
	"strings"
	"testing"
	"time"
)

// TestPathologicalInputsAreFast guards against quadratic blow-ups on long
// inputs (deep nesting, long postfix chains, many variable references).
func TestPathologicalInputsAreFast(t *testing.T) {
	n := 3000
	inputs := []string{
		"SELECT " + strings.Repeat("(", n) + "a" + strings.Repeat(")", n) + " FROM s",
		"SELECT a" + strings.Repeat("[1]", n) + " FROM s",
		"SELECT a" + strings.Repeat("->b", n) + " FROM s",
		"SELECT " + strings.Repeat("${", n) + " FROM s",
		"SELECT " + strings.Repeat("f(", n) + strings.Repeat(")", n) + " FROM s",
		"SELECT " + strings.Repeat("a + ", n) + "1 FROM s",
		strings.Repeat("SHOW STREAMS;", n),
	}
	for _, in := range inputs {
		start := time.Now()
		_, _ = Parse(in, ParseOptions{Variables: map[string]string{"x": "y"}})
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%.40q...: %v", in, d)
		}
	}
}
