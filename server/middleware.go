package server

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Handler returns the server's HTTP handler: ksqlDB's endpoints and
// /metrics, behind panic recovery, metrics and authentication.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /ksql", s.handleKSQL)
	mux.HandleFunc("POST /query-stream", s.handleQueryStream)
	mux.HandleFunc("POST /query", s.handleQuery)
	mux.HandleFunc("POST /close-query", s.handleCloseQuery)
	mux.HandleFunc("POST /inserts-stream", s.handleInsertsStream)
	mux.HandleFunc("GET /info", s.handleInfo)
	mux.HandleFunc("GET /healthcheck", s.handleHealth)
	mux.HandleFunc("GET /clusterStatus", s.handleClusterStatus)
	mux.HandleFunc("GET /status/{commandId...}", s.handleStatus)
	mux.Handle("GET /metrics", s.metrics.handler())
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, "no endpoint "+r.Method+" "+r.URL.Path)
	})
	return s.recoverer(s.authenticate(mux))
}

// recoverer turns a panic in a handler into a 500 (when nothing was
// written yet) and a log line; the server goes on. It also counts
// requests for /metrics.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic serving a request", "method", r.Method, "path", r.URL.Path,
					"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if !sw.wrote {
					writeError(sw, r, http.StatusInternalServerError, fmt.Sprintf("internal error: %v", p))
				}
			}
			s.metrics.request(endpointOf(r), sw.code())
		}()
		next.ServeHTTP(sw, r)
	})
}

// endpointOf names r's endpoint for metrics labels (bounded cardinality).
func endpointOf(r *http.Request) string {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/status/"):
		return "/status"
	case p == "/ksql", p == "/query", p == "/query-stream", p == "/close-query", p == "/inserts-stream",
		p == "/info", p == "/healthcheck", p == "/clusterStatus", p == "/metrics":
		return p
	}
	return "other"
}

// authenticate requires the configured credentials on every endpoint but
// /healthcheck.
func (s *Server) authenticate(next http.Handler) http.Handler {
	if s.cfg.AuthToken == "" && s.cfg.BasicUser == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthcheck" || s.authorized(r) {
			next.ServeHTTP(w, r)
			return
		}
		if s.cfg.BasicUser != "" {
			w.Header().Set("WWW-Authenticate", `Basic realm="rql"`)
		} else {
			w.Header().Set("WWW-Authenticate", `Bearer realm="rql"`)
		}
		writeJSON(w, r, http.StatusUnauthorized, genericError(codeUnauthorized, "Unauthorized"))
	})
}

func (s *Server) authorized(r *http.Request) bool {
	if s.cfg.AuthToken != "" {
		h := r.Header.Get("Authorization")
		if tok, ok := strings.CutPrefix(h, "Bearer "); ok && equal(strings.TrimSpace(tok), s.cfg.AuthToken) {
			return true
		}
	}
	if s.cfg.BasicUser != "" {
		if u, p, ok := r.BasicAuth(); ok {
			// Evaluate both comparisons: no early exit on the user name.
			okU, okP := equal(u, s.cfg.BasicUser), equal(p, s.cfg.BasicPassword)
			return okU && okP
		}
	}
	return false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// statusWriter records the status written, and passes Flush through.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends buffered data to the client.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) code() int {
	if !w.wrote {
		return http.StatusOK
	}
	return w.status
}
