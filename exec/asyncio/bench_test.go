package asyncio

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/exec/asyncio/loopsvc"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// The enrichment benchmark: a loopback HTTP service answering after 50 ms,
// 4 input partitions feeding one operator from one task goroutine, which
// checkpoints (or drains) every 100 ms like an exactly-once commit cycle.
// Reported per run: records/s (sustained: between 10 % and 90 % of the
// results; ratio-overall is from the first submit to the last result), the
// Little's law limit workers / 0.05 s, their ratio, the ratio against
// min(limit, the service's measured maximum rate on this machine), p99
// end-to-end latency (submit to emit), the
// operator's median call latency (call-p50-ms), and the process's CPU time
// per record (cpu-us/rec: client, operator and service together) with the
// cores used on average: on a shared machine the CPU cost is the figure
// that stays comparable between runs. svc-late-ms is how late the service
// wrote its responses on average (its own wait for a core).
//
// The service is loopsvc's minimal HTTP/1.1 server; RQL_BENCH_NETHTTP=1
// uses a net/http server instead (more CPU per request on the shared
// cores), for comparison.
//
//	go test ./exec/asyncio -run '^$' -bench . -benchtime 2s

const (
	benchLatency    = 50 * time.Millisecond
	benchPartitions = 4
	benchCommit     = 100 * time.Millisecond
)

// benchService starts the benchmark's lookup service: loopback HTTP/1.1
// answering {"y": 1} after latency (see loopsvc for why not net/http).
func benchService(b *testing.B, latency time.Duration) string {
	if os.Getenv("RQL_BENCH_NETHTTP") == "1" {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if latency > 0 {
				time.Sleep(latency)
			}
			w.Write([]byte(`{"y": 1}`))
		}))
		b.Cleanup(srv.Close)
		return srv.URL
	}
	srv, err := loopsvc.Start(latency, `{"y": 1}`)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		srv.Close()
		if latency > 0 {
			b.ReportMetric(float64(srv.MeanLateness().Microseconds())/1000, "svc-late-ms")
		}
	})
	return srv.URL
}

func benchFunc(b *testing.B, url string) *udf.Variant {
	def, err := udf.NewUserFunc(udf.UserFuncSpec{Name: "LOOKUP", Using: "HTTP", Return: sqltypes.Bigint,
		Params: []udf.Param{{Name: "X", Type: sqltypes.Bigint}},
		Props:  map[string]any{"url": url, "response_path": "y"}})
	if err != nil {
		b.Fatal(err)
	}
	return def.Variants[0]
}

var (
	svcMaxOnce sync.Once
	svcMax     float64
)

