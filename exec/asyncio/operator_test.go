package asyncio

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rql/rql/rqlerr"
)

// TestOrderModes checks each order mode's guarantee under random latencies
// (a property test over several seeds): ordered output equals the input
// order per partition; key output keeps each key's order; unordered
// outputs the same set; every value is right.
func TestOrderModes(t *testing.T) {
	for _, order := range []string{"ordered", "key", "unordered"} {
		for seed := uint64(1); seed <= 3; seed++ {
			t.Run(fmt.Sprintf("%s/seed%d", order, seed), func(t *testing.T) {
				t.Parallel()
				svc := newService(t, uniform(0, 4*time.Millisecond, seed))
				op := newOp(t, svc.fn(t), map[string]any{"workers": int64(16), "buffer": int64(40), "order": order})
				ins := inputs(300, 3, 7, ok)
				out, err := run(t, op, ins)
				if err != nil {
					t.Fatal(err)
				}
				if len(out) != len(ins) {
					t.Fatalf("%d results for %d inputs", len(out), len(ins))
				}
				seen := map[*Input]bool{}
				for _, r := range out {
					if r.Action != Emit || r.Value != 2*r.In.Args[0].(int64) {
						t.Fatalf("result %+v", r)
					}
					if seen[r.In] {
						t.Fatalf("input %v emitted twice", r.In.Args[0])
					}
					seen[r.In] = true
				}
				group := func(in *Input) string {
					switch order {
					case "ordered":
						return fmt.Sprint(in.Partition)
					case "key":
						return in.Key
					}
					return ""
				}
				last := map[string]int64{}
				for _, r := range out {
					g := group(r.In)
					if g == "" {
						continue
					}
					x := r.In.Args[0].(int64)
					if prev, ok := last[g]; ok && x < prev {
						t.Fatalf("%s order broken in group %s: %d after %d", order, g, x, prev)
					}
					last[g] = x
				}
				if st := op.Stats(); st.InFlight != 0 || st.Emitted != 300 || st.MaxInFlight > 40 {
					t.Errorf("stats %+v", st)
				}
			})
		}
	}
}

