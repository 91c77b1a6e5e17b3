package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
)

// TestMain lets the test binary stand in for the rql binary: run with
// RQL_TEST_MAIN=1 it is rql (main), so that tests drive the real command
// without building it again.
func TestMain(m *testing.M) {
	if os.Getenv("RQL_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// rqlCommand returns the command line that runs rql (this test binary as
// main) with args.
func rqlCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), "RQL_TEST_MAIN=1")
	return cmd
}

var tmuxSeq atomic.Int64

// tmuxREPL is rql's REPL running in a tmux session of its own tmux server,
// driven as a person would: keys in, screen out.
type tmuxREPL struct {
	t      *testing.T
	socket string
}

// startREPL starts `rql --data-dir dir` in a new tmux session.
func startREPL(t *testing.T, dir string) *tmuxREPL {
	t.Helper()
	return startREPLArgs(t, "--data-dir", dir)
}

// startREPLArgs starts `rql args...` in a new tmux session.
func startREPLArgs(t *testing.T, args ...string) *tmuxREPL {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	r := &tmuxREPL{t: t, socket: fmt.Sprintf("rqltest-%d-%d", os.Getpid(), tmuxSeq.Add(1))}
	// exec: the shell tmux starts must not stay between the terminal and
	// rql, or Ctrl-C's SIGINT would kill it and close the pane.
	line := fmt.Sprintf("exec env RQL_TEST_MAIN=1 %q", self)
	for _, a := range args {
		line += fmt.Sprintf(" %q", a)
	}
	r.tmux("new-session", "-d", "-s", "rql", "-x", "160", "-y", "50", line)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", r.socket, "kill-server").Run() })
	r.waitPrompt(20 * time.Second)
	return r
}

