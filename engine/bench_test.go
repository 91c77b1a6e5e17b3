package engine_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rql/rql/engine"
	"github.com/rql/rql/exec/asyncio/loopsvc"
	"github.com/rql/rql/internal/procs"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/kafka/devbroker"
)

// The benchmarks compare rql's stateless path with a raw confluent-kafka-go
// consume → produce copy loop on the same broker in the same run:
//
//	BenchmarkEngineFilterProjectEOS  vs BenchmarkBaselineTxnCopyEOS  (exactly-once)
//	BenchmarkEngineFilterProjectALO  vs BenchmarkBaselineCopyALO     (at-least-once)
//
// One op is one pass over the same 1M JSON records of about 250 bytes in a
// 4-partition topic, produced once before the first benchmark; each pass
// starts a fresh query (consumer group and output topic) and ends when
// every record's offset is committed, so ns/op includes joining the group.
// The broker runs in a child process (this test binary, re-executed), so
// that peak-RSS-MB — the highest resident set size sampled during the
// passes — is the engine's (or the raw loop's) alone.

const (
	benchRecords    = 1_000_000
	benchPartitions = 4
	benchInput      = "bench-in"
)

func TestMain(m *testing.M) {
	if os.Getenv("RQL_TEST_DEVBROKER") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
		defer stop()
		if err := devbroker.Run(ctx, devbroker.Options{Out: os.Stdout}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if v := os.Getenv("RQL_TEST_LOOPSVC"); v != "" {
		os.Exit(runLoopService(v))
	}
	procs.Apply() // the Ps the rql binary runs with, so benchmarks measure it
	code := m.Run()
	benchBroker.stop()
	enrichService.stop()
	os.Exit(code)
}

// runLoopService is the child process serving the enrichment benchmarks'
// loopback HTTP service (loopsvc) with the given latency until SIGTERM.
func runLoopService(latency string) int {
	d, err := time.ParseDuration(latency)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	srv, err := loopsvc.Start(d, `{"y": 1}`)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("service url: " + srv.URL)
	<-ctx.Done()
	srv.Close()
	return 0
}

// The benchmarks' broker and the enrichment benchmarks' HTTP service run
// in child processes (this test binary, re-executed), so that the process
// measured runs rql alone, as beside a remote broker and service: its CPU
// figures and peak RSS are the engine's, and the Go scheduler that serves
// the engine's goroutines serves no broker or service goroutine. They
// still share the machine's cores. Each is started once per run.
var (
	benchBroker    = childProc{env: "RQL_TEST_DEVBROKER=1", prefix: "bootstrap servers: "}
	enrichService  = childProc{env: "RQL_TEST_LOOPSVC=" + enrichBenchLatency.String(), prefix: "service url: "}
	benchInputOnce sync.Once
	benchInputErr  error
)

type childProc struct {
	env, prefix string // the child's environment variable; the line prefix before its address

	once sync.Once
	addr string
	err  error
	cmd  *exec.Cmd
}

func (c *childProc) stop() {
	if c.cmd != nil {
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
		_ = c.cmd.Wait()
	}
}

// start starts the child once and returns the address it printed.
func (c *childProc) start(b *testing.B) string {
	b.Helper()
	c.once.Do(func() {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), c.env)
		out, err := cmd.StdoutPipe()
		if err != nil {
			c.err = err
			return
		}
		cmd.Stderr = os.Stderr
		if c.err = cmd.Start(); c.err != nil {
			return
		}
		c.cmd = cmd
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), c.prefix); ok {
				c.addr = a
				break
			}
		}
		go func() {
			for sc.Scan() {
			}
		}()
		if c.addr == "" {
			c.err = fmt.Errorf("the child process (%s) printed no address", c.env)
		}
	})
	if c.err != nil {
		b.Fatal(c.err)
	}
	return c.addr
}

var benchGCOnce sync.Once

// benchGC sets the GC target `rql run` uses (see cmd/rql/run.go) unless
// GOGC is set, for the engine and the raw loops alike.
func benchGC() {
	benchGCOnce.Do(func() {
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(engine.DefaultGCPercent)
		}
	})
}

// benchSetup starts the broker and produces the input, once.
func benchSetup(b *testing.B) string {
	b.Helper()
	addr := benchBroker.start(b)
	benchGC()
	benchInputOnce.Do(func() { benchInputErr = produceBenchInput(addr) })
	if benchInputErr != nil {
		b.Fatal(benchInputErr)
	}
	return addr
}

// benchValue is a JSON record of about 250 bytes.
func benchValue(i int) []byte {
	return fmt.Appendf(nil, `{"ID":"user-%08d","A":%d,"B":%d.25,"C":"%s","D":"%s","E":%t,"F":"%s"}`,
		i, i, i%1000, strings.Repeat("c", 60), strings.Repeat("d", 60), i%2 == 0, strings.Repeat("f", 50))
}

