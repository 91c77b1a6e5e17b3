package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestREPLTabCompletion: a prefix and Tab complete keywords, source,
// column and topic names from the live catalog.
func TestREPLTabCompletion(t *testing.T) {
	t.Parallel()
	r := startREPL(t, t.TempDir())
	r.send(`CREATE STREAM clickstream (user_id INT KEY, page_name STRING) WITH (kafka_topic='clicks_topic', value_format='JSON', partitions=1);`)
	r.waitFor("Stream created", 10*time.Second)
	r.waitPrompt(5 * time.Second)

	r.typeText("DESCRIBE clicks")
	r.key("Tab")
	r.waitFor("rql> DESCRIBE clickstream", 5*time.Second)
	r.typeText(";")
	r.key("Enter")
	r.waitFor("PAGE_NAME", 10*time.Second)
	r.waitPrompt(5 * time.Second)

	for _, tc := range []struct{ typed, want string }{
		{"sel", "rql> select"},
		{"SELECT page_", "rql> SELECT page_name"},
		{"SELECT UC", "rql> SELECT UCASE"},
		{"PRINT 'clicks_", "rql> PRINT 'clicks_topic"},
	} {
		r.typeText(tc.typed)
		r.key("Tab")
		r.waitFor(tc.want, 5*time.Second)
		r.key("C-c") // discard the line
		r.waitPrompt(5 * time.Second)
	}
}

// TestREPLMultiLineHistory: a statement typed over two lines is one
// history entry (in the file too); Up recalls it whole, and Ctrl-R finds
// it and runs it again.
func TestREPLMultiLineHistory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := startREPLArgs(t, "--in-process", "--data-dir", dir)
	r.send(`CREATE STREAM orders (id INT KEY, qty INT)`)
	r.send(`  WITH (kafka_topic='orders', value_format='JSON');`)
	r.waitFor("Stream created", 10*time.Second)
	r.waitPrompt(5 * time.Second)
	joined := `CREATE STREAM orders (id INT KEY, qty INT)   WITH (kafka_topic='orders', value_format='JSON');`

	r.key("Up")
	r.waitFor("rql> "+joined, 5*time.Second)
	r.key("C-c")
	r.waitPrompt(5 * time.Second)

	r.key("C-r")
	r.typeText("value_format='JSON'")
	r.waitFor("bck-i-search: value_format='JSON'", 5*time.Second)
	r.key("Enter") // accept the entry found
	r.key("Enter") // run it
	r.waitFor("already exists", 10*time.Second)

	b, err := os.ReadFile(filepath.Join(dir, "history"))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); lines[0] != joined {
		t.Errorf("history file:\n%s\nwant its first entry %q", b, joined)
	}
}

// TestREPLRunScriptAndOutputJSON: RUN SCRIPT runs a file's statements;
// OUTPUT JSON turns results and a push query's rows into JSON.
func TestREPLRunScriptAndOutputJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	script := filepath.Join(dir, "setup.sql")
	if err := os.WriteFile(script, []byte(`SET 'auto.offset.reset'='earliest';
CREATE STREAM visits (user_id INT KEY, page STRING) WITH (kafka_topic='visits', value_format='JSON', partitions=1);
INSERT INTO visits (user_id, page) VALUES (7, 'home');
`), 0o644); err != nil {
		t.Fatal(err)
	}
	r := startREPL(t, dir)
	r.send("RUN SCRIPT '" + script + "';")
	r.waitFor("Stream created", 10*time.Second)
	r.waitPrompt(5 * time.Second)
	r.send("OUTPUT JSON;")
	r.send("SHOW STREAMS;")
	r.waitFor(`"@type": "show_streams"`, 10*time.Second)
	r.send("SELECT user_id, UCASE(page) AS Page_Upper FROM visits EMIT CHANGES LIMIT 1;")
	r.waitFor(`{"columnNames":["USER_ID","PAGE_UPPER"],"columnTypes":["INTEGER","STRING"]}`, 15*time.Second)
	r.waitFor(`[7,"HOME"]`, 10*time.Second)
	r.waitPrompt(5 * time.Second)
	r.send("OUTPUT;")
	s := r.waitFor("Output format: JSON", 5*time.Second)
	if strings.Contains(s, "Limit Reached") {
		t.Errorf("a statement that is not a query printed Limit Reached:\n%s", s)
	}
}

func TestEmptyExecute(t *testing.T) {
	t.Parallel()
	out, err := rqlCommand(t, "--in-process", "--data-dir", t.TempDir(), "-e", "").CombinedOutput()
	if err != nil || len(out) != 0 {
		t.Fatalf("-e '': %v\n%s", err, out)
	}
}
