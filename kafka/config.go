package kafka

import (
	"context"
	"sort"
	"strings"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rql/rql/rqlerr"
)

// Opt configures a client (Admin, Producer, Reader or TxnSession). Options
// apply in order: for librdkafka properties a later option overrides an
// earlier one (so `--bootstrap-servers` given after a properties file wins).
// Options a client does not use are ignored by it. Every client checks its
// configuration once, in validate, when it is built.
type Opt func(*cfg)

// Guarantee is a session's processing guarantee.
type Guarantee uint8

const (
	// ExactlyOnceV2 runs consume → produce in transactions (KIP-447): the
	// outputs and the consumed offsets commit atomically. The default.
	ExactlyOnceV2 Guarantee = iota
	// AtLeastOnce produces without transactions and commits consumed
	// offsets after every produced record is acknowledged; a crash may
	// emit records twice but never loses one.
	AtLeastOnce
)

// String returns ksqlDB's name of g ("exactly_once_v2", "at_least_once").
func (g Guarantee) String() string {
	if g == AtLeastOnce {
		return "at_least_once"
	}
	return "exactly_once_v2"
}

// ParseGuarantee parses ksqlDB's processing.guarantee values
// ("exactly_once_v2", "exactly_once" (an alias), "at_least_once").
func ParseGuarantee(s string) (Guarantee, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "exactly_once_v2", "exactly_once":
		return ExactlyOnceV2, nil
	case "at_least_once":
		return AtLeastOnce, nil
	}
	return 0, rqlerr.New(rqlerr.KafkaConfig,
		"invalid processing.guarantee %q: want exactly_once_v2 or at_least_once", s)
}

// client kinds, used to pick the properties that apply to a client.
type kind uint8

const (
	kindAdmin kind = iota
	kindProducer
	kindConsumer
)

// prefixes restrict a pass-through property to one kind of client, as
// Kafka Streams does ("producer.linger.ms", "consumer.fetch.min.bytes").
var kindPrefix = map[kind]string{
	kindAdmin:    "admin.",
	kindProducer: "producer.",
	kindConsumer: "consumer.",
}

// Defaults. Each is documented on the option that overrides it.
const (
	defaultClientID       = "rql"
	defaultPollWait       = 100 * time.Millisecond
	defaultMaxPollRecords = 1000
	defaultRequestTimeout = 30 * time.Second
	defaultTxnTimeout     = 10 * time.Second
	defaultFetchBackoffMs = "10"
	defaultOffsetReset    = "latest"
)

type cfg struct {
	props    map[string]string // pass-through, in the order options set them
	errs     []error           // from options (e.g. an unreadable properties file)
	group    string
	topics   []string
	g        Guarantee
	txnID    string
	instance string
	txnTO    time.Duration
	reqTO    time.Duration
	pollWait time.Duration
	maxPoll  int
	fromBeg  bool
	startAt  map[int32]int64

	logf       func(level int, tag, msg string)
	onAssigned func(ctx context.Context, parts []TopicPartition)
	onRevoked  func(ctx context.Context, parts []TopicPartition, lost bool)
}

func newCfg(opts []Opt) *cfg {
	c := &cfg{
		props:    map[string]string{},
		txnTO:    defaultTxnTimeout,
		reqTO:    defaultRequestTimeout,
		pollWait: defaultPollWait,
		maxPoll:  defaultMaxPollRecords,
	}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	return c
}

// BootstrapServers sets the brokers to connect to first ("host:port"),
// librdkafka's bootstrap.servers. Required: there is no default.
func BootstrapServers(addrs ...string) Opt {
	return func(c *cfg) { c.props["bootstrap.servers"] = strings.Join(addrs, ",") }
}

// ClientID sets client.id, overriding the default "rql".
func ClientID(id string) Opt {
	return func(c *cfg) { c.props["client.id"] = id }
}

// Property passes a librdkafka property through unchanged (SASL, TLS,
// tuning: see librdkafka's CONFIGURATION.md). A key prefixed "producer.",
// "consumer." or "admin." applies only to that kind of client, with the
// prefix removed. Properties rql relies on for correctness (see
// reservedProps) may not be set this way; validate rejects them.
func Property(key, value string) Opt {
	return func(c *cfg) { c.props[strings.TrimSpace(key)] = value }
}

// Properties passes several properties through, as Property does.
func Properties(kv map[string]string) Opt {
	return func(c *cfg) {
		keys := make([]string, 0, len(kv))
		for k := range kv {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			c.props[strings.TrimSpace(k)] = kv[k]
		}
	}
}