func produceBenchInput(addr string) error {
	a, err := kafka.NewAdmin(kafka.BootstrapServers(addr), quiet)
	if err != nil {
		return err
	}
	defer a.Close()
	ctx := context.Background()
	if err := a.CreateTopics(ctx, kafka.TopicSpec{Name: benchInput, Partitions: benchPartitions}); err != nil {
		return err
	}
	p, err := ck.NewProducer(&ck.ConfigMap{"bootstrap.servers": addr, "go.delivery.reports": false,
		"enable.metrics.push": false, "linger.ms": 5, "log_level": 3, "partitioner": "murmur2_random"})
	if err != nil {
		return err
	}
	defer p.Close()
	topic := benchInput
	for i := 0; i < benchRecords; i++ {
		m := &ck.Message{TopicPartition: ck.TopicPartition{Topic: &topic, Partition: ck.PartitionAny},
			Key: fmt.Appendf(nil, "user-%08d", i), Value: benchValue(i)}
		for {
			err := p.Produce(m, nil)
			if err == nil {
				break
			}
			if err.(ck.Error).Code() != ck.ErrQueueFull {
				return err
			}
			p.Flush(10)
		}
	}
	for p.Flush(1000) > 0 {
	}
	return nil
}

// rssSampler records the peak VmRSS of this process while running.
type rssSampler struct {
	peak atomic.Int64
	stop chan struct{}
	done chan struct{}
}

func sampleRSS() *rssSampler {
	debug.FreeOSMemory() // start from what is live, not from the last benchmark's peak
	s := &rssSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			if kb := vmRSSKB(); kb > s.peak.Load() {
				s.peak.Store(kb)
			}
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) finish() float64 {
	close(s.stop)
	<-s.done
	return float64(s.peak.Load()) / 1024
}

func vmRSSKB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// cpuMeter measures CPU time (user + system) of this process and of the
// broker's during the passes: on a machine whose cores are shared (the
// broker runs on the same 2 cores), CPU per record compares the engine
// with the raw loop more steadily than wall time.
type cpuMeter struct{ self, broker time.Duration }

