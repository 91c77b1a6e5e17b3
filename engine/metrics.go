package engine

import (
	"context"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rql/rql/exec/asyncio"
	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/kafka"
)

// Runtime figures of a persistent query (QueryStatus): rates, consumer
// lag, commit latency, restore progress and enrichment counters. The
// query's goroutine samples them about every sampleEvery between fetches
// (sample), times every commit (endCycle) and counts restored records as
// it reads them (restoreProgress); readers take a copy under mu.

// sampleEvery is how often the query's loop refreshes rates, lag and
// enrichment counters.
const sampleEvery = time.Second

// rateTau is the time constant of the records-per-second averages: an
// exponentially weighted moving average whose weight of a second-old
// sample is exp(-1/5).
const rateTau = 5 * time.Second

// catchUpLog is the lag (records) above which the loop logs its catch-up
// progress, at most every catchUpLogEvery.
const (
	catchUpLog      = 1000
	catchUpLogEvery = 10 * time.Second
	restoreLogEvery = 5 * time.Second
)

// commitBuckets are the upper bounds of the commit latency histogram.
var commitBuckets = [...]time.Duration{
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond,
	25 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond,
	500 * time.Millisecond, time.Second, 2500 * time.Millisecond, 5 * time.Second, 10 * time.Second,
}

// CommitLatencyBuckets returns the upper bounds of the buckets of
// LatencySummary.Buckets (a last, unbounded bucket follows them).
func CommitLatencyBuckets() []time.Duration { return append([]time.Duration(nil), commitBuckets[:]...) }

// PartitionLag is how far a query's member is behind in one input
// partition it owns.
type PartitionLag struct {
	Partition string // "topic/partition"
	// High is the partition's end offset as last fetched (under
	// read_committed, the last stable offset); Committed the offset the
	// query committed (or, before its first commit, its consumer group's
	// committed offset or its position). -1 when unknown.
	High, Committed int64
	// Lag is High - Committed (never negative), -1 when unknown: records
	// in the partition whose results are not committed yet.
	Lag int64
}

// LatencySummary summarizes the duration of the committed cycles'
// commits (sending the offsets and committing the transaction under
// exactly-once; waiting for acknowledgements and committing the offsets
// under at-least-once).
type LatencySummary struct {
	Count          uint64
	Sum, Last, Max time.Duration
	// Buckets counts the commits per bucket of CommitLatencyBuckets, with
	// one more, last, bucket for longer ones (not cumulative).
	Buckets []uint64
}

// Avg is the mean commit duration (0 without commits).
func (l LatencySummary) Avg() time.Duration {
	if l.Count == 0 {
		return 0
	}
	return l.Sum / time.Duration(l.Count)
}

// RestoreProgress is a state store being restored from its changelog.
type RestoreProgress struct {
	Changelog string // "topic/partition"
	// Restored records so far, of Total (the changelog offsets to read:
	// transaction markers included, so Restored may end below it).
	Restored, Total int64
}

// EnrichmentStatus is the counters of one ENRICH USING ASYNC of a query,
// summed over the tasks of this member (in-flight counts summed, maxima
// and latency percentiles the highest of any task). Counters of tasks
// that closed are kept, as of the last sample before they closed.
type EnrichmentStatus struct {
	Name  string // "<function> AS <alias>"
	Stats asyncio.Stats
}

// queryMetrics holds a query's runtime figures. Fields above mu belong to
// the query's goroutine.
type queryMetrics struct {
	next            time.Time
	lastAt          time.Time
	lastIn, lastOut int64
	// base is the committed offset of each owned partition, as known to
	// this member; taskOf detects a partition given up and taken again
	// (its base must be read again).
	base   map[kafka.TopicPartition]int64
	taskOf map[kafka.TopicPartition]*task
	// ret is the offset after the last record Poll returned, as of the
	// last commit: when the commit covered it and nothing came since, the
	// consumer's position (past transaction markers) stands for the
	// committed offset, so that a transactional input ends at lag 0.
	ret      map[kafka.TopicPartition]int64
	askAfter time.Time // next time to ask the broker for unknown bases
	logged   time.Time // last catch-up log line
	// ops are the enrichment operators seen at the last sample, retired
	// the counters of those gone since (by enrichment index).
	ops     map[*asyncio.Operator]seenOp
	retired []asyncio.Stats
	names   []string

	mu        sync.Mutex
	inRate    float64
	outRate   float64
	lag       []PartitionLag
	totalLag  int64
	enrich    []EnrichmentStatus
	sampled   time.Time
	commit    LatencySummary
	restoring []*restoreProgress
}

