package engine

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
)

// SHOW QUERIES, DESCRIBE EXTENDED and EXPLAIN ANALYZE with the runtime
// figures of QueryStatus (metrics.go). e.mu is held by their callers.

// showQueries lists the persistent queries with their state, rates, lag,
// progress and error.
func (e *Engine) showQueries() Result {
	res := Result{Kind: "SHOW_QUERIES", Columns: []string{"Query ID", "Query Type", "Status", "Sink Name",
		"Sink Kafka Topic", "Records In/s", "Records Out/s", "Lag", "Progress", "Error", "Query String"}}
	for _, pq := range e.cat.Queries() {
		topic := ""
		if s, ok := e.cat.SourceByName(pq.Sink); ok {
			topic = s.Topic
		}
		row := []string{pq.ID, "PERSISTENT", string(StateStopped) + ":1", pq.Sink, topic, "", "", "", "", "", pq.SQL}
		if q, ok := e.queries[pq.ID]; ok {
			st := q.status()
			row[2] = string(st.State) + ":1"
			row[5], row[6] = FormatRate(st.InRate), FormatRate(st.OutRate)
			if st.TotalLag >= 0 {
				row[7] = strconv.FormatInt(st.TotalLag, 10)
			}
			row[8] = Progress(st)
			if st.Err != nil {
				row[9] = st.Err.Error()
			}
		}
		res.Rows = append(res.Rows, row)
	}
	return res
}

// FormatRate renders records per second with one decimal.
func FormatRate(r float64) string {
	return strconv.FormatFloat(math.Round(r*10)/10, 'f', 1, 64)
}

// Progress describes long work of a query: the restore of its state
// ("restoring state: 1200 of 5000 records (24%)") or its catch-up
// ("catching up: ~12s at 400/s"); "" when there is none.
func Progress(st QueryStatus) string {
	if len(st.Restoring) > 0 {
		var done, total int64
		for _, r := range st.Restoring {
			done += r.Restored
			total += r.Total
		}
		pct := 100.0
		if total > 0 {
			pct = math.Min(100, 100*float64(done)/float64(total))
		}
		return fmt.Sprintf("restoring state: %d of %d records (%.0f%%)", done, total, pct)
	}
	if st.TotalLag > 0 && st.InRate >= 1 && st.State == StateRunning {
		eta := time.Duration(float64(st.TotalLag) / st.InRate * float64(time.Second)).Round(time.Second)
		return fmt.Sprintf("catching up: ~%s at %s/s", eta, FormatRate(st.InRate))
	}
	return ""
}

// RuntimeLines renders a query's status as "name: value" lines, for
// DESCRIBE EXTENDED and EXPLAIN ANALYZE.
func RuntimeLines(st QueryStatus) [][2]string {
	out := [][2]string{
		{"state", string(st.State)},
		{"tasks", strings.Join(st.Tasks, ", ")},
		{"records consumed / produced", fmt.Sprintf("%d / %d", st.Consumed, st.Produced)},
		{"records in / out per second", FormatRate(st.InRate) + " / " + FormatRate(st.OutRate)},
	}
	lag := "unknown"
	if st.TotalLag >= 0 {
		parts := make([]string, 0, len(st.Lag))
		for _, l := range st.Lag {
			v := "?"
			if l.Lag >= 0 {
				v = strconv.FormatInt(l.Lag, 10)
			}
			parts = append(parts, l.Partition+"="+v)
		}
		lag = strconv.FormatInt(st.TotalLag, 10)
		if len(parts) > 0 {
			lag += " (" + strings.Join(parts, " ") + ")"
		}
	}
	cl := st.CommitLatency
	out = append(out,
		[2]string{"consumer lag", lag},
		[2]string{"commits / aborts", fmt.Sprintf("%d / %d", st.Committed, st.Aborted)},
		[2]string{"commit latency", fmt.Sprintf("avg=%s last=%s max=%s", roundDur(cl.Avg()), roundDur(cl.Last), roundDur(cl.Max))},
		[2]string{"processing errors", strconv.FormatInt(st.ProcessingErrors, 10)},
		[2]string{"state restored (records)", strconv.FormatInt(st.Restored, 10)})
	if p := Progress(st); p != "" {
		out = append(out, [2]string{"progress", p})
	}
	if st.Err != nil {
		out = append(out, [2]string{"error", st.Err.Error()})
	}
	for _, en := range st.Enrichments {
		out = append(out, [2]string{"enrichment " + en.Name, driver.EnrichStatsText(en.Stats)})
	}
	return out
}

func roundDur(d time.Duration) string {
	if d < time.Millisecond {
		return d.Round(time.Microsecond).String()
	}
	return d.Round(100 * time.Microsecond).String()
}

// describe renders DESCRIBE; EXTENDED adds the runtime figures of the
// queries writing each source.
func (e *Engine) describe(p *planner.DescribePlan) Result {
	res := driver.DescribeResult(p)
	if !p.Extended {
		return res
	}
	for _, s := range p.Sources {
		for _, id := range e.cat.QueriesWriting(s.Name) {
			q, ok := e.queries[id]
			if !ok {
				continue
			}
			st := q.status()
			for _, l := range RuntimeLines(st) {
				if strings.HasPrefix(l[0], "enrichment ") {
					continue
				}
				res.Rows = append(res.Rows, []string{s.Name, "Query " + id + " " + l[0], l[1]})
			}
			for _, en := range st.Enrichments {
				res.Rows = append(res.Rows, driver.EnrichStatsRows(s.Name, en.Name, en.Stats)...)
			}
		}
	}
	return res
}

// explain renders EXPLAIN; ANALYZE adds the running query's figures.
func (e *Engine) explain(s parser.Statement, p *planner.ExplainPlan) (Result, error) {
	res := driver.ExplainResult(p)
	x, ok := s.(*parser.Explain)
	if !ok || !x.Analyze {
		return res, nil
	}
	if x.QueryID == "" {
		return Result{}, driver.ErrExplainAnalyzeStatement(x)
	}
	lines := []string{"", "Runtime (this engine's member):"}
	if q, ok := e.queries[x.QueryID]; ok {
		for _, l := range RuntimeLines(q.status()) {
			lines = append(lines, " "+l[0]+": "+l[1])
		}
	} else {
		lines = append(lines, " not running on this engine")
	}
	return driver.AppendPlanLines(res, lines), nil
}
