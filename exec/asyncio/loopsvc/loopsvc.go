// Package loopsvc is a minimal HTTP/1.1 lookup service on loopback for the
// enrichment benchmarks (exec/asyncio and engine): every request, whatever
// its method and target, is answered after a fixed latency with one fixed
// JSON body, over keep-alive connections.
//
// It exists because on a benchmark machine the service shares the cores
// with the enrichment it serves, unlike a real remote service. A net/http
// server costs more CPU per request than the client under test (a request,
// header maps, a context and a background read per request); this one
// reads each request into a per-connection buffer, sleeps, and writes a
// prebuilt response, so that the figures measure the enrichment rather
// than the test service. It still speaks real HTTP/1.1 over loopback TCP:
// requests are parsed (request line, headers, a Content-Length body;
// chunked request bodies are refused with 501) and responses carry
// Content-Length, so any HTTP client works against it.
package loopsvc

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Server is a running service. Close stops it.
type Server struct {
	// URL is the service's base URL, "http://127.0.0.1:port".
	URL string

	ln       net.Listener
	latency  time.Duration
	resp     []byte
	requests atomic.Int64

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// Start listens on an ephemeral loopback port and serves: each request is
// answered after latency (0: at once) with status 200, Content-Type
// application/json and body.
func Start(latency time.Duration, body string) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), ln: ln, latency: latency, conns: map[net.Conn]struct{}{},
		resp: []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
			strconv.Itoa(len(body)) + "\r\n\r\n" + body)}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Requests returns how many requests have been answered (counted just
// before the response is written).
func (s *Server) Requests() int64 { return s.requests.Load() }

// Close stops listening, closes every connection and waits for their
// goroutines. Requests sleeping out their latency are not answered.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.ln.Close()
	s.wg.Wait()
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serve(c)
	}
}

var (
	errBadRequest = errors.New("loopsvc: malformed request")
	errChunked    = errors.New("loopsvc: chunked request body")
)

// serve answers the requests of one connection in order until the client
// closes it, asks to ("Connection: close"), or sends a request it cannot
// read.
func (s *Server) serve(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	r := bufio.NewReaderSize(c, 4096)
	for {
		keep, err := readRequest(r)
		if err != nil {
			switch err {
			case errChunked:
				c.Write([]byte("HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
			case errBadRequest:
				c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
			}
			return
		}
		if s.latency > 0 {
			time.Sleep(s.latency)
		}
		s.requests.Add(1)
		if _, err := c.Write(s.resp); err != nil {
			return
		}
		if !keep {
			return
		}
	}
}

// readRequest consumes one request (line, headers, Content-Length body)
// and reports whether the connection stays open after it.
func readRequest(r *bufio.Reader) (keepAlive bool, err error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		if err == io.EOF && len(line) == 0 {
			return false, io.EOF
		}
		return false, errBadRequest
	}
	if bytes.Count(line, []byte{' '}) < 2 {
		return false, errBadRequest
	}
	keepAlive = !bytes.Contains(line, []byte("HTTP/1.0"))
	length := int64(0)
	for {
		h, err := r.ReadSlice('\n')
		if err != nil {
			return false, errBadRequest
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, val, ok := bytes.Cut(h, []byte{':'})
		if !ok {
			return false, errBadRequest
		}
		val = bytes.TrimSpace(val)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, ok := parseLength(val)
			if !ok {
				return false, errBadRequest
			}
			length = n
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			if !bytes.EqualFold(val, []byte("identity")) {
				return false, errChunked
			}
		case bytes.EqualFold(name, []byte("Connection")):
			if bytes.EqualFold(val, []byte("close")) {
				keepAlive = false
			} else if bytes.EqualFold(val, []byte("keep-alive")) {
				keepAlive = true
			}
		}
	}
	if _, err := r.Discard(int(length)); err != nil {
		return false, errBadRequest
	}
	return keepAlive, nil
}

// parseLength reads a Content-Length value without allocating.
func parseLength(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
