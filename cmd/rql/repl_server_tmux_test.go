package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	rqlclient "github.com/rql/rql/server/client"
)

// startServer runs `rql server` (this test binary as main) on a free port
// with its own embedded broker and returns its URL.
func startServer(t *testing.T, token string) string {
	t.Helper()
	cmd := rqlCommand(t, "server", "--listen", "127.0.0.1:0", "--state-dir", t.TempDir(), "--auth-token", token)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		re := regexp.MustCompile(`listening on (https?://\S+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-found:
		return u
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not start")
	}
	return ""
}

// pushQueriesActive reads rql_push_queries_active from the server's
// /metrics.
func pushQueriesActive(t *testing.T, url, token string) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^rql_push_queries_active (\S+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no rql_push_queries_active in /metrics:\n%s", b)
	}
	return string(m[1])
}

// TestREPLOnServer: `rql --server URL --auth-token T` against a running
// rql server: completion from the server's catalog, a push query printing
// rows as they are inserted, and Ctrl-C closing it on the server.
func TestREPLOnServer(t *testing.T) {
	t.Parallel()
	const token = "s3cret"
	url := startServer(t, token)
	r := startREPLArgs(t, "--server", url, "--auth-token", token, "--data-dir", t.TempDir())
	r.waitFor("on server at "+url, 5*time.Second)
	r.send(`CREATE STREAM pageviews (user_id INT KEY, page STRING) WITH (kafka_topic='pageviews', value_format='JSON', partitions=1);`)
	r.waitFor("Stream created", 10*time.Second)
	r.waitPrompt(5 * time.Second)

	r.typeText("DESCRIBE pagev")
	r.key("Tab")
	r.waitFor("rql> DESCRIBE pageviews", 5*time.Second)
	r.typeText(";")
	r.key("Enter")
	r.waitFor("INTEGER (key)", 10*time.Second)
	r.waitPrompt(5 * time.Second)

	r.send(`SET 'auto.offset.reset'='earliest';`)
	r.waitFor("Successfully set auto.offset.reset", 5*time.Second)
	r.send(`INSERT INTO pageviews (user_id, page) VALUES (1, 'home');`)
	r.send(`SELECT user_id, UCASE(page) AS Page_Upper FROM pageviews EMIT CHANGES;`)
	r.waitForRE(`│ 1\s+│ HOME\s+│`, 15*time.Second)
	if got := pushQueriesActive(t, url, token); got != "1" {
		t.Errorf("push queries active while the query runs: %s", got)
	}
	// A row inserted by another client shows up while the query runs.
	req, _ := http.NewRequest(http.MethodPost, url+"/ksql",
		strings.NewReader(`{"ksql":"INSERT INTO pageviews (user_id, page) VALUES (2, 'cart');"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", rqlclient.KSQLContentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r.waitForRE(`│ 2\s+│ CART\s+│`, 10*time.Second)

	r.key("C-c")
	r.waitFor("Query terminated", 10*time.Second)
	r.waitPrompt(5 * time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for pushQueriesActive(t, url, token) != "0" {
		if time.Now().After(deadline) {
			t.Fatal("the push query still runs on the server after Ctrl-C")
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.send(`SELECT nope FROM pageviews EMIT CHANGES;`)
	r.waitFor("SELECT column 'NOPE' cannot be resolved.", 10*time.Second)
}