type seenOp struct {
	idx  int
	last asyncio.Stats
}

// fill copies the figures into st.
func (m *queryMetrics) fill(st *QueryStatus) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st.InRate, st.OutRate = m.inRate, m.outRate
	st.Lag = append([]PartitionLag(nil), m.lag...)
	st.TotalLag = m.totalLag
	if m.sampled.IsZero() {
		st.TotalLag = -1
	}
	st.Enrichments = append([]EnrichmentStatus(nil), m.enrich...)
	st.Sampled = m.sampled
	st.CommitLatency = m.commit
	st.CommitLatency.Buckets = append([]uint64(nil), m.commit.Buckets...)
	for _, p := range m.restoring {
		st.Restoring = append(st.Restoring, RestoreProgress{Changelog: p.name, Restored: p.done.Load(), Total: p.total})
	}
	if st.State == StateRunning && len(st.Restoring) > 0 {
		st.State = StateRestoring
	}
	if st.State != StateRunning && st.State != StateRestoring {
		st.InRate, st.OutRate = 0, 0
	}
}

// endCycle ends the session's cycle (see end), timing a commit and
// noting the offsets it committed.
func (q *query) endCycle(ctx context.Context, s *kafka.TxnSession, commit bool) (bool, error) {
	var pend, ret map[kafka.TopicPartition]int64
	if commit {
		pend, ret = s.PendingCommits(), s.Returned()
	}
	start := time.Now()
	ok, err := s.End(ctx, commit)
	if ok {
		q.m.committedCycle(pend, ret, time.Since(start))
	}
	return ok, err
}

