package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/kafka/devbroker"
	"github.com/rql/rql/server"
)

// TestSubmit sends a file to a real server: a line per statement, then a
// failing file: the error with its line and a caret, and a failure exit.
func TestSubmit(t *testing.T) {
	b, err := devbroker.Start(devbroker.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := server.New(ctx, server.Config{AuthToken: "tok", Engine: engine.Options{Bootstrap: b.Addr(),
		StateDir: t.TempDir(), KafkaProps: map[string]string{"log_level": "3"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close(context.Background())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	dir := t.TempDir()
	write := func(name, sql string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(sql), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	app := write("app.sql", `-- the app
CREATE STREAM pageviews (user STRING KEY, page STRING) WITH (kafka_topic='pv', partitions=1, value_format='json');
CREATE STREAM home AS SELECT user, page FROM pageviews WHERE page = 'home';
SHOW STREAMS;
`)
	var out, errOut bytes.Buffer
	if err := runSubmit(ctx, &out, &errOut, app, submitFlags{server: url, authToken: "tok", timeout: time.Minute}); err != nil {
		t.Fatalf("submit: %v\n%s%s", err, out.String(), errOut.String())
	}
	for _, want := range []string{"CREATE STREAM pageviews", "Stream created", "Created query with ID CSAS_HOME_0",
		"SHOW STREAMS  →  2 streams", "3 statements applied"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	bad := write("bad.sql", "CREATE STREAM ok2 AS SELECT * FROM pageviews;\nCREATE STREAM oops AS SELECT nope FROM pageviews;\n")
	out.Reset()
	errOut.Reset()
	err = runSubmit(ctx, &out, &errOut, bad, submitFlags{server: url, authToken: "tok", timeout: time.Minute})
	if _, ok := err.(exitError); !ok {
		t.Fatalf("want exitError, got %v", err)
	}
	if !strings.Contains(out.String(), "CREATE STREAM ok2") {
		t.Errorf("the statement before the failing one is not reported:\n%s", out.String())
	}
	lines := strings.Split(strings.TrimRight(errOut.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "RQL-") || !strings.Contains(lines[1], "2 | CREATE STREAM oops") ||
		!strings.HasSuffix(lines[2], "^") {
		t.Errorf("error output:\n%s", errOut.String())
	}

	// Without the token: refused.
	err = runSubmit(ctx, &out, &errOut, app, submitFlags{server: url, timeout: time.Minute})
	if _, ok := err.(exitError); !ok || !strings.Contains(errOut.String(), "Unauthorized") {
		t.Errorf("without a token: %v %s", err, errOut.String())
	}
}