// PropertiesFile reads librdkafka properties from a Java .properties file
// (key=value or key: value lines, # and ! comments, backslash line
// continuations) and passes them through as Property does. A missing or
// malformed file is reported by validate.
func PropertiesFile(path string) Opt {
	return func(c *cfg) {
		kv, err := readPropertiesFile(path)
		if err != nil {
			c.errs = append(c.errs, err)
			return
		}
		for _, p := range kv {
			c.props[p[0]] = p[1]
		}
	}
}

// Group sets the consumer group of a session (one group per persistent
// query). Required for NewSession.
func Group(id string) Opt { return func(c *cfg) { c.group = id } }

// Topics sets the topics a session subscribes to. Required for NewSession.
func Topics(topics ...string) Opt {
	return func(c *cfg) { c.topics = append(c.topics, topics...) }
}

// OffsetReset sets where a session starts on a partition with no committed
// offset: "earliest" or "latest" (librdkafka's auto.offset.reset, which
// the property of that name also sets), overriding the default "latest"
// (ksqlDB's default).
func OffsetReset(policy string) Opt {
	return Property("consumer.auto.offset.reset", strings.ToLower(strings.TrimSpace(policy)))
}

// ProcessingGuarantee sets a session's guarantee, overriding the default
// ExactlyOnceV2.
func ProcessingGuarantee(g Guarantee) Opt { return func(c *cfg) { c.g = g } }

// TransactionalID sets the transactional.id of a session's producer,
// overriding the default "<group>-<random>". Under exactly-once it must be
// unique among the live members of the group and should be stable across
// restarts of one member: a restarted producer with the same id aborts the
// transaction its predecessor left open at once, where a new id leaves it
// open (blocking read_committed readers) until TransactionTimeout.
func TransactionalID(id string) Opt { return func(c *cfg) { c.txnID = id } }

// InstanceID sets the consumer's group.instance.id (static membership,
// KIP-345), overriding the default of none. A member restarted with the
// same id takes its partitions back at once, without waiting for the
// group to notice the old member's death (session.timeout.ms, 45s by
// default); it must be unique among the live members.
func InstanceID(id string) Opt { return func(c *cfg) { c.instance = id } }

// TransactionTimeout sets transaction.timeout.ms, overriding the default
// 10s (Kafka Streams' default under exactly-once): how long the broker lets
// a transaction of a dead producer stay open.
func TransactionTimeout(d time.Duration) Opt { return func(c *cfg) { c.txnTO = d } }

// RequestTimeout bounds admin requests and transaction operations whose
// ctx has no deadline, overriding the default 30s.
func RequestTimeout(d time.Duration) Opt { return func(c *cfg) { c.reqTO = d } }

// PollWait sets how long Poll waits for records before returning an empty
// Fetch, overriding the default 100ms, so that a caller's commit interval
// runs even when no data arrives.
func PollWait(d time.Duration) Opt { return func(c *cfg) { c.pollWait = d } }

// MaxPollRecords bounds the records one Poll returns, overriding the
// default 1000.
func MaxPollRecords(n int) Opt { return func(c *cfg) { c.maxPoll = n } }

// FromBeginning makes a Reader start at the earliest offset of each
// partition rather than the default, the end (PRINT ... FROM BEGINNING).
func FromBeginning() Opt { return func(c *cfg) { c.fromBeg = true } }

// StartOffsets makes a Reader start each partition in offsets at the
// given offset (a checkpoint); the other partitions start as FromBeginning
// or the default say. An offset outside the partition's range is reset as
// auto.offset.reset says (latest unless set).
func StartOffsets(offsets map[int32]int64) Opt { return func(c *cfg) { c.startAt = offsets } }

// OnAssigned sets a callback run when the group assigns partitions to the
// session, before any of their records is returned, on the goroutine
// calling Poll (create tasks here). The default does nothing.
func OnAssigned(fn func(ctx context.Context, parts []TopicPartition)) Opt {
	return func(c *cfg) { c.onAssigned = fn }
}

// OnRevoked sets a callback run when partitions are taken from the session
// (lost is true when they were lost, e.g. after a session timeout), on the
// goroutine calling Poll, before the session gives them up (close tasks
// here). The default does nothing. See TxnSession for what happens to an
// open transaction.
func OnRevoked(fn func(ctx context.Context, parts []TopicPartition, lost bool)) Opt {
	return func(c *cfg) { c.onRevoked = fn }
}

// LogFunc routes librdkafka's log lines (syslog levels: 3 error, 4
// warning, 6 info, 7 debug; tag e.g. "FAIL", "TXNERR") to fn, called from
// a goroutine of the client, overriding the default of printing them to
// stderr. The property log_level (default 6) filters them first.
func LogFunc(fn func(level int, tag, msg string)) Opt { return func(c *cfg) { c.logf = fn } }

