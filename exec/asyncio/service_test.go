package asyncio

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// service is a real HTTP lookup service on loopback. POST /call with
// {"x": n, "mode": m} answers {"y": 2n} after a latency drawn from its
// distribution. Modes: "ok"; "fail" (400, not retryable); "down" (503
// always); "busyN" (the first N requests for this x answer 429 with
// Retry-After: retryAfter, then ok); "hang" (never answers); "flaky"
// (fails with 503 with probability errRate).
type service struct {
	srv        *httptest.Server
	latency    func() time.Duration
	errRate    float64
	retryAfter string

	requests   atomic.Int64
	concurrent atomic.Int64
	maxConc    atomic.Int64
	mu         sync.Mutex
	perX       map[int64]int
	rng        *rand.Rand
	idemKeys   map[string]int
}

func newService(t testing.TB, latency func() time.Duration) *service {
	s := &service{latency: latency, perX: map[int64]int{}, idemKeys: map[string]int{},
		rng: rand.New(rand.NewPCG(1, 2)), retryAfter: "0.02"}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *service) handle(w http.ResponseWriter, r *http.Request) {
	n := s.concurrent.Add(1)
	defer s.concurrent.Add(-1)
	for {
		m := s.maxConc.Load()
		if n <= m || s.maxConc.CompareAndSwap(m, n) {
			break
		}
	}
	s.requests.Add(1)
	var req struct {
		X    int64  `json:"x"`
		Mode string `json:"mode"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.perX[req.X]++
	seen := s.perX[req.X]
	if k := r.Header.Get("Idempotency-Key"); k != "" {
		s.idemKeys[k]++
	}
	flaky := s.rng.Float64() < s.errRate
	s.mu.Unlock()
	if s.latency != nil {
		if d := s.latency(); d > 0 {
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return
			}
		}
	}
	switch {
	case req.Mode == "fail":
		http.Error(w, "bad input", http.StatusBadRequest)
		return
	case req.Mode == "down" || (req.Mode == "flaky" && flaky):
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	case req.Mode == "hang":
		<-r.Context().Done()
		return
	case len(req.Mode) > 4 && req.Mode[:4] == "busy":
		if k, _ := strconv.Atoi(req.Mode[4:]); seen <= k {
			w.Header().Set("Retry-After", s.retryAfter)
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
	}
	fmt.Fprintf(w, `{"y": %d}`, 2*req.X)
}

// fn returns the service as an HTTP user function LOOKUP(x BIGINT, mode
// STRING) RETURNS BIGINT, adapted to Func.
func (s *service) fn(t testing.TB) Func {
	def, err := udf.NewUserFunc(udf.UserFuncSpec{Name: "LOOKUP", Using: "HTTP", Return: sqltypes.Bigint,
		Params: []udf.Param{{Name: "X", Type: sqltypes.Bigint}, {Name: "MODE", Type: sqltypes.String}},
		Props:  map[string]any{"url": s.srv.URL + "/call", "response_path": "y", "timeout": "30s"}})
	if err != nil {
		t.Fatal(err)
	}
	return VariantFunc(def.Variants[0], nil)
}

func uniform(lo, hi time.Duration, seed uint64) func() time.Duration {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, seed+1))
	return func() time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return lo + time.Duration(r.Int64N(int64(hi-lo)+1))
	}
}

func fixed(d time.Duration) func() time.Duration { return func() time.Duration { return d } }

// run submits inputs, drains, and returns the results in emission order
// (copies; In is kept).
func run(t testing.TB, op *Operator, ins []*Input) ([]Result, error) {
	t.Helper()
	var out []Result
	emit := func(r *Result) error {
		out = append(out, *r)
		if r.Action == Fail {
			return r.Err
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, in := range ins {
		if err := op.Submit(ctx, in, emit); err != nil {
			return out, err
		}
	}
	return out, op.Drain(ctx, emit)
}

func newOp(t testing.TB, fn Func, props map[string]any) *Operator {
	t.Helper()
	opts, err := ParseOptions(props)
	if err != nil {
		t.Fatal(err)
	}
	op, err := New(context.Background(), fn, opts, Config{QueryID: "q1", Function: "LOOKUP", SourceTopic: "requests"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { op.Close() })
	return op
}

// inputs builds n inputs over keys keys, key k living in partition
// k % parts as Kafka's partitioner would place it; mode(i) names the
// service mode of input i.
func inputs(n, parts, keys int, mode func(i int) string) []*Input {
	ins := make([]*Input, n)
	offs := make([]int64, parts)
	for i := range n {
		p := int32(i % keys % parts)
		ins[i] = &Input{Partition: p, Offset: offs[p], Key: "k" + strconv.Itoa(i%keys),
			Args:           []sqltypes.Value{int64(i), mode(i)},
			IdempotencyKey: "q1/Y/in/" + strconv.Itoa(int(p)) + "/" + strconv.FormatInt(offs[p], 10)}
		offs[p]++
	}
	return ins
}

func ok(int) string { return "ok" }
