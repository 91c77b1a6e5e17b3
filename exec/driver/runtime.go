package driver

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rql/rql/exec/asyncio"
	"github.com/rql/rql/exec/build"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
)

// Runtime figures of persistent queries in DESCRIBE EXTENDED and EXPLAIN
// ANALYZE. The renderers are shared with the Kafka engine, which adds its
// own figures (rates, lag, commits); the driver has only the counters of
// its asynchronous enrichments.

// EnrichName names an enrichment in DESCRIBE EXTENDED, EXPLAIN ANALYZE
// and the server's metrics: "<function> AS <alias>", the function in
// lower case.
func EnrichName(n *planner.Enrich) string {
	name := ""
	if n.Call != nil {
		name = strings.ToLower(n.Call.Name)
	}
	return name + " AS " + n.Alias
}

// AsyncEnrichNames names the ENRICH USING ASYNC nodes of the plan under n
// in the order build.Build lists their operators in Pipeline.Ops (a node
// before its inputs).
func AsyncEnrichNames(n planner.Node) []string {
	var out []string
	var walk func(planner.Node)
	walk = func(n planner.Node) {
		if en, ok := n.(*planner.Enrich); ok && en.Async {
			out = append(out, EnrichName(en))
		}
		for _, c := range n.Children() {
			walk(c)
		}
	}
	walk(n)
	return out
}

// EnrichStatsText renders an enrichment's counters on one line.
func EnrichStatsText(st asyncio.Stats) string {
	return fmt.Sprintf("in-flight=%d (max %d) submitted=%d emitted=%d calls=%d retries=%d timeouts=%d "+
		"failed=%d dropped=%d logged=%d null=%d dlq=%d cache-hits=%d cache-misses=%d coalesced=%d "+
		"rate-limit-waits=%d (%s) backpressure=%d latency p50=%s p90=%s p99=%s max=%s",
		st.InFlight, st.MaxInFlight, st.Submitted, st.Emitted, st.Calls, st.Retries, st.Timeouts,
		st.Failed, st.Dropped, st.Logged, st.Nulled, st.DeadLettered, st.CacheHits, st.CacheMisses, st.Coalesced,
		st.RateLimitWaits, dur(st.RateLimitWait), st.BackpressureWaits,
		dur(st.LatencyP50), dur(st.LatencyP90), dur(st.LatencyP99), dur(st.LatencyMax))
}

// EnrichStatsRows renders an enrichment's counters as DESCRIBE rows
// (Source, Field, Type): the field is "Enrichment <name> <figure>", the
// value is in the Type column.
func EnrichStatsRows(source, name string, st asyncio.Stats) [][]string {
	f := "Enrichment " + name + " "
	u := func(v uint64) string { return fmt.Sprint(v) }
	return [][]string{
		{source, f + "in flight", fmt.Sprintf("%d (max %d)", st.InFlight, st.MaxInFlight)},
		{source, f + "submitted", u(st.Submitted)},
		{source, f + "emitted", u(st.Emitted)},
		{source, f + "calls", u(st.Calls)},
		{source, f + "retries", u(st.Retries)},
		{source, f + "timeouts", u(st.Timeouts)},
		{source, f + "failures", fmt.Sprintf("fail=%d drop=%d log=%d null=%d dlq=%d",
			st.Failed, st.Dropped, st.Logged, st.Nulled, st.DeadLettered)},
		{source, f + "cache", fmt.Sprintf("hits=%d misses=%d coalesced=%d", st.CacheHits, st.CacheMisses, st.Coalesced)},
		{source, f + "rate-limit waits", fmt.Sprintf("%d (%s)", st.RateLimitWaits, dur(st.RateLimitWait))},
		{source, f + "backpressure waits", u(st.BackpressureWaits)},
		{source, f + "latency", fmt.Sprintf("p50=%s p90=%s p99=%s max=%s",
			dur(st.LatencyP50), dur(st.LatencyP90), dur(st.LatencyP99), dur(st.LatencyMax))},
	}
}

// dur renders a duration rounded for reading.
func dur(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// ErrExplainAnalyzeStatement is the error of EXPLAIN ANALYZE <statement>:
// only running queries have runtime figures.
func ErrExplainAnalyzeStatement(x *parser.Explain) error {
	return rqlerr.At(rqlerr.BindInvalid, x.StmtPos,
		"EXPLAIN ANALYZE takes the id of a running persistent query (EXPLAIN ANALYZE <statement> is not supported yet)")
}

// enrichStats returns the name and counters of each asynchronous
// enrichment of the running query id.
func (d *Driver) enrichStats(id string) (names []string, stats []asyncio.Stats) {
	pq, ok := d.cat.Query(id)
	if !ok || pq.Plan == nil || pq.Plan.Root == nil {
		return nil, nil
	}
	var run *running
	for _, r := range d.queries {
		if r.id == id {
			run = r
		}
	}
	if run == nil {
		return nil, nil
	}
	names = AsyncEnrichNames(pq.Plan.Root)
	i := 0
	for _, op := range run.pipe.Ops {
		a, ok := op.(*build.AsyncEnrich)
		if !ok || a.Operator() == nil {
			continue
		}
		if i >= len(names) {
			names = append(names, fmt.Sprintf("enrichment %d", i+1))
		}
		stats = append(stats, a.Stats())
		i++
	}
	return names[:len(stats)], stats
}

// describe renders DESCRIBE; EXTENDED adds the enrichment counters of the
// queries writing each source.
func (d *Driver) describe(p *planner.DescribePlan) Result {
	res := DescribeResult(p)
	if !p.Extended {
		return res
	}
	for _, s := range p.Sources {
		for _, id := range d.cat.QueriesWriting(s.Name) {
			names, stats := d.enrichStats(id)
			for i := range stats {
				res.Rows = append(res.Rows, EnrichStatsRows(s.Name, names[i], stats[i])...)
			}
		}
	}
	return res
}

// explain renders EXPLAIN; ANALYZE adds the query's enrichment counters.
func (d *Driver) explain(_ context.Context, s parser.Statement, p *planner.ExplainPlan) (Result, error) {
	res := ExplainResult(p)
	x, ok := s.(*parser.Explain)
	if !ok || !x.Analyze {
		return res, nil
	}
	if x.QueryID == "" {
		return Result{}, ErrExplainAnalyzeStatement(x)
	}
	names, stats := d.enrichStats(x.QueryID)
	lines := []string{"", "Runtime (in-process driver):"}
	for i := range stats {
		lines = append(lines, " enrichment "+names[i]+": "+EnrichStatsText(stats[i]))
	}
	if len(stats) == 0 {
		lines = append(lines, " no runtime figures (the driver counts asynchronous enrichments only)")
	}
	return AppendPlanLines(res, lines), nil
}

// AppendPlanLines adds lines to an EXPLAIN result (its rows and message).
func AppendPlanLines(res Result, lines []string) Result {
	for _, l := range lines {
		res.Rows = append(res.Rows, []string{l})
	}
	res.Message = strings.TrimRight(res.Message, "\n") + "\n" + strings.Join(lines, "\n") + "\n"
	return res
}
