// Package devbroker runs rql's embedded development broker: franz-go's
// kfake, a Kafka-protocol broker in Go listening on loopback, which any
// Kafka client (librdkafka, kcat, franz-go, the Java client) can use. rql
// starts one in process when no --bootstrap-servers is given, and `rql
// dev-broker` runs one alone. With a DataDir its topics, offsets and
// transactions survive a restart. Tests reach the underlying
// *kfake.Cluster (Cluster) for fault injection.
//
// It is a development and test broker: no replication, no quotas, data on
// one machine. Use a real cluster for anything else.
package devbroker

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/rql/rql/rqlerr"
	"github.com/twmb/franz-go/pkg/kfake"
)

// Config configures a dev broker. The zero Config is one broker on a
// random loopback port, data in memory, topics auto-created with one
// partition.
type Config struct {
	// Brokers is the number of brokers, overriding the default 1.
	Brokers int
	// Listen is "host:port" of the first broker; broker i listens on
	// port+i. The default "127.0.0.1:0" picks free ports. The host is
	// also the address advertised to clients.
	Listen string
	// DataDir, when set, keeps the cluster's data there and reloads it on
	// the next start (kfake.DataDir). Only one broker may use a directory
	// at a time.
	DataDir string
	// SyncWrites fsyncs every produced batch (kfake.SyncWrites). Without
	// it a machine crash (not a process crash) can lose recent batches.
	SyncWrites bool
	// Partitions is the partition count of auto-created topics and of
	// CreateTopics requests with no count, overriding the default 1
	// (Kafka's num.partitions).
	Partitions int
	// NoAutoCreateTopics refuses to create topics that clients ask
	// metadata for; by default they are created (Kafka's
	// auto.create.topics.enable=true).
	NoAutoCreateTopics bool
	// Extra is passed to kfake.NewCluster after the options above
	// (tests: kfake.SeedTopics, kfake.EnableSASL, ...).
	Extra []kfake.Opt
}

// Broker is a running dev broker.
type Broker struct {
	c    *kfake.Cluster
	addr string
}

// Start starts a dev broker; it serves until Close.
func Start(cfg Config) (*Broker, error) {
	opts, err := cfg.options()
	if err != nil {
		return nil, err
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, &rqlerr.Error{Code: rqlerr.KafkaConfig, Domain: rqlerr.External,
			Msg: "starting the dev broker: " + err.Error(), Err: err}
	}
	return &Broker{c: c, addr: strings.Join(c.ListenAddrs(), ",")}, nil
}

// options validates cfg and turns it into kfake options.
func (cfg Config) options() ([]kfake.Opt, error) {
	n := cfg.Brokers
	if n == 0 {
		n = 1
	}
	parts := cfg.Partitions
	if parts == 0 {
		parts = 1
	}
	listen := cfg.Listen
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	host, portStr, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, rqlerr.Wrap(rqlerr.KafkaConfig, err, "dev broker listen address %q", listen)
	}
	port, err := strconv.Atoi(portStr)
	switch {
	case err != nil || port < 0 || port+n-1 > 65535:
		return nil, rqlerr.New(rqlerr.KafkaConfig, "dev broker listen address %q: invalid port", listen)
	case n < 1 || n > 64:
		return nil, rqlerr.New(rqlerr.KafkaConfig, "dev broker: brokers must be in 1..64, got %d", n)
	case parts < 1:
		return nil, rqlerr.New(rqlerr.KafkaConfig, "dev broker: partitions must be positive, got %d", parts)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	opts := []kfake.Opt{kfake.NumBrokers(n), kfake.DefaultNumPartitions(parts)}
	if port > 0 {
		ports := make([]int, n)
		for i := range ports {
			ports[i] = port + i
		}
		opts = append(opts, kfake.Ports(ports...))
	}
	if host != "127.0.0.1" {
		// kfake listens on 127.0.0.1:port; swap in the host asked for.
		opts = append(opts, kfake.ListenFn(func(network, addr string) (net.Listener, error) {
			_, p, _ := net.SplitHostPort(addr)
			return net.Listen(network, net.JoinHostPort(host, p))
		}))
	}
	if !cfg.NoAutoCreateTopics {
		opts = append(opts, kfake.AllowAutoTopicCreation())
	}
	if cfg.DataDir != "" {
		opts = append(opts, kfake.DataDir(cfg.DataDir))
	}
	if cfg.SyncWrites {
		opts = append(opts, kfake.SyncWrites())
	}
	return append(opts, cfg.Extra...), nil
}

// Addr returns the bootstrap address: every broker's "host:port", comma
// separated (librdkafka's bootstrap.servers, kcat's -b).
func (b *Broker) Addr() string { return b.addr }

// Cluster returns the kfake cluster, for fault injection in tests
// (Fault, Control, MoveTopicPartition, ...).
func (b *Broker) Cluster() *kfake.Cluster { return b.c }

// Close stops the broker, writing its state to DataDir when set. It may be
// called more than once.
func (b *Broker) Close() { b.c.Close() }

// Options configures Run.
type Options struct {
	Brokers int       // see Config.Brokers
	Listen  string    // see Config.Listen
	DataDir string    // see Config.DataDir
	Out     io.Writer // where the bootstrap address is printed; nil discards
}

// Run starts a dev broker, prints "bootstrap servers: <addr>" on a line of
// its own to Out, and serves until ctx is cancelled; then it closes the
// broker (saving DataDir) and returns nil. It is `rql dev-broker`.
func Run(ctx context.Context, o Options) error {
	b, err := Start(Config{Brokers: o.Brokers, Listen: o.Listen, DataDir: o.DataDir})
	if err != nil {
		return err
	}
	defer b.Close()
	if o.Out != nil {
		fmt.Fprintf(o.Out, "bootstrap servers: %s\n", b.Addr())
	}
	<-ctx.Done()
	return nil
}
