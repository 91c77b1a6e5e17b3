package server

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (no global state): HTTP requests, statements, command-topic commands,
// push queries, and — read from the engine at every scrape — each
// persistent query's records in and out, commits, aborts,
// processing-log entries, tasks and state; rates, lag, commit latency,
// restore progress and enrichment counters (metrics_runtime.go).
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	statements *prometheus.CounterVec
	commands   *prometheus.CounterVec
	pushActive prometheus.Gauge
	pushTotal  prometheus.Counter
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rql_http_requests_total",
		Help: "HTTP requests served, by endpoint and status code."}, []string{"endpoint", "code"})
	m.statements = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rql_statements_total",
		Help: "Statements executed through /ksql, by outcome (success, error)."}, []string{"outcome"})
	m.commands = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rql_commands_applied_total",
		Help: "Commands of other servers applied from the command topic, by outcome."}, []string{"outcome"})
	m.pushActive = prometheus.NewGauge(prometheus.GaugeOpts{Name: "rql_push_queries_active",
		Help: "Push queries streaming now."})
	m.pushTotal = prometheus.NewCounter(prometheus.CounterOpts{Name: "rql_push_queries_total",
		Help: "Push queries started."})
	m.reg.MustRegister(m.requests, m.statements, m.commands, m.pushActive, m.pushTotal,
		&queryCollector{s: s}, &runtimeCollector{s: s}, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

func (m *metrics) request(endpoint string, code int) {
	m.requests.WithLabelValues(endpoint, strconv.Itoa(code)).Inc()
}

func outcome(ok bool) string {
	if ok {
		return "success"
	}
	return "error"
}

func (m *metrics) statement(ok bool)      { m.statements.WithLabelValues(outcome(ok)).Inc() }
func (m *metrics) commandApplied(ok bool) { m.commands.WithLabelValues(outcome(ok)).Inc() }
func (m *metrics) pushStarted()           { m.pushActive.Inc(); m.pushTotal.Inc() }
func (m *metrics) pushEnded()             { m.pushActive.Dec() }

// queryCollector reads the engine's query statuses at scrape time.
type queryCollector struct{ s *Server }

var (
	descConsumed = prometheus.NewDesc("rql_query_records_consumed_total",
		"Records consumed by this server's member of a persistent query.", []string{"query"}, nil)
	descProduced = prometheus.NewDesc("rql_query_records_produced_total",
		"Records produced by this server's member of a persistent query.", []string{"query"}, nil)
	descCommitted = prometheus.NewDesc("rql_query_commits_total",
		"Commit cycles (transactions under exactly-once) committed.", []string{"query"}, nil)
	descAborted = prometheus.NewDesc("rql_query_aborts_total",
		"Commit cycles aborted (records delivered again).", []string{"query"}, nil)
	descCommittedRecs = prometheus.NewDesc("rql_query_committed_records_total",
		"Records consumed by committed cycles.", []string{"query"}, nil)
	descProcLog = prometheus.NewDesc("rql_query_processing_log_entries_total",
		"Records sent to the processing log (could not be read or evaluated).", []string{"query"}, nil)
	descTasks = prometheus.NewDesc("rql_query_tasks",
		"Input partitions this server's member of a query owns.", []string{"query"}, nil)
	descState = prometheus.NewDesc("rql_query_state",
		"1 for the query's current state (RUNNING, RESTORING, ERROR, STOPPED).", []string{"query", "state"}, nil)
	descCommandOffset = prometheus.NewDesc("rql_command_topic_offset",
		"Offset of the last command-topic record this server handled.", nil, nil)
)

// Describe sends the descriptors.
func (c *queryCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descConsumed, descProduced, descCommitted, descAborted, descCommittedRecs,
		descProcLog, descTasks, descState, descCommandOffset} {
		ch <- d
	}
}

// Collect sends the current values.
func (c *queryCollector) Collect(ch chan<- prometheus.Metric) {
	for _, q := range c.s.eng.Queries() {
		counter := func(d *prometheus.Desc, v int64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), q.ID)
		}
		counter(descConsumed, q.Consumed)
		counter(descProduced, q.Produced)
		counter(descCommitted, q.Committed)
		counter(descAborted, q.Aborted)
		counter(descCommittedRecs, q.CommittedRecords)
		counter(descProcLog, q.ProcessingErrors)
		ch <- prometheus.MustNewConstMetric(descTasks, prometheus.GaugeValue, float64(len(q.Tasks)), q.ID)
		ch <- prometheus.MustNewConstMetric(descState, prometheus.GaugeValue, 1, q.ID, string(q.State))
	}
	if c.s.cmds != nil {
		ch <- prometheus.MustNewConstMetric(descCommandOffset, prometheus.GaugeValue, float64(c.s.cmds.position()))
	}
}
