package parser

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// corpusPath is ksqlDB's conformance corpus (see /work/shared/qtt/README.md).
const corpusPath = "/work/shared/qtt/corpus.jsonl"

type corpusCase struct {
	ID            string   `json:"id"`
	Statements    []string `json:"statements"`
	ExpectedError *struct {
		Message string `json:"message"`
	} `json:"expected_error"`
}

// loadCorpus reads the corpus, or returns nil when the file is missing.
func loadCorpus(t testing.TB) []corpusCase {
	f, err := os.Open(corpusPath)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []corpusCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var c corpusCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("corpus line: %v", err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCorpusPositive parses every statement of every corpus case that
// ksqlDB accepts.
func TestCorpusPositive(t *testing.T) {
	cases := loadCorpus(t)
	if cases == nil {
		t.Skip("corpus not found at " + corpusPath)
	}
	n, ok := 0, 0
	for _, c := range cases {
		if c.ExpectedError != nil {
			continue
		}
		for _, s := range c.Statements {
			n++
			if _, err := Parse(s, ParseOptions{}); err != nil {
				t.Errorf("%s: %q: %v", c.ID, s, err)
				continue
			}
			ok++
		}
		// The statements joined also parse, as one script.
		if _, err := Parse(strings.Join(c.Statements, "\n"), ParseOptions{}); err != nil {
			t.Errorf("%s (joined): %v", c.ID, err)
		}
	}
	t.Logf("corpus: %d/%d statements of positive cases parse", ok, n)
}

// TestCorpusErrors reports how the cases ksqlDB rejects fare: when rql's
// parser rejects one (statements joined by newlines, as ksqlDB's test
// runner cites lines), its message should contain ksqlDB's. Parse errors
// that do not match are listed; it fails only on a parser panic.
func TestCorpusErrors(t *testing.T) {
	cases := loadCorpus(t)
	if cases == nil {
		t.Skip("corpus not found at " + corpusPath)
	}
	rejected, matched := 0, 0
	for _, c := range cases {
		if c.ExpectedError == nil {
			continue
		}
		_, err := Parse(strings.Join(c.Statements, "\n"), ParseOptions{})
		if err == nil {
			continue
		}
		if strings.Contains(err.Error(), "[BUG]") {
			t.Errorf("%s: %v", c.ID, err)
		}
		rejected++
		if strings.Contains(err.Error(), c.ExpectedError.Message) {
			matched++
		} else {
			t.Logf("%s: want %q, got %q", c.ID, c.ExpectedError.Message, err.Error())
		}
	}
	t.Logf("corpus: %d expected-error cases rejected by the parser, %d with ksqlDB's message", rejected, matched)
}