// reservedProps are properties the clients set themselves: a session's
// correctness depends on them, so they cannot be passed through.
var reservedProps = map[kind]map[string]bool{
	kindConsumer: {"group.id": true, "enable.auto.commit": true, "isolation.level": true,
		"enable.auto.offset.store": true, "go.application.rebalance.enable": true,
		"group.instance.id":        true,
		"go.events.channel.enable": true},
	kindProducer: {"transactional.id": true, "go.delivery.reports": true},
}

// validate checks c once for a client of kind k and returns the
// librdkafka configuration: defaults, then the pass-through properties
// (unprefixed and those prefixed for k), then the client's own settings.
func (c *cfg) validate(k kind) (ck.ConfigMap, error) {
	if len(c.errs) > 0 {
		return nil, c.errs[0]
	}
	m := ck.ConfigMap{
		"client.id":           defaultClientID,
		"enable.metrics.push": false,
	}
	switch k {
	case kindConsumer:
		m["fetch.queue.backoff.ms"] = defaultFetchBackoffMs
		m["enable.partition.eof"] = false
		m["auto.offset.reset"] = defaultOffsetReset
	case kindProducer:
		// librdkafka retries internally; idempotence keeps order and
		// avoids duplicates from those retries.
		m["enable.idempotence"] = true
	}
	pre := kindPrefix[k]
	for key, v := range c.props {
		name := key
		if p := prefixOf(key); p != "" {
			if p != pre {
				continue
			}
			name = strings.TrimPrefix(key, p)
		}
		if reservedProps[k][name] {
			return nil, rqlerr.New(rqlerr.KafkaConfig,
				"property %q is set by rql and cannot be overridden", name)
		}
		m[name] = v
	}
	if c.logf != nil {
		m["go.logs.channel.enable"] = true
	}
	if s, _ := m["bootstrap.servers"].(string); strings.TrimSpace(s) == "" {
		return nil, rqlerr.New(rqlerr.KafkaConfig, "no bootstrap servers: pass --bootstrap-servers or bootstrap.servers")
	}
	switch {
	case c.reqTO <= 0:
		return nil, rqlerr.New(rqlerr.KafkaConfig, "request timeout must be positive, got %s", c.reqTO)
	case c.pollWait <= 0:
		return nil, rqlerr.New(rqlerr.KafkaConfig, "poll wait must be positive, got %s", c.pollWait)
	case c.maxPoll <= 0:
		return nil, rqlerr.New(rqlerr.KafkaConfig, "max poll records must be positive, got %d", c.maxPoll)
	}
	return m, nil
}

// validateSession adds a session's checks to validate's.
func (c *cfg) validateSession() error {
	switch {
	case c.group == "":
		return rqlerr.New(rqlerr.KafkaConfig, "a session needs a consumer group")
	case len(c.topics) == 0:
		return rqlerr.New(rqlerr.KafkaConfig, "a session needs at least one topic")
	case c.g != ExactlyOnceV2 && c.g != AtLeastOnce:
		return rqlerr.New(rqlerr.KafkaConfig, "invalid processing guarantee %d", c.g)
	case c.g == ExactlyOnceV2 && c.txnTO < time.Second:
		return rqlerr.New(rqlerr.KafkaConfig, "transaction timeout must be at least 1s, got %s", c.txnTO)
	}
	return nil
}

func prefixOf(key string) string {
	for _, p := range kindPrefix {
		if strings.HasPrefix(key, p) {
			return p
		}
	}
	return ""
}

// opContext returns ctx bounded by the request timeout when it has no
// deadline: librdkafka's blocking calls read only the deadline of a context
// (none means wait forever), never its cancellation.
func (c *cfg) opContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, c.reqTO)
}

// timeoutMs converts ctx's remaining time (or the request timeout) to the
// millisecond timeouts of librdkafka's older calls.
func (c *cfg) timeoutMs(ctx context.Context) int {
	d := c.reqTO
	if dl, ok := ctx.Deadline(); ok {
		d = time.Until(dl)
	}
	if d < time.Millisecond {
		return 1
	}
	return int(d / time.Millisecond)
}

// startLogs forwards a client's log channel to LogFunc until the client
// closes it.
func (c *cfg) startLogs(ch chan ck.LogEvent) {
	if c.logf == nil || ch == nil {
		return
	}
	go func() {
		for ev := range ch {
			c.logf(ev.Level, ev.Tag, ev.Message)
		}
	}()
}
