package conformance

import (
	"os"
	"path/filepath"
)

// EnvQTTDir names the environment variable that overrides where the corpus
// lives (a directory holding corpus.jsonl and core.jsonl). The value
// "none" tells the ratchet test that there is no corpus on purpose.
const EnvQTTDir = "RQL_QTT_DIR"

// CorpusDir returns the corpus directory: $RQL_QTT_DIR when set, else
// ../shared/qtt next to the repository root.
func CorpusDir(repoRoot string) string {
	if d := os.Getenv(EnvQTTDir); d != "" {
		return d
	}
	return filepath.Join(repoRoot, "..", "shared", "qtt")
}

// RepoRoot returns the nearest directory at or above dir holding go.mod
// (dir itself when there is none).
func RepoRoot(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return abs
		}
	}
}