// TestFailurePolicies checks that each on_failure policy produces exactly
// the expected counts: 10 of 100 inputs fail with a non-retryable 400.
func TestFailurePolicies(t *testing.T) {
	mode := func(i int) string {
		if i%10 == 7 {
			return "fail"
		}
		return "ok"
	}
	cases := []struct {
		policy string
		want   map[Action]int
	}{
		{"drop", map[Action]int{Emit: 90, Drop: 10}},
		{"log", map[Action]int{Emit: 90, Log: 10}},
		{"null", map[Action]int{Emit: 90, EmitNull: 10}},
		{"dlq", map[Action]int{Emit: 90, DeadLetter: 10}},
	}
	svc := newService(t, uniform(0, 2*time.Millisecond, 9))
	for _, c := range cases {
		t.Run(c.policy, func(t *testing.T) {
			props := map[string]any{"workers": int64(8), "on_failure": c.policy, "order": "unordered",
				"retry": "fixed(2, 1ms)"}
			if c.policy == "dlq" {
				props["dlq_topic"] = "lookup-dlq"
			}
			op := newOp(t, svc.fn(t), props)
			out, err := run(t, op, inputs(100, 2, 100, mode))
			if err != nil {
				t.Fatal(err)
			}
			got := map[Action]int{}
			for _, r := range out {
				got[r.Action]++
				if r.Action == Emit {
					continue
				}
				if r.Value != nil || !errors.Is(r.Err, rqlerr.UserFuncStatus) || r.Attempts != 1 {
					t.Errorf("failed result %+v (a 400 is not retried)", r)
				}
				switch r.Action {
				case DeadLetter:
					rec := op.DeadLetter(&r)
					h := map[string]string{}
					for _, x := range rec.Headers {
						h[x.Key] = string(x.Value)
					}
					if rec.Topic != "lookup-dlq" || h[HeaderFunction] != "LOOKUP" || h[HeaderAttempts] != "1" ||
						h[HeaderSourceTopic] != "requests" || h[HeaderSourceOffset] != fmt.Sprint(r.In.Offset) || h[HeaderError] == "" {
						t.Errorf("dead letter %+v", rec)
					}
				case Log:
					if e := op.LogEntry(&r); e.Offset != r.In.Offset || e.QueryID != "q1" || e.Reason == "" {
						t.Errorf("log entry %+v", e)
					}
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("actions %v, want %v", got, c.want)
			}
			st := op.Stats()
			n := map[string]uint64{"drop": st.Dropped, "log": st.Logged, "null": st.Nulled, "dlq": st.DeadLettered}[c.policy]
			if n != 10 || st.Failed != 0 || st.Retries != 0 {
				t.Errorf("stats %+v", st)
			}
		})
	}
	t.Run("fail", func(t *testing.T) {
		op := newOp(t, svc.fn(t), map[string]any{"workers": int64(4), "on_failure": "fail"})
		out, err := run(t, op, inputs(100, 1, 100, mode))
		if !errors.Is(err, rqlerr.EnrichFailed) || !errors.Is(err, rqlerr.UserFuncStatus) {
			t.Fatalf("err %v, want EnrichFailed wrapping UserFuncStatus", err)
		}
		// Ordered: inputs 0..6 are emitted, then input 7 stops the query.
		if len(out) != 8 || out[7].Action != Fail || out[7].In.Args[0] != int64(7) {
			t.Errorf("%d results, last %+v", len(out), out[len(out)-1])
		}
	})
}

// TestBoundedInFlight: a slow service keeps the operator at buffer
// inputs, the service at workers concurrent calls, and Submit blocks.
func TestBoundedInFlight(t *testing.T) {
	svc := newService(t, fixed(15*time.Millisecond))
	op := newOp(t, svc.fn(t), map[string]any{"workers": int64(4), "buffer": int64(8), "order": "ordered"})
	maxSeen := 0
	ins := inputs(60, 2, 60, ok)
	ctx := context.Background()
	emit := func(*Result) error { return nil }
	for _, in := range ins {
		if err := op.Submit(ctx, in, emit); err != nil {
			t.Fatal(err)
		}
		maxSeen = max(maxSeen, op.InFlight())
	}
	if err := op.Drain(ctx, emit); err != nil {
		t.Fatal(err)
	}
	st := op.Stats()
	if maxSeen > 8 || st.MaxInFlight > 8 || svc.maxConc.Load() > 4 || st.BackpressureWaits == 0 || st.Emitted != 60 {
		t.Errorf("max in flight %d / %d (buffer 8), service concurrency %d (workers 4), stats %+v",
			maxSeen, st.MaxInFlight, svc.maxConc.Load(), st)
	}
}

func TestRetries(t *testing.T) {
	cases := []struct {
		name, mode, retry string
		timeout           string
		wantAction        Action
		wantAttempts      int
		wantCode          rqlerr.Code
		minElapsed        time.Duration
	}{
		// Two 429s with Retry-After: 20ms, then success: the backoff (1ms,
		// 2ms) is raised to the server's 20ms.
		{"429 honours Retry-After", "busy2", "backoff(3, 1ms, 2)", "1s", Emit, 3, "", 40 * time.Millisecond},
		{"429 retries exhausted", "busy2", "fixed(1, 1ms)", "1s", Drop, 2, rqlerr.UserFuncUnavailable, 20 * time.Millisecond},
		{"503 with backoff and cap", "down", "backoff(3, 2ms, 10, 5ms)", "1s", Drop, 4, rqlerr.UserFuncUnavailable, 10 * time.Millisecond},
		{"hang times out", "hang", "fixed(1, 1ms)", "30ms", Drop, 2, rqlerr.UserFuncUnavailable, 60 * time.Millisecond},
		{"400 is not retried", "fail", "fixed(5, 1ms)", "1s", Drop, 1, rqlerr.UserFuncStatus, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			svc := newService(t, nil)
			op := newOp(t, svc.fn(t), map[string]any{"workers": int64(4), "retry": c.retry, "timeout": c.timeout,
				"on_failure": "drop", "jitter": 0.0})
			t0 := time.Now()
			out, err := run(t, op, inputs(6, 1, 6, func(int) string { return c.mode }))
			elapsed := time.Since(t0)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range out {
				if r.Action != c.wantAction || r.Attempts != c.wantAttempts || (c.wantCode != "" && !errors.Is(r.Err, c.wantCode)) {
					t.Errorf("result action %v attempts %d err %v", r.Action, r.Attempts, r.Err)
				}
			}
			st := op.Stats()
			if st.Retries != uint64(6*(c.wantAttempts-1)) || int(svc.requests.Load()) != 6*c.wantAttempts {
				t.Errorf("retries %d, requests %d; want %d attempts each", st.Retries, svc.requests.Load(), c.wantAttempts)
			}
			if c.mode == "hang" && st.Timeouts != 12 {
				t.Errorf("timeouts %d", st.Timeouts)
			}
			if elapsed < c.minElapsed {
				t.Errorf("took %v, want at least %v", elapsed, c.minElapsed)
			}
			// The same idempotency key goes out with every attempt.
			svc.mu.Lock()
			for k, n := range svc.idemKeys {
				if n != c.wantAttempts {
					t.Errorf("key %s sent %d times", k, n)
				}
			}
			svc.mu.Unlock()
		})
	}
}