// serviceMax measures the loopback service's own maximum rate with no
// latency: 256 concurrent clients for one second. Client and server share
// the machine's cores, as in the enrichment runs.
func serviceMax(b *testing.B) float64 {
	svcMaxOnce.Do(func() {
		v := benchFunc(b, benchService(b, 0))
		var n atomic.Int64
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		var wg sync.WaitGroup
		t0 := time.Now()
		for range 256 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ec := &udf.EvalContext{Ctx: context.Background()}
				for ctx.Err() == nil {
					if _, err := v.Eval(ec, []sqltypes.Value{int64(1)}); err == nil {
						n.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		svcMax = float64(n.Load()) / time.Since(t0).Seconds()
	})
	return svcMax
}

func BenchmarkServiceMax(b *testing.B) {
	b.ReportMetric(serviceMax(b), "calls/s")
}

// BenchmarkSyncBaseline is ENRICH USING without ASYNC: each partition's
// task makes one call at a time (the 1 / latency wall), 4 partitions.
func BenchmarkSyncBaseline(b *testing.B) {
	v := benchFunc(b, benchService(b, benchLatency))
	var next atomic.Int64
	b.ResetTimer()
	t0 := time.Now()
	var wg sync.WaitGroup
	for range benchPartitions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ec := &udf.EvalContext{Ctx: context.Background()}
			for next.Add(1) <= int64(b.N) {
				if _, err := v.Eval(ec, []sqltypes.Value{int64(1)}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	rps := float64(b.N) / time.Since(t0).Seconds()
	b.ReportMetric(rps, "records/s")
	b.ReportMetric(benchPartitions/benchLatency.Seconds(), "limit/s")
	b.ReportMetric(rps/(benchPartitions/benchLatency.Seconds()), "ratio")
}

func BenchmarkEnrich(b *testing.B) {
	for _, order := range []string{"ordered", "key", "unordered"} {
		for _, workers := range []int{32, 256, 1024} {
			b.Run(fmt.Sprintf("%s/workers=%d", order, workers), func(b *testing.B) {
				benchEnrich(b, order, workers, false)
			})
		}
	}
	for _, workers := range []int{32, 256, 1024} {
		b.Run(fmt.Sprintf("ordered-drain-on-commit/workers=%d", workers), func(b *testing.B) {
			benchEnrich(b, "ordered", workers, true)
		})
	}
}

func benchEnrich(b *testing.B, order string, workers int, drain bool) {
	maxRate := serviceMax(b)
	fn := VariantFunc(benchFunc(b, benchService(b, benchLatency)), nil)
	opts, err := ParseOptions(map[string]any{"workers": int64(workers), "buffer": int64(2 * workers),
		"order": order, "timeout": "10s"})
	if err != nil {
		b.Fatal(err)
	}
	op, err := New(context.Background(), fn, opts, Config{Function: "LOOKUP"})
	if err != nil {
		b.Fatal(err)
	}
	defer op.Close()
	keys := 10 * workers // distinct keys outnumber workers 10 to 1
	submitted := make([]time.Time, b.N)
	lat := make([]time.Duration, 0, b.N)
	emitted := 0
	var t10, t90 time.Time
	emit := func(r *Result) error {
		if r.Action != Emit {
			return r.Err
		}
		lat = append(lat, time.Since(submitted[r.In.Row.Offset]))
		emitted++
		switch emitted {
		case b.N / 10:
			t10 = time.Now()
		case b.N * 9 / 10:
			t90 = time.Now()
		}
		return nil
	}
	ctx := context.Background()
	offs := make([]int64, benchPartitions)
	b.ResetTimer()
	cpu0 := processCPU()
	t0 := time.Now()
	lastCommit := t0
	for i := range b.N {
		k := i % keys
		p := int32(k % benchPartitions)
		submitted[i] = time.Now()
		in := &Input{Partition: p, Offset: offs[p], Key: fmt.Sprint(k), Args: []sqltypes.Value{int64(i)},
			Row: rowOf(int64(i))}
		offs[p]++
		if err := op.Submit(ctx, in, emit); err != nil {
			b.Fatal(err)
		}
		if _, err := op.Poll(emit); err != nil {
			b.Fatal(err)
		}
		if time.Since(lastCommit) >= benchCommit {
			if drain {
				err = op.Drain(ctx, emit)
			} else {
				_ = op.Checkpoint()
			}
			if err != nil {
				b.Fatal(err)
			}
			lastCommit = time.Now()
		}
	}
	if err := op.Drain(ctx, emit); err != nil {
		b.Fatal(err)
	}
	el := time.Since(t0)
	cpu := processCPU() - cpu0
	b.StopTimer()
	if emitted != b.N {
		b.Fatalf("emitted %d of %d", emitted, b.N)
	}
	// The sustained rate, between 10 % and 90 % of the results as on the
	// Kafka runtime's benchmark: Little's law is about the steady state,
	// and the first 50 ms (no call has completed yet) would otherwise
	// weigh on a short run. ratio-overall keeps the start.
	overall := float64(b.N) / el.Seconds()
	rps := overall
	if n := b.N*9/10 - b.N/10; n > 0 && t90.After(t10) && !t10.IsZero() {
		rps = float64(n) / t90.Sub(t10).Seconds()
	}
	limit := float64(workers) / benchLatency.Seconds()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(rps, "records/s")
	b.ReportMetric(limit, "limit/s")
	b.ReportMetric(rps/limit, "ratio")
	b.ReportMetric(overall/limit, "ratio-overall")
	b.ReportMetric(rps/min(limit, maxRate), "ratio-vs-cap")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	st := op.Stats()
	b.ReportMetric(float64(st.MaxInFlight), "max-inflight")
	b.ReportMetric(float64(st.LatencyP50.Microseconds())/1000, "call-p50-ms")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/rec")
	b.ReportMetric(cpu.Seconds()/el.Seconds(), "cores")
}

// processCPU is the CPU time (user + system) the test process has used so
// far: client, operator and the in-process service together. CPU per
// record is the cost figure that stays meaningful on a shared machine.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rowOf carries the record index in Row.Offset for latency bookkeeping.
func rowOf(i int64) (r exec.Row) { r.Offset = i; return r }

// BenchmarkClientOnly is the ceiling any operator can reach with this
// client on this machine: workers goroutines calling the HTTP function in
// a closed loop against the 50 ms service, with no operator, no task
// goroutine and no ordering. ratio = calls/s ÷ workers / 0.05 s.
func BenchmarkClientOnly(b *testing.B) {
	for _, workers := range []int{256, 1024} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			v := benchFunc(b, benchService(b, benchLatency))
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			cpu0 := processCPU()
			t0 := time.Now()
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
						_, err := v.Eval(&udf.EvalContext{Ctx: ctx}, []sqltypes.Value{int64(1)})
						cancel()
						if err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			el := time.Since(t0)
			cpu := processCPU() - cpu0
			limit := float64(workers) / benchLatency.Seconds()
			b.ReportMetric(float64(b.N)/el.Seconds()/limit, "ratio")
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/rec")
		})
	}
}
