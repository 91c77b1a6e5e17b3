package engine

import (
	"sort"
	"time"
)

// QueryState is the state of a persistent query on this engine.
type QueryState string

const (
	// StateRunning: the query's member is in its group and processing.
	StateRunning QueryState = "RUNNING"
	// StateError: a fatal error stopped the query (QueryStatus.Err).
	StateError QueryState = "ERROR"
	// StateStopped: the query was terminated or the engine closed.
	StateStopped QueryState = "STOPPED"
	// StateRestoring: the query runs, but some of its tasks are
	// restoring their state from changelogs (QueryStatus.Restoring).
	StateRestoring QueryState = "RESTORING"
)

// QueryStatus describes a persistent query as this engine runs it. The
// counters cover this engine's member since it started.
type QueryStatus struct {
	ID    string
	SQL   string
	Sink  string
	Group string // the consumer group, "<service-id>-<query-id>"
	State QueryState
	// Err is the error that stopped the query (StateError).
	Err error
	// Tasks lists the input partitions this member owns now, as
	// "topic/partition", sorted.
	Tasks []string
	// Consumed counts records pushed through the tasks; Produced records
	// handed to the producer (outputs and repartitioned rows); Committed
	// the cycles committed, Aborted those aborted.
	Consumed, Produced int64
	Committed, Aborted int64
	ProcessingErrors   int64 // processing-log entries
	CommittedRecords   int64 // records consumed by committed cycles
	// Restored counts the changelog records read to restore the state of
	// this member's tasks (0 when every task resumed from a checkpoint at
	// the changelog's end).
	Restored int64
	// StateTopics lists the query's internal topics: changelogs, then
	// the repartition topic, if any.
	StateTopics []string

	// Runtime figures (metrics.go), refreshed about every second by the
	// query's loop (Sampled: when; zero before the first time).
	// InRate and OutRate are records consumed and produced per second
	// (moving averages over about 5 s; 0 unless running).
	InRate, OutRate float64
	// Lag lists the owned input partitions' lag, sorted; TotalLag sums
	// the known ones (-1 when none is known yet).
	Lag      []PartitionLag
	TotalLag int64
	Sampled  time.Time
	// CommitLatency times the committed cycles' commits.
	CommitLatency LatencySummary
	// Restoring lists the stores being restored now (State is then
	// StateRestoring).
	Restoring []RestoreProgress
	// Enrichments are the counters of each ENRICH USING ASYNC.
	Enrichments []EnrichmentStatus
}

// Queries returns the status of every persistent query started by this
// engine, in start order.
func (e *Engine) Queries() []QueryStatus {
	e.mu.Lock()
	qs := make([]*query, 0, len(e.order))
	for _, id := range e.order {
		qs = append(qs, e.queries[id])
	}
	e.mu.Unlock()
	out := make([]QueryStatus, 0, len(qs))
	for _, q := range qs {
		out = append(out, q.status())
	}
	return out
}

// Query returns the status of the persistent query id.
func (e *Engine) Query(id string) (QueryStatus, bool) {
	e.mu.Lock()
	q, ok := e.queries[id]
	e.mu.Unlock()
	if !ok {
		return QueryStatus{}, false
	}
	return q.status(), true
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