func (m *queryMetrics) committedCycle(offs, ret map[kafka.TopicPartition]int64, d time.Duration) {
	if m.base == nil {
		m.base, m.ret = map[kafka.TopicPartition]int64{}, map[kafka.TopicPartition]int64{}
	}
	for tp, o := range offs {
		m.base[tp] = o
	}
	for tp, o := range ret {
		m.ret[tp] = o
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c := &m.commit
	if c.Buckets == nil {
		c.Buckets = make([]uint64, len(commitBuckets)+1)
	}
	c.Count++
	c.Sum += d
	c.Last = d
	c.Max = max(c.Max, d)
	i := sort.Search(len(commitBuckets), func(i int) bool { return d <= commitBuckets[i] })
	c.Buckets[i]++
}

// sample refreshes the rates, the lag and the enrichment counters when
// sampleEvery passed since the last time.
func (q *query) sample(ctx context.Context, s *kafka.TxnSession) {
	m := &q.m
	now := time.Now()
	if now.Before(m.next) {
		return
	}
	m.next = now.Add(sampleEvery)
	in, out := q.consumed.Load(), q.produced.Load()
	var inRate, outRate float64
	first := m.lastAt.IsZero()
	if !first {
		dt := now.Sub(m.lastAt).Seconds()
		alpha := 1 - math.Exp(-dt/rateTau.Seconds())
		m.mu.Lock()
		inRate = m.inRate + alpha*(float64(in-m.lastIn)/dt-m.inRate)
		outRate = m.outRate + alpha*(float64(out-m.lastOut)/dt-m.outRate)
		m.mu.Unlock()
	}
	m.lastAt, m.lastIn, m.lastOut = now, in, out
	lags, total := q.measureLag(ctx, s, now)
	enrich := q.enrichStats()
	m.mu.Lock()
	m.inRate, m.outRate = inRate, outRate
	m.lag, m.totalLag, m.enrich, m.sampled = lags, total, enrich, now
	m.mu.Unlock()
	if total >= catchUpLog && now.Sub(m.logged) >= catchUpLogEvery {
		m.logged = now
		args := []any{"query", q.id, "lag", total, "records/s", math.Round(inRate)}
		if inRate >= 1 {
			args = append(args, "eta", (time.Duration(float64(total)/inRate) * time.Second).Round(time.Second))
		}
		q.e.log.Info("query catching up", args...)
	}
}

// measureLag computes the lag of every owned partition from the
// consumer's cached watermarks and the committed offsets; partitions whose
// committed offset this member does not know yet are asked of the broker
// (once per assignment, at most every few seconds on failure).
func (q *query) measureLag(ctx context.Context, s *kafka.TxnSession, now time.Time) ([]PartitionLag, int64) {
	m := &q.m
	pos := s.Positions()
	open := s.Returned()
	if m.base == nil {
		m.base, m.ret = map[kafka.TopicPartition]int64{}, map[kafka.TopicPartition]int64{}
	}
	if m.taskOf == nil {
		m.taskOf = map[kafka.TopicPartition]*task{}
	}
	owned := make(map[kafka.TopicPartition]bool, len(pos))
	var unknown []kafka.TopicPartition
	for _, p := range pos {
		tp := p.TopicPartition
		owned[tp] = true
		if t := q.taskOf(tp); t != nil {
			if old, seen := m.taskOf[tp]; !seen || old != t {
				if seen {
					delete(m.base, tp) // given up and taken again
					delete(m.ret, tp)
				}
				m.taskOf[tp] = t
			}
		}
		if _, ok := m.base[tp]; !ok {
			unknown = append(unknown, tp)
		}
	}
	for tp := range m.base {
		if !owned[tp] {
			delete(m.base, tp)
			delete(m.ret, tp)
			delete(m.taskOf, tp)
		}
	}
	if len(unknown) > 0 && !now.Before(m.askAfter) {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		got, err := s.Committed(cctx, unknown...)
		cancel()
		if err != nil {
			m.askAfter = now.Add(5 * time.Second)
		}
		for tp, o := range got {
			m.base[tp] = o // -1: no committed offset, the position stands in
		}
	}
	out := make([]PartitionLag, 0, len(pos))
	total := int64(0)
	known := false
	for _, p := range pos {
		pl := PartitionLag{Partition: taskName(p.TopicPartition), High: p.High, Committed: -1, Lag: -1}
		tp := p.TopicPartition
		b, ok := m.base[tp]
		r, returned := m.ret[tp]
		_, pending := open[tp]
		switch {
		case !ok || b < 0:
			pl.Committed = p.Position
		case !pending && (!returned || r == b) && p.Position > b:
			pl.Committed = p.Position // only transaction markers between
		default:
			pl.Committed = b
		}
		if pl.High >= 0 && pl.Committed >= 0 {
			pl.Lag = max(pl.High-pl.Committed, 0)
			total += pl.Lag
			known = true
		}
		out = append(out, pl)
	}
	sort.Slice(out, func(i, j int) bool { return lessTaskName(out[i].Partition, out[j].Partition) })
	if !known && len(pos) > 0 {
		total = -1
	}
	return out, total
}

// lessTaskName orders "topic/partition" names by topic, then partition
// number.
func lessTaskName(a, b string) bool {
	ai, bi := strings.LastIndexByte(a, '/'), strings.LastIndexByte(b, '/')
	if ai < 0 || bi < 0 || a[:ai] != b[:bi] {
		return a < b
	}
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// enrichStats sums the counters of every task's asynchronous
// enrichments, keeping those of operators closed since the last sample.
func (q *query) enrichStats() []EnrichmentStatus {
	m := &q.m
	names := q.enrichNames()
	if len(names) == 0 {
		return nil
	}
	if len(m.retired) < len(names) {
		m.retired = append(m.retired, make([]asyncio.Stats, len(names)-len(m.retired))...)
	}
	cur := make(map[*asyncio.Operator]seenOp)
	sums := make([]asyncio.Stats, len(names))
	for _, t := range q.tasks {
		if t.as == nil {
			continue
		}
		for i, a := range t.as.ops {
			op := a.Operator()
			if op == nil || i >= len(names) {
				continue
			}
			st := op.Stats()
			cur[op] = seenOp{idx: i, last: st}
			sums[i] = addStats(sums[i], st, true)
		}
	}
	for op, seen := range m.ops {
		if _, ok := cur[op]; !ok {
			m.retired[seen.idx] = addStats(m.retired[seen.idx], seen.last, false)
		}
	}
	m.ops = cur
	out := make([]EnrichmentStatus, len(names))
	for i, n := range names {
		out[i] = EnrichmentStatus{Name: n, Stats: addStats(sums[i], m.retired[i], false)}
	}
	return out
}

// addStats adds b's counters to a; gauges (in flight) are added when
// live, maxima and latency percentiles take the higher.
func addStats(a, b asyncio.Stats, live bool) asyncio.Stats {
	if live {
		a.InFlight += b.InFlight
	}
	a.MaxInFlight = max(a.MaxInFlight, b.MaxInFlight)
	a.Submitted += b.Submitted
	a.Skipped += b.Skipped
	a.Emitted += b.Emitted
	a.Calls += b.Calls
	a.Retries += b.Retries
	a.Timeouts += b.Timeouts
	a.Failed += b.Failed
	a.Dropped += b.Dropped
	a.Logged += b.Logged
	a.Nulled += b.Nulled
	a.DeadLettered += b.DeadLettered
	a.CacheHits += b.CacheHits
	a.CacheMisses += b.CacheMisses
	a.Coalesced += b.Coalesced
	a.RateLimitWaits += b.RateLimitWaits
	a.RateLimitWait += b.RateLimitWait
	a.BackpressureWaits += b.BackpressureWaits
	a.LatencyP50 = max(a.LatencyP50, b.LatencyP50)
	a.LatencyP90 = max(a.LatencyP90, b.LatencyP90)
	a.LatencyP99 = max(a.LatencyP99, b.LatencyP99)
	a.LatencyMax = max(a.LatencyMax, b.LatencyMax)
	return a
}

// enrichNames names the query's asynchronous enrichments in the order of
// a task's operators.
func (q *query) enrichNames() []string {
	if q.m.names != nil {
		return q.m.names
	}
	names := []string{}
	for _, s := range q.topo.subs {
		names = append(names, driver.AsyncEnrichNames(s.plan.Root)...)
	}
	q.m.names = names
	return names
}

// restoreProgress counts the records restored into one store; the
// restoring goroutine adds, status readers load.
type restoreProgress struct {
	q       *query
	name    string
	total   int64
	done    atomic.Int64
	start   time.Time
	nextLog time.Time
}

// restoreBegin registers the restore of changelog name (total offsets to
// read), shown by QueryStatus until restoreEnd.
func (q *query) restoreBegin(name string, total int64) *restoreProgress {
	now := time.Now()
	p := &restoreProgress{q: q, name: name, total: total, start: now, nextLog: now.Add(restoreLogEvery)}
	q.m.mu.Lock()
	q.m.restoring = append(q.m.restoring, p)
	q.m.mu.Unlock()
	return p
}

// step counts one restored record, logging the progress every
// restoreLogEvery.
func (p *restoreProgress) step() {
	n := p.done.Add(1)
	if n&4095 != 0 {
		return
	}
	if now := time.Now(); now.After(p.nextLog) {
		p.nextLog = now.Add(restoreLogEvery)
		pct := 0.0
		if p.total > 0 {
			pct = math.Round(1000*float64(n)/float64(p.total)) / 10
		}
		p.q.e.log.Info("restoring state", "query", p.q.id, "changelog", p.name, "records", n, "of", p.total,
			"percent", pct, "elapsed", now.Sub(p.start).Round(time.Second))
	}
}

// restoreEnd unregisters p.
func (q *query) restoreEnd(p *restoreProgress) {
	q.m.mu.Lock()
	defer q.m.mu.Unlock()
	for i, r := range q.m.restoring {
		if r == p {
			q.m.restoring = append(q.m.restoring[:i:i], q.m.restoring[i+1:]...)
			return
		}
	}
}
