package server_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
	"github.com/rql/rql/kafka/devbroker"
	"github.com/rql/rql/server"
)

// broker is the dev broker every test of the package shares (each test
// uses its own service id and topics).
var broker *devbroker.Broker

func TestMain(m *testing.M) {
	b, err := devbroker.Start(devbroker.Config{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	broker = b
	code := m.Run()
	b.Close()
	os.Exit(code)
}

var quiet = kafka.LogFunc(func(int, string, string) {})

// uniq returns a fresh suffix for service ids and topic names, so that
// tests repeated with -count on the shared broker start from scratch.
func uniq() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// testServer is a server serving on a loopback port.
type testServer struct {
	*server.Server
	url string
}

// startServer starts a server on the shared broker with cfg (its state dir
// and service id defaulted) and serves it on 127.0.0.1.
func startServer(t *testing.T, cfg server.Config) *testServer {
	t.Helper()
	cfg.Engine.Bootstrap = broker.Addr()
	if cfg.Engine.StateDir == "" {
		cfg.Engine.StateDir = t.TempDir()
	}
	if cfg.Engine.ServiceID == "" {
		cfg.Engine.ServiceID = strings.ReplaceAll(t.Name(), "/", "_") + "_" + uniq()
	}
	if cfg.Engine.KafkaProps == nil {
		cfg.Engine.KafkaProps = map[string]string{"log_level": "3"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := server.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	ts := &testServer{Server: srv, url: "http://" + ln.Addr().String()}
	t.Cleanup(func() { ts.close(t) })
	return ts
}

func (ts *testServer) close(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := ts.Close(ctx); err != nil {
		t.Logf("closing the server: %v", err)
	}
}

// call sends a request and returns the status and body.
func call(t *testing.T, method, url, body string, hdr ...string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// ksql runs statements through /ksql and fails the test unless they all
// succeed; it returns the entities.
func (ts *testServer) ksql(t *testing.T, sql string) []map[string]any {
	t.Helper()
	status, body := call(t, "POST", ts.url+"/ksql", mustMarshal(map[string]any{"ksql": sql}))
	if status != http.StatusOK {
		t.Fatalf("/ksql %q: %d %s", sql, status, body)
	}
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("/ksql answer %s: %v", body, err)
	}
	return out
}

func mustMarshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// readCommitted reads topic from the beginning with read_committed until
// want records arrived and quietFor passed without more, or deadline.
func readCommitted(t *testing.T, topic string, want int, quietFor, deadline time.Duration) []*kafka.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	r, err := kafka.NewReader(ctx, topic, kafka.BootstrapServers(broker.Addr()), kafka.FromBeginning(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []*kafka.Record
	last := time.Now()
	for {
		f, err := r.Poll(ctx)
		if err != nil {
			t.Fatalf("reading %s: %v (have %d of %d)", topic, err, len(out), want)
		}
		if len(f.Records) > 0 {
			out = append(out, f.Records...)
			last = time.Now()
		}
		if len(out) >= want && time.Since(last) > quietFor {
			return out
		}
	}
}

// waitFor polls cond until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// streamLines starts a /query-stream request with client and returns a
// channel of its lines (closed at the end) and the response.
func streamLines(t *testing.T, ctx context.Context, client *http.Client, url, body string) (*http.Response, <-chan string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "POST", url+"/query-stream", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan string, 100)
	go func() {
		defer close(ch)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	return resp, ch
}

// next returns the next line of ch within d.
func next(t *testing.T, ch <-chan string, d time.Duration) string {
	t.Helper()
	select {
	case l, ok := <-ch:
		if !ok {
			t.Fatal("the stream ended")
		}
		return l
	case <-time.After(d):
		t.Fatalf("no line within %s", d)
	}
	return ""
}
