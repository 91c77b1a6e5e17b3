package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/rqlerr"
)

// Server is a running rql server: an engine, its command topic and the
// HTTP API. Create it with New, serve with Serve or ServeTLS, stop with
// Close.
type Server struct {
	cfg      Config
	eng      *engine.Engine
	log      *slog.Logger
	instance string            // this process's id in the command topic
	baseline map[string]string // the server's own properties
	cmds     *commandLog
	session  *engine.Session // INSERT VALUES and push queries
	metrics  *metrics
	started  time.Time

	// mu serializes the statements that change the engine's catalog or its
	// properties (execute, command-topic replay: they run under their
	// request's properties, set on the engine with SET / UNSET and restored
	// to baseline after) and the entities built from the catalog. Push and
	// pull queries, PRINT and INSERT VALUES do not take it: they run under
	// their request's properties through engine.Session.RunWith, which
	// neither reads nor changes the engine's, so a running query (or a pull
	// query computing its answer) never delays a statement, nor a
	// statement a query.
	mu sync.Mutex

	statusMu sync.Mutex
	statuses map[string]commandStatus // command id → last status

	pushMu sync.Mutex
	pushes map[string]context.CancelFunc // running push queries by id

	ctx      context.Context // ends at Close: cancels follow and push queries
	cancel   context.CancelFunc
	followed chan struct{} // closed when follow returns
	httpMu   sync.Mutex
	https    []*http.Server
	closed   atomic.Bool
}

// commandStatus is what GET /status/{commandId} answers.
type commandStatus struct {
	Status  string `json:"status"`
	Message string `json:"message"`
	QueryID string `json:"queryId,omitempty"`
}

// New starts the engine, opens the command topic and replays it (the
// catalog and persistent queries are back when New returns), then keeps
// following it. ctx bounds the start.
func New(ctx context.Context, cfg Config) (*Server, error) {
	lg := cfg.Logger
	if lg == nil {
		lg = cfg.Engine.Logger
	}
	if lg == nil {
		lg = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Engine.Logger == nil {
		cfg.Engine.Logger = lg
	}
	if cfg.Engine.ServiceID == "" {
		cfg.Engine.ServiceID = "rql"
	}
	if cfg.Engine.Endpoint == "" {
		cfg.Engine.Endpoint = strings.TrimRight(cfg.AdvertisedListener, "/")
	}
	if cfg.Engine.Remote == nil {
		cfg.Engine.Remote = newPullForwarder(&cfg) // pull_route.go
	}
	eng, err := engine.New(ctx, cfg.Engine)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, eng: eng, log: lg, instance: randomID(8), baseline: map[string]string{},
		started: time.Now(), statuses: map[string]commandStatus{}, pushes: map[string]context.CancelFunc{},
		followed: make(chan struct{})}
	for k, v := range cfg.Engine.Properties {
		s.baseline[k] = v
	}
	s.metrics = newMetrics(s)
	s.session = eng.NewSession()
	opts := []kafka.Opt{kafka.BootstrapServers(eng.Bootstrap()), kafka.ClientID("rql-server-" + cfg.Engine.ServiceID),
		kafka.Property("log_level", "3"), kafka.Properties(cfg.Engine.KafkaProps)}
	s.cmds, err = openCommandLog(ctx, eng.Admin(), commandTopic(cfg.Engine.ServiceID), lg, opts)
	if err != nil {
		_ = eng.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	go func() {
		defer close(s.followed)
		s.cmds.follow(s.ctx, s.applyCommand)
	}()
	// Replay: everything before our own marker is applied when it comes back.
	off, err := s.cmds.append(ctx, command{Origin: s.instance, Marker: true})
	if err == nil && off < 0 {
		err = rqlerr.New(rqlerr.KafkaRetriable, "replaying the command topic %s did not finish: %v", s.cmds.topic, ctx.Err())
	}
	if err != nil {
		s.shutdown(context.WithoutCancel(ctx))
		return nil, err
	}
	lg.Info("command topic replayed", "topic", s.cmds.topic, "commands", off, "queries", len(eng.Queries()))
	return s, nil
}

// Engine returns the server's engine.
func (s *Server) Engine() *engine.Engine { return s.eng }

// CommandTopic returns the name of the server's command topic.
func (s *Server) CommandTopic() string { return s.cmds.topic }

// Serve answers HTTP/1.1 and cleartext HTTP/2 (prior knowledge) requests
// on ln until Close. It returns http.ErrServerClosed after Close.
func (s *Server) Serve(ln net.Listener) error {
	return s.newHTTPServer().Serve(ln)
}

// ServeTLS is Serve over TLS with the certificate and key files (HTTP/2
// negotiated through ALPN).
func (s *Server) ServeTLS(ln net.Listener, certFile, keyFile string) error {
	return s.newHTTPServer().ServeTLS(ln, certFile, keyFile)
}

func (s *Server) newHTTPServer() *http.Server {
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetHTTP2(true)
	p.SetUnencryptedHTTP2(true)
	hs := &http.Server{Handler: s.Handler(), Protocols: p, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return s.ctx },
		ErrorLog:    slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	s.httpMu.Lock()
	s.https = append(s.https, hs)
	s.httpMu.Unlock()
	return hs
}

// Close stops serving (ending push queries), stops following the command
// topic and closes the engine, which commits and stops every persistent
// query. It may be called more than once.
func (s *Server) Close(ctx context.Context) error {
	if s.closed.Swap(true) {
		return nil
	}
	s.cancel() // ends push queries and follow
	s.httpMu.Lock()
	hs := s.https
	s.httpMu.Unlock()
	for _, h := range hs {
		if err := h.Shutdown(ctx); err != nil && !errors.Is(err, context.Canceled) {
			_ = h.Close()
		}
	}
	return s.shutdown(ctx)
}

// shutdown stops follow and releases the command log and the engine.
func (s *Server) shutdown(ctx context.Context) error {
	if s.cancel != nil {
		s.cancel()
		<-s.followed
	}
	if s.cmds != nil {
		s.cmds.close(ctx)
	}
	s.session.Close(ctx)
	s.mu.Lock() // wait for a statement in flight
	defer s.mu.Unlock()
	return s.eng.Close(ctx)
}

func (s *Server) setStatus(id string, st commandStatus) {
	if id == "" {
		return
	}
	s.statusMu.Lock()
	s.statuses[id] = st
	s.statusMu.Unlock()
}

func (s *Server) status(id string) (commandStatus, bool) {
	s.statusMu.Lock()
	defer s.statusMu.Unlock()
	st, ok := s.statuses[id]
	return st, ok
}
