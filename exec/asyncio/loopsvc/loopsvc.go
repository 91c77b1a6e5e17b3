// Package loopsvc is a minimal HTTP/1.1 lookup service on loopback for the
// enrichment benchmarks (exec/asyncio and engine): every request, whatever
// its method and target, is answered after a fixed latency with one fixed
// JSON body, over keep-alive connections.
//
// It exists because on a benchmark machine the service shares the cores
// with the enrichment it serves, unlike a real remote service. A net/http
// server costs more CPU per request than the client under test (a request,
// header maps, a context, a goroutine sleeping out the latency and a
// background read per request); this one parses each request in a
// per-connection buffer and hands the connection to one delay line, which
// writes the prebuilt responses as they come due (one timer for all of
// them: the latency is the same for every request, so deadlines come in
// arrival order; with no latency each connection answers at once). The
// figures then measure the enrichment rather than the test service. A
// response is never written before its latency has passed since its
// request was read.
//
// It still speaks real HTTP/1.1 over loopback TCP: requests are parsed
// (request line, headers, a Content-Length body; chunked request bodies
// are refused with 501) and responses carry Content-Length, so any HTTP
// client works against it.
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
	late     atomic.Int64 // nanoseconds past their deadline, summed over responses written

	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	closed  bool
	wg      sync.WaitGroup
	due     []pending     // the delay line: responses to write, in deadline order
	wake    chan struct{} // capacity 1: due became non-empty, or Close
	stopped chan struct{} // closed by Close
}

// pending is a response to write to conn at when; close says to close the
// connection after it.
type pending struct {
	conn  net.Conn
	when  time.Time
	close bool
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
			strconv.Itoa(len(body)) + "\r\n\r\n" + body),
		wake: make(chan struct{}, 1), stopped: make(chan struct{})}
	s.wg.Add(2)
	go s.accept()
	go s.respond()
	return s, nil
}

// respond is the delay line: it writes each queued response once its
// deadline has passed, sleeping until the earliest one.
func (s *Server) respond() {
	defer s.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var batch []pending
	for {
		s.mu.Lock()
		now := time.Now()
		n := 0
		for n < len(s.due) && !s.due[n].when.After(now) {
			n++
		}
		batch = append(batch[:0], s.due[:n]...)
		clear(s.due[:n])
		s.due = s.due[n:]
		if len(s.due) == 0 {
			s.due = s.due[:0:0] // let the backing array go; appends start a new one
		}
		var wait time.Duration = -1
		if len(s.due) > 0 {
			wait = s.due[0].when.Sub(now)
		}
		s.mu.Unlock()
		for i, p := range batch {
			s.requests.Add(1)
			if _, err := p.conn.Write(s.resp); err != nil || p.close {
				p.conn.Close() // its reader ends too
			}
			s.late.Add(int64(time.Since(p.when)))
			batch[i] = pending{}
		}
		if n > 0 {
			continue
		}
		if wait >= 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-s.wake:
			case <-s.stopped:
				return
			}
			continue
		}
		select {
		case <-s.wake:
		case <-s.stopped:
			return
		}
	}
}

// Requests returns how many responses have been written (counted just
// before the write).
func (s *Server) Requests() int64 { return s.requests.Load() }

// MeanLateness is how long after their deadline (request read + latency)
// responses were written, on average: the time the service itself waited
// for a core.
func (s *Server) MeanLateness() time.Duration {
	n := s.requests.Load()
	if n == 0 {
		return 0
	}
	return time.Duration(s.late.Load() / n)
}

// Close stops listening, closes every connection and waits for the
// server's goroutines. Requests still within their latency are not
// answered.
func (s *Server) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.stopped)
	}
	for c := range s.conns {
		c.Close()
	}
	for _, p := range s.due {
		p.conn.Close()
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

// serve reads the requests of one connection and queues their responses
// on the delay line, until the client closes the connection or asks to
// ("Connection: close"). Requests pipelined on one connection are
// answered in order (same latency, FIFO line). A request it cannot read
// is answered at once with 400 (501 for a chunked body) and the
// connection closed, dropping the responses still due on it.
func (s *Server) serve(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
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
			c.Close()
			return
		}
		if s.latency <= 0 { // no delay: answer from this goroutine
			s.requests.Add(1)
			if _, err := c.Write(s.resp); err != nil || !keep {
				c.Close()
				return
			}
			continue
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		wasEmpty := len(s.due) == 0
		s.due = append(s.due, pending{conn: c, when: time.Now().Add(s.latency), close: !keep})
		s.mu.Unlock()
		if wasEmpty {
			select {
			case s.wake <- struct{}{}:
			default:
			}
		}
		if !keep {
			return // the delay line closes c after the response
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
