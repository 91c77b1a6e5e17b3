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

func TestConnectionClose(t *testing.T) {
	s, err := Start(0, `{}`)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
	b, err := io.ReadAll(conn) // ends when the server closes
	if err != nil || !strings.HasSuffix(string(b), "\r\n\r\n{}") {
		t.Fatalf("%q %v", b, err)
	}
}
