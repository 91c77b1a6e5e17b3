package devbroker_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
	"github.com/rql/rql/kafka/devbroker"
	"github.com/rql/rql/rqlerr"
)

var quiet = kafka.LogFunc(func(int, string, string) {})

func produce(t *testing.T, addr, topic string, from, to int) {
	t.Helper()
	p, err := kafka.NewProducer(kafka.BootstrapServers(addr), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	var recs []*kafka.Record
	for i := from; i < to; i++ {
		recs = append(recs, &kafka.Record{Topic: topic, Partition: -1, Key: fmt.Appendf(nil, "k%d", i), Value: fmt.Appendf(nil, "v%d", i)})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Produce(ctx, recs...); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, addr, topic string, want int) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := kafka.NewReader(ctx, topic, kafka.BootstrapServers(addr), kafka.FromBeginning(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for n < want {
		f, err := r.Poll(ctx)
		if err != nil {
			break
		}
		n += len(f.Records)
	}
	return n
}

func TestPersistenceAcrossRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	b, err := devbroker.Start(devbroker.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	a, err := kafka.NewAdmin(kafka.BootstrapServers(b.Addr()), quiet)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.CreateTopics(context.Background(), kafka.TopicSpec{Name: "keep", Partitions: 3}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	produce(t, b.Addr(), "keep", 0, 500)
	b.Close()

	b2, err := devbroker.Start(devbroker.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer b2.Close()
	if n := count(t, b2.Addr(), "keep", 500); n != 500 {
		t.Fatalf("after restart read %d records, want 500", n)
	}
	a2, err := kafka.NewAdmin(kafka.BootstrapServers(b2.Addr()), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer a2.Close()
	infos, err := a2.DescribeTopics(context.Background(), "keep")
	if err != nil || len(infos) != 1 || infos[0].Partitions != 3 {
		t.Fatalf("after restart: %v, %v; want 3 partitions", infos, err)
	}
}

func TestAutoCreateAndBrokers(t *testing.T) {
	t.Parallel()
	b, err := devbroker.Start(devbroker.Config{Brokers: 3, Partitions: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got := len(strings.Split(b.Addr(), ",")); got != 3 {
		t.Fatalf("Addr() = %q, want 3 brokers", b.Addr())
	}
	produce(t, b.Addr(), "auto", 0, 10) // the producer's metadata request creates it
	if got := len(b.Cluster().PartitionInfos("auto")); got != 2 {
		t.Fatalf("auto-created topic has %d partitions, want 2", got)
	}
	if n := count(t, b.Addr(), "auto", 10); n != 10 {
		t.Fatalf("read %d records, want 10", n)
	}
}

func TestRunPrintsAddressAndStops(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- devbroker.Run(ctx, devbroker.Options{Listen: fmt.Sprintf("127.0.0.1:%d", port), Out: &out})
	}()
	want := fmt.Sprintf("bootstrap servers: 127.0.0.1:%d\n", port)
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if out.String() != want {
		t.Fatalf("Run printed %q, want %q", out.String(), want)
	}
	produce(t, fmt.Sprintf("127.0.0.1:%d", port), "t", 0, 1)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for _, cfg := range []devbroker.Config{
		{Listen: "nonsense"},
		{Listen: "127.0.0.1:x"},
		{Listen: "127.0.0.1:65535", Brokers: 2},
		{Brokers: -1},
		{Partitions: -3},
	} {
		if _, err := devbroker.Start(cfg); !errors.Is(err, rqlerr.KafkaConfig) {
			t.Errorf("Start(%+v) = %v, want %s", cfg, err, rqlerr.KafkaConfig)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
