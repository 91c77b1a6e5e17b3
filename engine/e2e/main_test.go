// Package e2e runs rql as separate processes — `rql dev-broker` and
// `rql run` — and kills them, to test what only processes can show:
// exactly-once output under SIGKILL, and two members of one service
// splitting and taking over a query's partitions.
package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
)

// rqlBin is the rql binary built once for the package's tests.
var rqlBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rql-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	rqlBin = filepath.Join(dir, "rql")
	build := exec.Command("go", "build", "-o", rqlBin, "github.com/rql/rql/cmd/rql")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building rql:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a child rql process whose output is kept for failure reports.
type proc struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  strings.Builder
	done chan struct{}
}

func (p *proc) write(b []byte) {
	p.mu.Lock()
	p.out.Write(b)
	p.mu.Unlock()
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// start runs rql with args; lines of its output are also sent to lines
// (if non-nil) until it exits.
func start(t *testing.T, lines chan<- string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(rqlBin, args...), done: make(chan struct{})}
	pr, pw := io.Pipe()
	p.cmd.Stdout, p.cmd.Stderr = pw, pw
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			p.write(append(sc.Bytes(), '\n'))
			if lines != nil {
				select {
				case lines <- sc.Text():
				default:
				}
			}
		}
	}()
	go func() {
		_ = p.cmd.Wait()
		pw.Close()
		close(p.done)
	}()
	t.Cleanup(func() { p.kill() })
	return p
}

// kill sends SIGKILL and waits for the process to die.
func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// term sends SIGTERM and waits up to d for a graceful exit.
func (p *proc) term(t *testing.T, d time.Duration) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(d):
		t.Errorf("rql did not stop within %s after SIGTERM; output:\n%s", d, p.output())
		p.kill()
	}
}

// killLoop runs `rql args...` kills times, each process SIGKILLed after a
// random [minMs, minMs+spanMs) ms; after each kill, between(i, output) runs
// when non-nil (to wipe state, count restores). It returns how many of the
// processes got their partitions before they were killed.
func killLoop(t *testing.T, rng *rand.Rand, kills, minMs, spanMs int, args []string,
	between func(i int, output string)) (working int) {
	t.Helper()
	for i := 0; i < kills; i++ {
		p := start(t, nil, args...)
		time.Sleep(time.Duration(minMs+rng.Intn(spanMs)) * time.Millisecond)
		p.kill()
		out := p.output()
		if strings.Contains(out, "partitions assigned") {
			working++
		}
		if between != nil {
			between(i, out)
		}
	}
	t.Logf("%d kills, %d of them after the queries got their partitions", kills, working)
	return working
}

// wipeState removes the state directories matching pattern (a lost disk:
// the next start restores them from their changelogs).
func wipeState(t *testing.T, pattern string) {
	t.Helper()
	wipe, _ := filepath.Glob(pattern)
	for _, w := range wipe {
		if err := os.RemoveAll(w); err != nil {
			t.Fatal(err)
		}
	}
}

var bootstrapLine = regexp.MustCompile(`bootstrap servers: (\S+)`)

// startBroker starts `rql dev-broker` and returns its bootstrap address.
func startBroker(t *testing.T) string {
	t.Helper()
	lines := make(chan string, 16)
	p := start(t, lines, "dev-broker", "--listen", "127.0.0.1:0")
	timeout := time.After(20 * time.Second)
	for {
		select {
		case l := <-lines:
			if m := bootstrapLine.FindStringSubmatch(l); m != nil {
				return m[1]
			}
		case <-timeout:
			t.Fatalf("dev broker printed no address:\n%s", p.output())
		}
	}
}

var quiet = kafka.Property("log_level", "3")

func createTopic(t *testing.T, addr, name string, parts int) {
	t.Helper()
	a, err := kafka.NewAdmin(kafka.BootstrapServers(addr), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.CreateTopics(ctx, kafka.TopicSpec{Name: name, Partitions: parts}); err != nil {
		t.Fatal(err)
	}
}

// feeder produces records i in [0, n) to topic, key "k<i>", value
// {"N":i,"PAD":"..."}, in chunks, spread over about d.
func feed(t *testing.T, addr, topic string, n int, d time.Duration) <-chan error {
	pad := strings.Repeat("x", 40)
	return feedChunks(addr, n, 5000, d, func(i int) *kafka.Record {
		return &kafka.Record{Topic: topic, Partition: -1, Key: fmt.Appendf(nil, "k%d", i),
			Value: fmt.Appendf(nil, `{"N":%d,"PAD":"%s"}`, i, pad)}
	})
}

// feedChunks produces the records rec(i) for i in [0, n) in chunks of
// chunk, spread over about d, through one idempotent producer (murmur2
// partitioning, as Kafka's Java client); the channel gets the outcome.
func feedChunks(addr string, n, chunk int, d time.Duration, rec func(i int) *kafka.Record) <-chan error {
	errc := make(chan error, 1)
	go func() {
		p, err := kafka.NewProducer(kafka.BootstrapServers(addr), quiet, kafka.Property("linger.ms", "5"),
			kafka.Property("partitioner", "murmur2_random"))
		if err != nil {
			errc <- err
			return
		}
		defer p.Close(context.Background())
		pause := d / time.Duration((n+chunk-1)/chunk)
		for from := 0; from < n; from += chunk {
			recs := make([]*kafka.Record, 0, chunk)
			for i := from; i < min(n, from+chunk); i++ {
				recs = append(recs, rec(i))
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			err := p.Produce(ctx, recs...)
			cancel()
			if err != nil {
				errc <- err
				return
			}
			time.Sleep(pause)
		}
		errc <- nil
	}()
	return errc
}

// readCommitted reads topic from the beginning with read_committed until
// want records arrived and then 1 s passed without more, or deadline.
func readCommitted(t *testing.T, addr, topic string, want int, deadline time.Duration) []*kafka.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	r, err := kafka.NewReader(ctx, topic, kafka.BootstrapServers(addr), kafka.FromBeginning(), quiet,
		kafka.MaxPollRecords(20000))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []*kafka.Record
	last := time.Now()
	for {
		f, err := r.Poll(ctx)
		if err != nil {
			return out // deadline: the caller reports what is missing
		}
		if len(f.Records) > 0 {
			out = append(out, f.Records...)
			last = time.Now()
		}
		if len(out) >= want && time.Since(last) > time.Second {
			return out
		}
	}
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
