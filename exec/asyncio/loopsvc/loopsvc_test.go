package loopsvc

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestServesHTTPClients(t *testing.T) {
	s, err := Start(10*time.Millisecond, `{"y": 1}`)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := &http.Client{}
	for i, method := range []string{"GET", "POST", "POST"} {
		var body io.Reader
		if method == "POST" {
			body = strings.NewReader(`{"x": 1}`)
		}
		req, _ := http.NewRequest(method, s.URL+"/a/b?c=d", body)
		t0 := time.Now()
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || string(b) != `{"y": 1}` || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("request %d: %v %d %q %v", i, err, resp.StatusCode, b, resp.Header)
		}
		if d := time.Since(t0); d < 10*time.Millisecond {
			t.Fatalf("request %d answered after %v, before the latency", i, d)
		}
	}
	if s.Requests() != 3 {
		t.Fatalf("requests = %d", s.Requests())
	}
}

func TestRejectsChunkedAndGarbage(t *testing.T) {
	s, err := Start(0, `{}`)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for req, want := range map[string]string{
		"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n": "HTTP/1.1 501",
		"garbage\r\n\r\n": "HTTP/1.1 400",
		"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n": "HTTP/1.1 400",
	} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		conn.Write([]byte(req))
		line, _ := bufio.NewReader(conn).ReadString('\n')
		conn.Close()
		if !strings.HasPrefix(line, want) {
			t.Errorf("%q: answered %q, want %s", req, line, want)
		}
	}
}

// Pipelined requests get their responses in order, and the connection is
// closed after the one that asked for it, with and without a latency.
func TestPipelinedAndConnectionClose(t *testing.T) {
	for _, latency := range []time.Duration{0, 5 * time.Millisecond} {
		s, err := Start(latency, `{}`)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		conn.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc" +
			"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
		b, err := io.ReadAll(conn) // ends when the server closes
		conn.Close()
		s.Close()
		if err != nil || strings.Count(string(b), "HTTP/1.1 200 OK") != 2 || !strings.HasSuffix(string(b), "\r\n\r\n{}") {
			t.Fatalf("latency %v: %q %v", latency, b, err)
		}
	}
}
