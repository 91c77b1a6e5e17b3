package conformance

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPassingListStillPasses is the conformance ratchet: every case listed
// in testdata/conformance/passing.txt must still pass. `rql conformance
// --write-passing` adds newly passing cases to the list; nothing removes
// them. The corpus must exist (CI has it) unless RQL_QTT_DIR=none.
func TestPassingListStillPasses(t *testing.T) {
	if os.Getenv(EnvQTTDir) == "none" {
		t.Skip("RQL_QTT_DIR=none: no corpus")
	}
	root := RepoRoot(".")
	ids, err := LoadIDs(filepath.Join(root, "testdata", "conformance", "passing.txt"))
	if err != nil {
		t.Fatalf("reading the passing list: %v", err)
	}
	corpus := filepath.Join(CorpusDir(root), "corpus.jsonl")
	cases, err := LoadFile(corpus)
	if err != nil {
		t.Fatalf("the corpus is required (set %s=none to skip): %v", EnvQTTDir, err)
	}
	byID := map[string]*Case{}
	for _, c := range cases {
		byID[strings.TrimSpace(c.ID)] = c // the list's ids are trimmed
	}
	var r Runner
	for _, id := range ids {
		c, ok := byID[id]
		if !ok {
			t.Errorf("%s: listed as passing but not in %s", id, corpus)
			continue
		}
		if res := r.Run(context.Background(), c); res.Status != Pass {
			t.Errorf("%s: no longer passes: %s: %s", id, res.Status, res.Reason)
		}
	}
}
