package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/rql/rql/engine"
)

// runtimeCollector exports the runtime figures of engine.QueryStatus
// (engine/metrics.go) at scrape time: rates, consumer lag, commit latency,
// restore progress and the counters of every ENRICH USING ASYNC.
type runtimeCollector struct{ s *Server }

var (
	qLabels = []string{"query"}
	eLabels = []string{"query", "enrichment"}

	descInRate = prometheus.NewDesc("rql_query_records_in_per_second",
		"Records consumed per second (moving average over about 5 s).", qLabels, nil)
	descOutRate = prometheus.NewDesc("rql_query_records_out_per_second",
		"Records produced per second (moving average over about 5 s).", qLabels, nil)
	descLag = prometheus.NewDesc("rql_query_consumer_lag",
		"Records of an owned input partition not committed yet (end offset - committed offset).",
		[]string{"query", "partition"}, nil)
	descLagSum = prometheus.NewDesc("rql_query_consumer_lag_sum",
		"Consumer lag summed over the owned input partitions whose lag is known.", qLabels, nil)
	descCommitLatency = prometheus.NewDesc("rql_query_commit_latency_seconds",
		"Duration of the committed cycles' commits (offsets and transaction).", qLabels, nil)
	descRestored = prometheus.NewDesc("rql_query_restored_records_total",
		"Changelog records read to restore state stores.", qLabels, nil)
	descRestoring = prometheus.NewDesc("rql_query_restore_records",
		"Records restored so far into a store being restored now.", []string{"query", "changelog"}, nil)
	descRestoreTotal = prometheus.NewDesc("rql_query_restore_total_records",
		"Changelog offsets to read to restore a store being restored now.", []string{"query", "changelog"}, nil)

	descEnrichInFlight = prometheus.NewDesc("rql_enrich_in_flight",
		"Inputs of an asynchronous enrichment holding a slot now.", eLabels, nil)
	descEnrichMaxInFlight = prometheus.NewDesc("rql_enrich_max_in_flight",
		"The most inputs an enrichment's operator held at once.", eLabels, nil)
	descEnrichSubmitted = prometheus.NewDesc("rql_enrich_submitted_total",
		"Inputs accepted by an enrichment.", eLabels, nil)
	descEnrichEmitted = prometheus.NewDesc("rql_enrich_emitted_total",
		"Results an enrichment handed downstream (every failure policy included).", eLabels, nil)
	descEnrichCalls = prometheus.NewDesc("rql_enrich_calls_total",
		"Calls attempted (retries included; cache hits and coalesced calls excluded).", eLabels, nil)
	descEnrichRetries = prometheus.NewDesc("rql_enrich_retries_total",
		"Attempts that were retries.", eLabels, nil)
	descEnrichTimeouts = prometheus.NewDesc("rql_enrich_timeouts_total",
		"Attempts that hit the call timeout.", eLabels, nil)
	descEnrichFailures = prometheus.NewDesc("rql_enrich_failures_total",
		"Inputs whose call failed after its retries, by the failure policy applied.",
		[]string{"query", "enrichment", "policy"}, nil)
	descEnrichCacheHits = prometheus.NewDesc("rql_enrich_cache_hits_total",
		"Calls answered by the result cache.", eLabels, nil)
	descEnrichCacheMisses = prometheus.NewDesc("rql_enrich_cache_misses_total",
		"Calls the result cache could not answer.", eLabels, nil)
	descEnrichCoalesced = prometheus.NewDesc("rql_enrich_coalesced_total",
		"Calls answered by an identical call in flight (single flight).", eLabels, nil)
	descEnrichRateWaits = prometheus.NewDesc("rql_enrich_rate_limit_waits_total",
		"Attempts that waited for a rate-limit token.", eLabels, nil)
	descEnrichRateWait = prometheus.NewDesc("rql_enrich_rate_limit_wait_seconds_total",
		"Time attempts waited for rate-limit tokens.", eLabels, nil)
	descEnrichBackpressure = prometheus.NewDesc("rql_enrich_backpressure_waits_total",
		"Times the task found every slot taken (the consumer held back).", eLabels, nil)
	descEnrichLatency = prometheus.NewDesc("rql_enrich_call_latency_seconds",
		"Call latency per attempt at a quantile (histogram bucket upper bound, about 10 % wide; the highest of the query's tasks).",
		[]string{"query", "enrichment", "quantile"}, nil)
)

