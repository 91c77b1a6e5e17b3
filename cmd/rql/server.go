package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/server"
	"github.com/spf13/cobra"
)

// serverFlags are the flags of `rql server`.
type serverFlags struct {
	listen     string
	advertised string
	bootstrap  string
	stateDir   string
	serviceID  string
	properties map[string]string
	kafkaProps map[string]string
	authToken  string
	basicAuth  string
	tlsCert    string
	tlsKey     string
	maxBody    int64
	logLevel   string
}

func newServerCmd() *cobra.Command {
	var f serverFlags
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Run persistent queries behind a ksqlDB-compatible REST API",
		Long: `rql server runs an engine and answers ksqlDB's REST API (POST /ksql,
/query-stream, /query, /close-query, /inserts-stream; GET /info, /healthcheck,
/clusterStatus, /status/{commandId}; and Prometheus metrics at /metrics) over
HTTP/1.1 and cleartext HTTP/2, or TLS with --tls-cert and --tls-key.

The catalog (streams, tables, types, functions, persistent queries) is kept in
the command topic _<service-id>_command_topic and replayed at start: a
restarted server has its streams and queries back and resumes them from their
committed offsets. Servers with the same --service-id (and distinct
--state-dir) share the catalog and split each query's partitions.

With --auth-token or --basic-auth, every endpoint but /healthcheck requires
the credentials. Stop with SIGTERM or SIGINT: queries commit and stop.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServer(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "127.0.0.1:8088", "address to serve the REST API on")
	fl.StringVar(&f.advertised, "advertised-listener", "", "URL the other servers of the service reach this one at, for routing pull queries (default: --listen's address, the host name when it listens on all interfaces)")
	fl.StringVar(&f.bootstrap, "bootstrap-servers", "", "Kafka bootstrap servers (default: the embedded dev broker)")
	fl.StringVar(&f.stateDir, "state-dir", ".rql-state", "directory for the engine's member id, lock and embedded broker data")
	fl.StringVar(&f.serviceID, "service-id", "rql", "names the command topic, consumer groups, internal topics and processing log")
	fl.StringToStringVar(&f.properties, "property", nil, "a server property name=value, e.g. auto.offset.reset=earliest (repeatable)")
	fl.StringToStringVar(&f.kafkaProps, "kafka-property", nil, "a librdkafka property name=value, e.g. security.protocol=SASL_SSL (repeatable)")
	fl.StringVar(&f.authToken, "auth-token", "", "require 'Authorization: Bearer <token>' on every endpoint but /healthcheck (default $RQL_AUTH_TOKEN)")
	fl.StringVar(&f.basicAuth, "basic-auth", "", "require HTTP basic credentials user:pass on every endpoint but /healthcheck (default $RQL_BASIC_AUTH)")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "serve TLS with this certificate file (PEM)")
	fl.StringVar(&f.tlsKey, "tls-key", "", "the TLS private key file (PEM)")
	fl.Int64Var(&f.maxBody, "max-body-bytes", server.DefaultMaxBodyBytes, "largest request body accepted (413 above)")
	fl.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	return cmd
}

// runServer is `rql server`.
func runServer(ctx context.Context, out, errOut io.Writer, f serverFlags) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.logLevel)); err != nil {
		return fmt.Errorf("invalid --log-level %q", f.logLevel)
	}
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	if f.authToken == "" {
		f.authToken = os.Getenv("RQL_AUTH_TOKEN")
	}
	if f.basicAuth == "" {
		f.basicAuth = os.Getenv("RQL_BASIC_AUTH")
	}
	var user, pass string
	if f.basicAuth != "" {
		var ok bool
		if user, pass, ok = strings.Cut(f.basicAuth, ":"); !ok || user == "" {
			return errors.New("--basic-auth must be user:password")
		}
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(engine.DefaultGCPercent)
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	lg := slog.New(slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: level}))
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return err
	}
	defer ln.Close()
	scheme := "http"
	if f.tlsCert != "" {
		scheme = "https"
	}
	if f.advertised == "" {
		f.advertised = advertisedURL(scheme, ln.Addr())
	}
	startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	srv, err := server.New(startCtx, server.Config{
		Engine: engine.Options{Bootstrap: f.bootstrap, KafkaProps: f.kafkaProps, StateDir: f.stateDir,
			ServiceID: f.serviceID, Properties: f.properties, Logger: lg},
		AdvertisedListener: f.advertised,
		AuthToken:          f.authToken, BasicUser: user, BasicPassword: pass, MaxBodyBytes: f.maxBody,
		Version: version, Logger: lg})
	cancel()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "rql server: listening on %s://%s (service id %s, Kafka %s, command topic %s, %d persistent queries)\n",
		scheme, ln.Addr(), f.serviceID, srv.Engine().Bootstrap(), srv.CommandTopic(), len(srv.Engine().Queries()))
	errc := make(chan error, 1)
	go func() {
		if f.tlsCert != "" {
			errc <- srv.ServeTLS(ln, f.tlsCert, f.tlsKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
		if errors.Is(serveErr, http.ErrServerClosed) {
			serveErr = nil
		}
	}
	fmt.Fprintln(out, "rql server: stopping (committing and closing every query)")
	cctx, ccancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer ccancel()
	if err := srv.Close(cctx); err != nil && serveErr == nil {
		serveErr = err
	}
	return serveErr
}

// advertisedURL is the default --advertised-listener: the listening
// address, with the host name in place of an unspecified IP (0.0.0.0, ::).
func advertisedURL(scheme string, addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return scheme + "://" + addr.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if h, err := os.Hostname(); err == nil && h != "" {
			host = h
		}
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}
