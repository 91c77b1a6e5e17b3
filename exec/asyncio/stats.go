package asyncio

import (
	"math"
	"math/bits"
	"sync/atomic"
	"time"
)

// Stats is a snapshot of an enrichment's counters, for DESCRIBE EXTENDED,
// EXPLAIN ANALYZE and the server's metrics.
type Stats struct {
	InFlight    int // inputs holding a slot now
	MaxInFlight int // the most ever held at once (never above Buffer)

	Submitted uint64 // inputs accepted by Submit
	Skipped   uint64 // inputs skipped after Restore (already emitted before a restart)
	Emitted   uint64 // results handed to emit, every action included
	Calls     uint64 // attempts made (retries included, cache hits and coalesced calls excluded)
	Retries   uint64 // attempts that were retries
	Timeouts  uint64 // attempts that hit Timeout

	// Failures by policy: inputs whose call failed after its retries.
	Failed, Dropped, Logged, Nulled, DeadLettered uint64

	CacheHits, CacheMisses uint64
	Coalesced              uint64 // calls answered by an identical call in flight

	RateLimitWaits uint64        // attempts that waited for a token
	RateLimitWait  time.Duration // total time waited for tokens

	BackpressureWaits uint64 // Submit calls that found every slot taken

	// Call latency per attempt (upper bounds of histogram buckets, ±10%).
	LatencyP50, LatencyP90, LatencyP99, LatencyMax time.Duration
}

// counters are updated by workers and the task goroutine without locks.
type counters struct {
	submitted, skipped, emitted, calls, retries, timeouts      atomic.Uint64
	failed, dropped, logged, nulled, deadLettered              atomic.Uint64
	cacheHits, cacheMisses, coalesced, rateWaits, backpressure atomic.Uint64
	rateWaitNanos, maxLatency                                  atomic.Int64
	hist                                                       histogram
}

// histogram counts durations in log-linear buckets: 8 per power of two of
// microseconds, from 1µs to about 2^27µs (2 minutes); a bucket's upper
// bound is at most 9% above its lower bound.
type histogram struct {
	b [histBuckets]atomic.Uint64
}

const (
	histSub     = 8
	histBuckets = 28 * histSub
)

func histIndex(d time.Duration) int {
	us := uint64(d / time.Microsecond)
	if us < histSub {
		return int(us)
	}
	exp := bits.Len64(us) - 1 // us in [2^exp, 2^(exp+1))
	sub := (us >> (exp - 3)) & (histSub - 1)
	i := (exp-2)*histSub + int(sub)
	return min(i, histBuckets-1)
}

// histUpper is the largest duration bucket i holds.
func histUpper(i int) time.Duration {
	if i < histSub {
		return time.Duration(i+1) * time.Microsecond
	}
	exp := i/histSub + 2
	sub := uint64(i % histSub)
	lo := (uint64(1) << exp) + sub<<(exp-3)
	return time.Duration(lo+(uint64(1)<<(exp-3))) * time.Microsecond
}

func (h *histogram) record(d time.Duration) { h.b[histIndex(d)].Add(1) }

// quantiles returns the upper bounds of the buckets holding each quantile.
func (h *histogram) quantiles(qs ...float64) []time.Duration {
	var counts [histBuckets]uint64
	var total uint64
	for i := range counts {
		counts[i] = h.b[i].Load()
		total += counts[i]
	}
	out := make([]time.Duration, len(qs))
	if total == 0 {
		return out
	}
	for j, q := range qs {
		rank := uint64(math.Ceil(q * float64(total)))
		var acc uint64
		for i, c := range counts {
			acc += c
			if acc >= rank && c > 0 {
				out[j] = histUpper(i)
				break
			}
		}
	}
	return out
}

func (c *counters) recordLatency(d time.Duration) {
	c.hist.record(d)
	for {
		m := c.maxLatency.Load()
		if int64(d) <= m || c.maxLatency.CompareAndSwap(m, int64(d)) {
			return
		}
	}
}

// Stats returns a snapshot of the counters. It may be called from any
// goroutine.
func (o *Operator) Stats() Stats {
	c := &o.c
	o.mu.Lock()
	inflight, maxIn := o.inflight, o.maxInflight
	o.mu.Unlock()
	q := c.hist.quantiles(0.5, 0.9, 0.99)
	return Stats{
		InFlight: inflight, MaxInFlight: maxIn,
		Submitted: c.submitted.Load(), Skipped: c.skipped.Load(), Emitted: c.emitted.Load(),
		Calls: c.calls.Load(), Retries: c.retries.Load(), Timeouts: c.timeouts.Load(),
		Failed: c.failed.Load(), Dropped: c.dropped.Load(), Logged: c.logged.Load(),
		Nulled: c.nulled.Load(), DeadLettered: c.deadLettered.Load(),
		CacheHits: c.cacheHits.Load(), CacheMisses: c.cacheMisses.Load(), Coalesced: c.coalesced.Load(),
		RateLimitWaits: c.rateWaits.Load(), RateLimitWait: time.Duration(c.rateWaitNanos.Load()),
		BackpressureWaits: c.backpressure.Load(),
		LatencyP50:        q[0], LatencyP90: q[1], LatencyP99: q[2], LatencyMax: time.Duration(c.maxLatency.Load()),
	}
}