// Describe sends the descriptors.
func (c *runtimeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descInRate, descOutRate, descLag, descLagSum, descCommitLatency,
		descRestored, descRestoring, descRestoreTotal,
		descEnrichInFlight, descEnrichMaxInFlight, descEnrichSubmitted, descEnrichEmitted, descEnrichCalls,
		descEnrichRetries, descEnrichTimeouts, descEnrichFailures, descEnrichCacheHits, descEnrichCacheMisses,
		descEnrichCoalesced, descEnrichRateWaits, descEnrichRateWait, descEnrichBackpressure, descEnrichLatency} {
		ch <- d
	}
}

// Collect sends the current values.
func (c *runtimeCollector) Collect(ch chan<- prometheus.Metric) {
	bounds := engine.CommitLatencyBuckets()
	for _, q := range c.s.eng.Queries() {
		gauge := func(d *prometheus.Desc, v float64, labels ...string) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, append([]string{q.ID}, labels...)...)
		}
		counter := func(d *prometheus.Desc, v float64, labels ...string) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, append([]string{q.ID}, labels...)...)
		}
		gauge(descInRate, q.InRate)
		gauge(descOutRate, q.OutRate)
		for _, l := range q.Lag {
			if l.Lag >= 0 {
				gauge(descLag, float64(l.Lag), l.Partition)
			}
		}
		if q.TotalLag >= 0 {
			gauge(descLagSum, float64(q.TotalLag))
		}
		cl := q.CommitLatency
		buckets := make(map[float64]uint64, len(bounds))
		var cum uint64
		for i, b := range bounds {
			if i < len(cl.Buckets) {
				cum += cl.Buckets[i]
			}
			buckets[b.Seconds()] = cum
		}
		ch <- prometheus.MustNewConstHistogram(descCommitLatency, cl.Count, cl.Sum.Seconds(), buckets, q.ID)
		counter(descRestored, float64(q.Restored))
		for _, r := range q.Restoring {
			gauge(descRestoring, float64(r.Restored), r.Changelog)
			gauge(descRestoreTotal, float64(r.Total), r.Changelog)
		}
		for _, en := range q.Enrichments {
			st, n := en.Stats, en.Name
			gauge(descEnrichInFlight, float64(st.InFlight), n)
			gauge(descEnrichMaxInFlight, float64(st.MaxInFlight), n)
			counter(descEnrichSubmitted, float64(st.Submitted), n)
			counter(descEnrichEmitted, float64(st.Emitted), n)
			counter(descEnrichCalls, float64(st.Calls), n)
			counter(descEnrichRetries, float64(st.Retries), n)
			counter(descEnrichTimeouts, float64(st.Timeouts), n)
			for _, f := range []struct {
				policy string
				v      uint64
			}{{"fail", st.Failed}, {"drop", st.Dropped}, {"log", st.Logged}, {"null", st.Nulled}, {"dlq", st.DeadLettered}} {
				counter(descEnrichFailures, float64(f.v), n, f.policy)
			}
			counter(descEnrichCacheHits, float64(st.CacheHits), n)
			counter(descEnrichCacheMisses, float64(st.CacheMisses), n)
			counter(descEnrichCoalesced, float64(st.Coalesced), n)
			counter(descEnrichRateWaits, float64(st.RateLimitWaits), n)
			counter(descEnrichRateWait, st.RateLimitWait.Seconds(), n)
			counter(descEnrichBackpressure, float64(st.BackpressureWaits), n)
			gauge(descEnrichLatency, st.LatencyP50.Seconds(), n, "0.5")
			gauge(descEnrichLatency, st.LatencyP90.Seconds(), n, "0.9")
			gauge(descEnrichLatency, st.LatencyP99.Seconds(), n, "0.99")
			gauge(descEnrichLatency, st.LatencyMax.Seconds(), n, "1")
		}
	}
}