// TestFlakyServiceWithRetries: a 30% error rate is absorbed by retries.
func TestFlakyServiceWithRetries(t *testing.T) {
	svc := newService(t, uniform(0, time.Millisecond, 4))
	svc.errRate = 0.3
	op := newOp(t, svc.fn(t), map[string]any{"workers": int64(16), "retry": "backoff(20, 1ms, 1.5, 4ms)", "order": "key"})
	out, err := run(t, op, inputs(200, 2, 20, func(int) string { return "flaky" }))
	if err != nil {
		t.Fatal(err)
	}
	st := op.Stats()
	if len(out) != 200 || st.Retries == 0 || st.Calls != 200+st.Retries {
		t.Errorf("%d results, stats %+v", len(out), st)
	}
}

func TestRateLimit(t *testing.T) {
	svc := newService(t, nil)
	op := newOp(t, svc.fn(t), map[string]any{"workers": int64(8), "rate": int64(400), "rate_burst": int64(1), "order": "unordered"})
	t0 := time.Now()
	if _, err := run(t, op, inputs(41, 1, 41, ok)); err != nil {
		t.Fatal(err)
	}
	// 41 calls with a burst of 1 at 400/s need at least 40/400 s.
	if el := time.Since(t0); el < 95*time.Millisecond {
		t.Errorf("41 calls at 400/s took %v", el)
	}
	if st := op.Stats(); st.RateLimitWaits == 0 || st.RateLimitWait == 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestCacheAndSingleFlight: 100 inputs over 5 distinct arguments make 5
// calls: identical calls in flight are coalesced, later ones hit the cache.
func TestCacheAndSingleFlight(t *testing.T) {
	svc := newService(t, fixed(10*time.Millisecond))
	op := newOp(t, svc.fn(t), map[string]any{"workers": int64(16), "cache_size": int64(100), "cache_ttl": "1m"})
	ins := inputs(100, 2, 100, ok)
	for i, in := range ins {
		in.Args[0] = int64(i % 5)
	}
	out, err := run(t, op, ins)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out {
		if r.Value != 2*r.In.Args[0].(int64) {
			t.Fatalf("result %+v", r)
		}
	}
	st := op.Stats()
	if svc.requests.Load() != 5 || st.Calls != 5 || st.CacheHits+st.Coalesced != 95 || st.Coalesced == 0 {
		t.Errorf("requests %d, stats %+v", svc.requests.Load(), st)
	}
	// Later calls all come from the cache.
	more := inputs(10, 1, 10, ok)
	for i, in := range more {
		in.Partition, in.Args[0] = 5, int64(i%5)
	}
	if out, err = run(t, op, more); err != nil || len(out) != 10 {
		t.Fatal(len(out), err)
	}
	if st2 := op.Stats(); svc.requests.Load() != 5 || st2.CacheHits != st.CacheHits+10 {
		t.Errorf("requests %d, stats %+v", svc.requests.Load(), st2)
	}
}

func TestCacheLRUAndTTL(t *testing.T) {
	c := newCache(2, 10*time.Millisecond)
	now := time.Now()
	c.put("a", 1, now)
	c.put("b", 2, now)
	c.get("a", now) // a is now the most recent
	c.put("c", 3, now)
	if _, ok := c.get("b", now); ok {
		t.Error("b should have been evicted")
	}
	if v, ok := c.get("a", now); !ok || v != 1 {
		t.Error("a should be cached")
	}
	if _, ok := c.get("a", now.Add(20*time.Millisecond)); ok {
		t.Error("a should have expired")
	}
	if fingerprint([]any{"ab", "c"}) == fingerprint([]any{"a", "bc"}) || fingerprint([]any{int32(1)}) == fingerprint([]any{int64(1)}) {
		t.Error("fingerprints collide")
	}
}

func TestCloseStopsHangingCalls(t *testing.T) {
	svc := newService(t, nil)
	op := newOp(t, svc.fn(t), map[string]any{"workers": int64(4), "timeout": "1m"})
	for _, in := range inputs(4, 1, 4, func(int) string { return "hang" }) {
		if err := op.Submit(context.Background(), in, func(*Result) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(10 * time.Millisecond)
	t0 := time.Now()
	op.Close()
	// The calls' timeout is a minute: Close cancels them rather than
	// waiting (10 s leaves room for a loaded machine).
	if el := time.Since(t0); el > 10*time.Second {
		t.Errorf("Close took %v with calls hanging (timeout 1m)", el)
	}
	err := op.Submit(context.Background(), inputs(1, 1, 1, ok)[0], nil)
	if !errors.Is(err, rqlerr.EnrichClosed) {
		t.Errorf("Submit after Close: %v", err)
	}
}

// Cancelling New's context is like Close without waiting: calls in flight
// are cancelled, the workers end, and Submit reports the operator closed.
func TestContextCancelStopsOperator(t *testing.T) {
	svc := newService(t, nil)
	opts, err := ParseOptions(map[string]any{"workers": int64(4), "timeout": "1m"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	op, err := New(ctx, svc.fn(t), opts, Config{Function: "LOOKUP"})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs(6, 1, 6, func(int) string { return "hang" }) {
		if err := op.Submit(context.Background(), in, func(*Result) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	op.wg.Wait() // every worker returned: the hanging calls were cancelled, the queued ones dropped
	err = op.Submit(context.Background(), inputs(1, 1, 1, ok)[0], nil)
	if !errors.Is(err, rqlerr.EnrichClosed) {
		t.Errorf("Submit after the context's cancellation: %v", err)
	}
	op.Close()
}

func TestHistogram(t *testing.T) {
	var h histogram
	for i := 1; i <= 1000; i++ {
		h.record(time.Duration(i) * time.Millisecond)
	}
	q := h.quantiles(0.5, 0.99)
	within := func(got, want time.Duration) bool { return got >= want && got <= want+want/8 }
	if !within(q[0], 500*time.Millisecond) || !within(q[1], 990*time.Millisecond) {
		t.Errorf("quantiles %v", q)
	}
	ds := []time.Duration{0, time.Microsecond, 7 * time.Microsecond, time.Millisecond, time.Hour}
	for _, d := range ds {
		i := histIndex(d)
		if histUpper(i) < d && i != histBuckets-1 {
			t.Errorf("%v in bucket %d with upper bound %v", d, i, histUpper(i))
		}
	}
}
