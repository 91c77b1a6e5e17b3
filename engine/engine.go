package engine

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/kafka/devbroker"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/udf"
)

// Options configure an Engine.
type Options struct {
	// Bootstrap is the Kafka cluster ("host:port,..."). Empty starts the
	// embedded dev broker (kafka/devbroker) with its data in
	// StateDir/broker; Engine.Bootstrap returns its address.
	Bootstrap string
	// KafkaProps are librdkafka properties passed to every client (SASL,
	// TLS, tuning); "producer.", "consumer." and "admin." prefixed keys
	// apply to one kind of client (see kafka.Property).
	KafkaProps map[string]string
	// StateDir is where the engine keeps its member id and lock (and the
	// embedded broker's data), overriding the default ".rql-state".
	StateDir string
	// ServiceID names the engine's consumer groups, internal topics and
	// processing log, overriding the default "rql". Engines with the same
	// service id (and distinct state dirs) share the work of each query.
	ServiceID string
	// Registry holds the functions (nil: udf.Builtins()).
	Registry *udf.Registry
	// Properties are the initial session properties (SET overrides them):
	// processing.guarantee, commit.interval.ms, auto.offset.reset, and the
	// properties operators read.
	Properties map[string]string
	// Logger receives processing-log entries and query lifecycle events
	// (nil: discarded).
	Logger *slog.Logger
	// Endpoint is the URL at which the other members of the service reach
	// this engine's server ("http://host:port"; empty: none). It is
	// advertised in the client.id of the queries' consumer-group members,
	// "rql-<service-id>@<endpoint>", so that a member routes a pull query
	// to the member owning the partitions it needs (pull_route.go).
	Endpoint string
	// Remote runs pull queries on the other members of the service (the
	// server's forwarder); nil: a pull query that needs a partition owned
	// by another member fails (rqlerr.StateUnavailable).
	Remote PullRemote
}

// Result is what one statement did (the driver's type, so that callers
// render engine and driver results alike).
type Result = driver.Result

// Engine executes statements against a Kafka cluster and runs persistent
// queries until Close. Execute, Terminate and Close may be called from any
// goroutine; they are serialized.
type Engine struct {
	opts      Options
	reg       *udf.Registry
	log       *slog.Logger
	bootstrap string
	broker    *devbroker.Broker // embedded, nil with Options.Bootstrap
	member    string            // stable member id from the state dir
	unlock    func()
	admin     *kafka.Admin
	plog      *procLog

	mu      sync.Mutex // serializes statements and query changes
	cat     *planner.Catalog
	vars    map[string]string
	queries map[string]*query
	order   []string       // query ids in start order
	parts   map[string]int // topic → partition count, learned from the cluster
	closed  bool
}

// New starts an engine: it locks and reads StateDir, starts the embedded
// dev broker when Options.Bootstrap is empty, connects an admin client and
// creates the processing-log topic when missing.
func New(ctx context.Context, o Options) (*Engine, error) {
	if o.StateDir == "" {
		o.StateDir = ".rql-state"
	}
	if o.ServiceID == "" {
		o.ServiceID = "rql"
	}
	if o.Registry == nil {
		o.Registry = udf.Builtins()
	}
	lg := o.Logger
	if lg == nil {
		lg = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	e := &Engine{opts: o, reg: o.Registry, log: lg, cat: planner.NewCatalog(o.Properties),
		vars: map[string]string{}, queries: map[string]*query{}, parts: map[string]int{}}
	dir := filepath.Join(o.StateDir, o.ServiceID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, rqlerr.Wrap(rqlerr.KafkaConfig, err, "creating state directory %s", dir)
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	e.unlock = unlock
	if e.member, err = memberID(dir); err != nil {
		e.unlock()
		return nil, err
	}
	e.bootstrap = o.Bootstrap
	if e.bootstrap == "" {
		b, err := devbroker.Start(devbroker.Config{DataDir: filepath.Join(o.StateDir, "broker")})
		if err != nil {
			e.unlock()
			return nil, err
		}
		e.broker, e.bootstrap = b, b.Addr()
	}
	if e.admin, err = kafka.NewAdmin(e.clientOpts()...); err != nil {
		e.shutdown()
		return nil, err
	}
	if e.plog, err = newProcLog(ctx, e); err != nil {
		e.shutdown()
		return nil, err
	}
	return e, nil
}

// clientOpts are the options every Kafka client of the engine starts from.
func (e *Engine) clientOpts() []kafka.Opt {
	return []kafka.Opt{kafka.BootstrapServers(e.bootstrap), kafka.ClientID("rql-" + e.opts.ServiceID),
		kafka.Property("log_level", "3"), kafka.Properties(e.opts.KafkaProps)}
}

// Bootstrap returns the bootstrap servers the engine uses (the embedded
// broker's address when it started one).
func (e *Engine) Bootstrap() string { return e.bootstrap }

// ServiceID returns the engine's service id.
func (e *Engine) ServiceID() string { return e.opts.ServiceID }

// Catalog returns the engine's catalog. It must not be modified, and must
// be read only while no statement runs.
func (e *Engine) Catalog() *planner.Catalog { return e.cat }

// Registry returns the engine's function registry.
func (e *Engine) Registry() *udf.Registry { return e.reg }

// Admin returns the engine's admin client (topics), shared; callers must
// not close it.
func (e *Engine) Admin() *kafka.Admin { return e.admin }

// ProcessingLogTopic returns the name of the processing-log topic,
// "<service-id>-processing-log".
func (e *Engine) ProcessingLogTopic() string { return e.opts.ServiceID + "-processing-log" }

// Close stops every persistent query gracefully — each member commits its
// open cycle, closes its tasks and leaves its group — then releases the
// clients, the embedded broker and the state-dir lock. ctx bounds the
// commits. It may be called more than once.
func (e *Engine) Close(ctx context.Context) error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	qs := make([]*query, 0, len(e.order))
	for _, id := range e.order {
		qs = append(qs, e.queries[id])
	}
	e.mu.Unlock()
	var first error
	var wg sync.WaitGroup
	var emu sync.Mutex
	for _, q := range qs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := q.stop(ctx); err != nil {
				emu.Lock()
				if first == nil {
					first = err
				}
				emu.Unlock()
			}
		}()
	}
	wg.Wait()
	e.shutdown()
	return first
}

// shutdown releases what New acquired.
func (e *Engine) shutdown() {
	if e.plog != nil {
		e.plog.close()
	}
	if e.admin != nil {
		e.admin.Close()
	}
	if e.broker != nil {
		e.broker.Close()
	}
	if e.unlock != nil {
		e.unlock()
	}
}

// DefaultGCPercent is the Go GC target `rql run` sets when the GOGC
// environment variable is unset: the stateless path allocates per record
// (deserialized values), and a GC every 100 % of heap growth costs a
// quarter of its CPU; 400 trades some memory (peak heap ≈ 5× the live
// heap, tens of MB per query) for throughput.
const DefaultGCPercent = 400