func startCPU() cpuMeter {
	return cpuMeter{self: selfCPU(), broker: procCPU(benchBroker.cmd)}
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU reads utime + stime of a child process from /proc (clock ticks
// of 10 ms).
func procCPU(cmd *exec.Cmd) time.Duration {
	if cmd == nil || cmd.Process == nil {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", cmd.Process.Pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond
}

func report(b *testing.B, rss *rssSampler, cpu cpuMeter) {
	n := float64(benchRecords) * float64(b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(rss.finish(), "peak-RSS-MB")
	b.ReportMetric(float64((selfCPU()-cpu.self).Microseconds())/n, "cpu-us/rec")
	b.ReportMetric(float64((procCPU(benchBroker.cmd)-cpu.broker).Microseconds())/n, "broker-cpu-us/rec")
}

func BenchmarkEngineFilterProjectEOS(b *testing.B) { benchEngine(b, "exactly_once_v2") }
func BenchmarkEngineFilterProjectALO(b *testing.B) { benchEngine(b, "at_least_once") }

// benchEngine runs a filter (keeping 90 %) + projection query over the
// input until every input record is consumed by a committed cycle.
func benchEngine(b *testing.B, guarantee string) {
	benchQuery(b, map[string]string{"processing.guarantee": guarantee}, 1,
		"CREATE STREAM %s AS SELECT id, a, b * 2 AS b2, UCASE(c) AS c, e FROM bsrc WHERE a %% 10 <> 0;")
}

// benchQuery runs, b.N times, a fresh engine with props executing the
// persistent query ddl (a format with one %s: the output's name) over
// the input stream bsrc, until committed cycles consumed passes × the
// input's records (a query with a repartition topic reads each record
// twice), then stops it and deletes its output.
func benchQuery(b *testing.B, props map[string]string, passes int64, ddl string) {
	addr := benchSetup(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	rss, cpu := sampleRSS(), startCPU()
	for i := 0; i < b.N; i++ {
		p := map[string]string{"auto.offset.reset": "earliest"}
		for k, v := range props {
			p[k] = v
		}
		e, err := engine.New(ctx, engine.Options{Bootstrap: addr, StateDir: b.TempDir(), ServiceID: "bench", Properties: p})
		if err != nil {
			b.Fatal(err)
		}
		out := fmt.Sprintf("bench_out_%d_%d", i, time.Now().UnixNano())
		res, err := e.Execute(ctx, fmt.Sprintf(`
CREATE STREAM IF NOT EXISTS bsrc (id VARCHAR KEY, a BIGINT, b DOUBLE, c VARCHAR, d VARCHAR, e BOOLEAN, f VARCHAR)
  WITH (kafka_topic='%s', value_format='JSON');
`, benchInput)+fmt.Sprintf(ddl, out))
		if err != nil {
			b.Fatal(err)
		}
		qid := res[len(res)-1].QueryID
		for {
			q, _ := e.Query(qid)
			if q.State != engine.StateRunning {
				b.Fatalf("query %s: %s %v", qid, q.State, q.Err)
			}
			if q.CommittedRecords >= passes*benchRecords {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		b.StopTimer()
		_ = e.Close(ctx)
		deleteTopic(addr, strings.ToUpper(out))
		b.StartTimer()
	}
	b.StopTimer()
	report(b, rss, cpu)
}

func deleteTopic(addr, topic string) {
	a, err := kafka.NewAdmin(kafka.BootstrapServers(addr), quiet)
	if err != nil {
		return
	}
	defer a.Close()
	_ = a.DeleteTopics(context.Background(), topic)
}

func BenchmarkBaselineTxnCopyEOS(b *testing.B) { benchRawCopy(b, true) }
func BenchmarkBaselineCopyALO(b *testing.B)    { benchRawCopy(b, false) }

// benchRawCopy is the ceiling: a hand-written confluent-kafka-go loop that
// copies every record (no parsing) to an output topic, committing every
// 100 ms in transactions (eos) or, at least once, flushing then committing
// offsets every 2 s (the engine's defaults).
func benchRawCopy(b *testing.B, eos bool) {
	addr := benchSetup(b)
	b.ReportAllocs()
	b.ResetTimer()
	rss, cpu := sampleRSS(), startCPU()
	for i := 0; i < b.N; i++ {
		out := fmt.Sprintf("raw-out-%t-%d-%d", eos, i, time.Now().UnixNano())
		if err := rawCopy(addr, out, eos); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		deleteTopic(addr, out)
		b.StartTimer()
	}
	b.StopTimer()
	report(b, rss, cpu)
}

func rawCopy(addr, out string, eos bool) error {
	ctx := context.Background()
	group := "raw-" + out
	a, err := kafka.NewAdmin(kafka.BootstrapServers(addr), quiet)
	if err != nil {
		return err
	}
	err = a.CreateTopics(ctx, kafka.TopicSpec{Name: out, Partitions: benchPartitions})
	a.Close()
	if err != nil {
		return err
	}
	c, err := ck.NewConsumer(&ck.ConfigMap{"bootstrap.servers": addr, "group.id": group,
		"auto.offset.reset": "earliest", "enable.auto.commit": false, "isolation.level": "read_committed",
		"fetch.queue.backoff.ms": 10, "enable.metrics.push": false, "log_level": 3})
	if err != nil {
		return err
	}
	defer c.Close()
	pc := &ck.ConfigMap{"bootstrap.servers": addr, "enable.metrics.push": false, "log_level": 3,
		"go.delivery.reports": false, "enable.idempotence": true}
	interval := 2 * time.Second
	if eos {
		_ = pc.SetKey("transactional.id", group)
		interval = 100 * time.Millisecond
	}
	p, err := ck.NewProducer(pc)
	if err != nil {
		return err
	}
	defer p.Close()
	go func() {
		for range p.Events() {
		}
	}()
	if eos {
		if err := p.InitTransactions(ctx); err != nil {
			return err
		}
		if err := p.BeginTransaction(); err != nil {
			return err
		}
	}
	if err := c.Subscribe(benchInput, nil); err != nil {
		return err
	}
	offsets := map[int32]int64{}
	commit := func() error {
		tps := make([]ck.TopicPartition, 0, len(offsets))
		topic := benchInput
		for part, off := range offsets {
			tps = append(tps, ck.TopicPartition{Topic: &topic, Partition: part, Offset: ck.Offset(off)})
		}
		if !eos {
			for p.Flush(100) > 0 {
			}
			if len(tps) > 0 {
				_, err := c.CommitOffsets(tps)
				return err
			}
			return nil
		}
		if len(tps) > 0 {
			md, err := c.GetConsumerGroupMetadata()
			if err != nil {
				return err
			}
			if err := p.SendOffsetsToTransaction(ctx, tps, md); err != nil {
				return err
			}
		}
		if err := p.CommitTransaction(ctx); err != nil {
			return err
		}
		return p.BeginTransaction()
	}
	consumed := 0
	last := time.Now()
	for consumed < benchRecords {
		if ev := c.Poll(100); ev != nil {
			if m, ok := ev.(*ck.Message); ok && m.TopicPartition.Error == nil {
				cp := &ck.Message{TopicPartition: ck.TopicPartition{Topic: &out, Partition: m.TopicPartition.Partition},
					Key: m.Key, Value: m.Value, Timestamp: m.Timestamp}
				for {
					err := p.Produce(cp, nil)
					if err == nil {
						break
					}
					if err.(ck.Error).Code() != ck.ErrQueueFull {
						return err
					}
					p.Flush(1)
				}
				offsets[m.TopicPartition.Partition] = int64(m.TopicPartition.Offset) + 1
				consumed++
			}
		}
		if time.Since(last) >= interval {
			if err := commit(); err != nil {
				return err
			}
			last = time.Now()
		}
	}
	return commit()
}
