package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/kafka"
)

// syncBuffer is a bytes.Buffer safe for the engine's goroutines.
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

var globalReady = regexp.MustCompile(`msg="global table ready".* records=(\d+) from-checkpoint=(\w+)`)

// TestGlobalTableResumesFromCheckpoint restarts an engine whose query
// joins a global table: the replica is not rebuilt, it reads on from its
// checkpoint (only the table records written while the engine was down),
// and joins with them. A checkpoint outside the topic's offsets (the
// topic deleted and created again) makes it read from the beginning.
func TestGlobalTableResumesFromCheckpoint(t *testing.T) {
	t.Parallel()
	b := startBroker(t, 1)
	addr := b.Addr()
	dir := t.TempDir()
	const sql = `
SET 'auto.offset.reset'='earliest';
CREATE STREAM orders (id VARCHAR KEY, pid VARCHAR, qty BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE products (id VARCHAR PRIMARY KEY, title VARCHAR) WITH (kafka_topic='products', value_format='JSON', global=true);
CREATE STREAM lines AS SELECT o.id, o.qty, p.title FROM orders o LEFT JOIN products p ON o.pid = p.id;
`
	createTopic(t, addr, "orders", 2)
	createTopic(t, addr, "products", 3) // one partition stays empty at first
	products := func(from, to int, title string) []*kafka.Record {
		var out []*kafka.Record
		for i := from; i < to; i++ {
			out = append(out, &kafka.Record{Topic: "products", Partition: int32(i % 2), Key: fmt.Appendf(nil, "p%d", i),
				Value: fmt.Appendf(nil, `{"TITLE":"%s %d"}`, title, i)})
		}
		return out
	}
	orders := func(from, to int) []*kafka.Record {
		var out []*kafka.Record
		for i := from; i < to; i++ {
			out = append(out, &kafka.Record{Topic: "orders", Partition: -1, Key: fmt.Appendf(nil, "o%d", i),
				Value: fmt.Appendf(nil, `{"PID":"p%d","QTY":%d}`, i%20, i)})
		}
		return out
	}
	// run starts an engine on dir, waits for the n-th output record and
	// stops; it returns what the global table bootstrap logged.
	run := func(n int) (records int, fromCkpt bool) {
		t.Helper()
		var logs syncBuffer
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		e, err := engine.New(ctx, engine.Options{Bootstrap: addr, StateDir: dir, ServiceID: "g",
			Properties: map[string]string{"commit.interval.ms": "50"},
			Logger:     slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Execute(ctx, sql); err != nil {
			t.Fatal(err)
		}
		readCommitted(t, addr, "LINES", n, 300*time.Millisecond, 30*time.Second)
		if err := e.Close(ctx); err != nil {
			t.Fatal(err)
		}
		m := globalReady.FindStringSubmatch(logs.String())
		if m == nil {
			t.Fatalf("no global table bootstrap logged:\n%s", logs.String())
		}
		fmt.Sscan(m[1], &records)
		return records, m[2] == "true"
	}

	produce(t, addr, products(0, 20, "first"))
	produce(t, addr, orders(0, 50))
	if n, ckpt := run(50); n != 20 || ckpt {
		t.Fatalf("first start read %d table records (from checkpoint %t), want 20 from the beginning", n, ckpt)
	}
	// While the engine is down: 5 products change, one lands in the
	// partition that was empty.
	upd := products(0, 5, "second")
	upd = append(upd, &kafka.Record{Topic: "products", Partition: 2, Key: []byte("p7"), Value: []byte(`{"TITLE":"third 7"}`)})
	produce(t, addr, upd)
	produce(t, addr, orders(50, 100))
	if n, ckpt := run(100); n != 6 || !ckpt {
		t.Errorf("restart read %d table records (from checkpoint %t), want the 6 written since, from the checkpoint", n, ckpt)
	}
	titles := map[string]string{}
	for _, r := range readCommitted(t, addr, "LINES", 100, 300*time.Millisecond, 30*time.Second) {
		titles[string(r.Key)] = string(r.Value)
	}
	for i := 50; i < 100; i++ {
		want := fmt.Sprintf("first %d", i%20)
		switch {
		case i%20 < 5:
			want = fmt.Sprintf("second %d", i%20)
		case i%20 == 7:
			want = "third 7"
		}
		if got := titles[fmt.Sprintf("o%d", i)]; !strings.Contains(got, want) {
			t.Errorf("o%d joined %s, want title %q", i, got, want)
		}
	}

	// The table's topic deleted and created again: its offsets restart
	// below the checkpoint, which is then invalid.
	deleteTopic(addr, "products")
	deadline := time.Now().Add(20 * time.Second)
	for {
		a, err := kafka.NewAdmin(kafka.BootstrapServers(addr), quiet)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = a.CreateTopics(ctx, kafka.TopicSpec{Name: "products", Partitions: 3})
		cancel()
		a.Close()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	produce(t, addr, products(0, 3, "fourth"))
	produce(t, addr, orders(100, 110))
	if n, ckpt := run(110); n != 3 || ckpt {
		t.Errorf("after the topic was recreated, read %d table records (from checkpoint %t), want 3 from the beginning", n, ckpt)
	}
}