func (r *tmuxREPL) tmux(args ...string) string {
	r.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", r.socket}, args...)...).CombinedOutput()
	if err != nil {
		r.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// send types text and presses Enter.
func (r *tmuxREPL) send(text string) {
	r.t.Helper()
	// tmux reads an argument ending in ';' as a command separator: type
	// the text through its hex codes.
	args := []string{"send-keys", "-t", "rql", "-H"}
	for _, b := range []byte(text) {
		args = append(args, fmt.Sprintf("%02x", b))
	}
	r.tmux(args...)
	r.tmux("send-keys", "-t", "rql", "Enter")
}

// typeText types text without pressing Enter.
func (r *tmuxREPL) typeText(text string) {
	r.t.Helper()
	args := []string{"send-keys", "-t", "rql", "-H"}
	for _, b := range []byte(text) {
		args = append(args, fmt.Sprintf("%02x", b))
	}
	r.tmux(args...)
}

// key presses keys by tmux's names (Tab, Enter, C-c, Up, ...).
func (r *tmuxREPL) key(keys ...string) {
	r.t.Helper()
	r.tmux(append([]string{"send-keys", "-t", "rql"}, keys...)...)
}

// screen returns the pane's text, history included.
func (r *tmuxREPL) screen() string {
	r.t.Helper()
	return r.tmux("capture-pane", "-p", "-t", "rql", "-S", "-500")
}

// waitFor waits until the screen contains want, and returns the screen.
func (r *tmuxREPL) waitFor(want string, timeout time.Duration) string {
	r.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := r.screen()
		if strings.Contains(s, want) {
			return s
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("screen lacks %q after %v:\n%s", want, timeout, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitForRE waits until the screen matches the regular expression re.
func (r *tmuxREPL) waitForRE(re string, timeout time.Duration) string {
	r.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(timeout)
	for {
		s := r.screen()
		if rx.MatchString(s) {
			return s
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("screen does not match %s after %v:\n%s", re, timeout, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitPrompt waits until the last non-empty line of the screen is an
// empty prompt, and returns the screen.
func (r *tmuxREPL) waitPrompt(timeout time.Duration) string {
	r.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := r.screen()
		lines := strings.Split(strings.TrimRight(s, "\n "), "\n")
		if strings.TrimSpace(lines[len(lines)-1]) == strings.TrimSpace(prompt) {
			return s
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("no prompt after %v:\n%s", timeout, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestREPLPushQueryLimit(t *testing.T) {
	t.Parallel()
	r := startREPL(t, t.TempDir())
	r.send(`CREATE STREAM clicks (user_id INT KEY, page STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=2);`)
	r.waitFor("Stream created", 10*time.Second)
	r.send(`INSERT INTO clicks (user_id, page) VALUES (7, 'home');`)
	r.send(`SET 'auto.offset.reset'='earliest';`)
	r.waitFor("Successfully set auto.offset.reset", 10*time.Second)
	r.send(`SELECT user_id, UCASE(page) AS Page_Upper FROM clicks EMIT CHANGES LIMIT 1;`)
	s := r.waitFor("Limit Reached", 15*time.Second)
	r.waitPrompt(5 * time.Second)
	for _, want := range []string{"USER_ID", "PAGE_UPPER", "HOME", "│ 7 "} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
}

func TestREPLCtrlCStopsPushQuery(t *testing.T) {
	t.Parallel()
	r := startREPL(t, t.TempDir())
	r.send(`CREATE STREAM s (v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);`)
	r.waitFor("Stream created", 10*time.Second)
	r.send(`SELECT v FROM s EMIT CHANGES;`)
	s := r.waitForRE(`│\s+V\s+│`, 10*time.Second) // the header, printed as the query starts
	// A record produced by another client shows up while the query runs.
	addr := regexp.MustCompile(`broker at (127\.0\.0\.1:\d+)`).FindStringSubmatch(s)
	if addr == nil {
		t.Fatalf("no broker address in the banner:\n%s", s)
	}
	p, err := kafka.NewProducer(kafka.BootstrapServers(addr[1]))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	deadline := time.Now().Add(15 * time.Second)
	for !regexp.MustCompile(`│ 77\s+│`).MatchString(r.screen()) { // "latest" resolves asynchronously: retry
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := p.Produce(ctx, &kafka.Record{Topic: "s", Partition: -1, Value: []byte(`{"V":77}`)})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the row never showed:\n%s", r.screen())
		}
		time.Sleep(300 * time.Millisecond)
	}
	r.tmux("send-keys", "-t", "rql", "C-c")
	r.waitFor("Query terminated", 10*time.Second)
	r.waitPrompt(5 * time.Second)
	// The process is still there, and answers.
	// (The rows are drawn after the header: wait for the row itself.)
	r.send(`SHOW STREAMS;`)
	r.waitForRE(`│ S\s+│ s\s+│`, 10*time.Second)
}

// TestDataSurvivesRestart: records written by one rql process are there
// for the next one with the same --data-dir (the embedded broker keeps
// its data on disk).
func TestDataSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, err := rqlCommand(t, "--data-dir", dir, "-e",
		`CREATE STREAM s (id INT KEY, name STRING) WITH (kafka_topic='keep', value_format='JSON', partitions=1);
INSERT INTO s (id, name) VALUES (1, 'kept');`).CombinedOutput()
	if err != nil {
		t.Fatalf("first run: %v\n%s", err, out)
	}
	out, err = rqlCommand(t, "--data-dir", dir, "-e",
		`CREATE STREAM s (id INT KEY, name STRING) WITH (kafka_topic='keep', value_format='JSON');
SET 'auto.offset.reset'='earliest';
SELECT * FROM s EMIT CHANGES LIMIT 1;`).CombinedOutput()
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	for _, want := range []string{"ID", "NAME", "kept", "Limit Reached"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "broker")); err != nil {
		t.Errorf("no broker data in --data-dir: %v", err)
	}
}

func TestInProcessFlag(t *testing.T) {
	t.Parallel()
	out, err := rqlCommand(t, "--in-process", "--data-dir", t.TempDir(), "-e",
		`CREATE STREAM s (v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);
INSERT INTO s (v) VALUES (5);
SELECT v * 2 AS w FROM s EMIT CHANGES LIMIT 1;`).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "W") || !strings.Contains(string(out), "10") {
		t.Fatalf("--in-process: %v\n%s", err, out)
	}
}
