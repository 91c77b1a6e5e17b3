package kafka_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
	"github.com/rql/rql/kafka/devbroker"
	"github.com/rql/rql/rqlerr"
)

func TestAdminTopics(t *testing.T) {
	t.Parallel()
	b := startBroker(t, devbroker.Config{Brokers: 3})
	a := newAdmin(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()

	err := a.CreateTopics(ctx,
		kafka.TopicSpec{Name: "orders", Partitions: 3},
		kafka.TopicSpec{Name: "users-changelog", Partitions: 2, Configs: map[string]string{"cleanup.policy": "compact"}},
		kafka.TopicSpec{Name: "dflt"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.CreateTopics(ctx, kafka.TopicSpec{Name: "orders", Partitions: 1}); !errors.Is(err, rqlerr.KafkaTopicExists) {
		t.Fatalf("creating an existing topic: got %v, want %s", err, rqlerr.KafkaTopicExists)
	}
	infos, err := a.DescribeTopics(ctx, "orders", "users-changelog", "dflt")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, ti := range infos {
		got[ti.Name] = ti.Partitions
	}
	want := map[string]int{"orders": 3, "users-changelog": 2, "dflt": 1}
	for n, p := range want {
		if got[n] != p {
			t.Errorf("%s: %d partitions, want %d", n, got[n], p)
		}
	}
	cfgs, err := a.TopicConfigs(ctx, "users-changelog")
	if err != nil {
		t.Fatal(err)
	}
	if cfgs["cleanup.policy"] != "compact" {
		t.Errorf("cleanup.policy = %q, want compact (configs %v)", cfgs["cleanup.policy"], cfgs)
	}
	names, err := a.ListTopics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"dflt", "orders", "users-changelog"}) {
		t.Errorf("ListTopics = %v", names)
	}
	if err := a.DeleteTopics(ctx, "orders"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DescribeTopics(ctx, "orders"); !errors.Is(err, rqlerr.KafkaTopicMissing) {
		t.Fatalf("describing a deleted topic: got %v, want %s", err, rqlerr.KafkaTopicMissing)
	}
	if err := a.DeleteTopics(ctx, "orders"); !errors.Is(err, rqlerr.KafkaTopicMissing) {
		t.Fatalf("deleting a missing topic: got %v, want %s", err, rqlerr.KafkaTopicMissing)
	}
}

func TestProduceAndRead(t *testing.T) {
	t.Parallel()
	b := startBroker(t, devbroker.Config{})
	a := newAdmin(t, b)
	createTopic(t, a, "in", 2)
	produceN(t, b, "in", 0, 200)
	p, err := kafka.NewProducer(kafka.BootstrapServers(b.Addr()), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	ts := time.UnixMilli(1_700_000_000_000)
	err = p.Produce(context.Background(), &kafka.Record{Topic: "in", Partition: 1, Key: nil,
		Value: []byte("last"), Timestamp: ts, Headers: []kafka.Header{{Key: "h", Value: []byte("x")}}})
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, b, "in", 201)
	if len(recs) != 201 {
		t.Fatalf("read %d records, want 201", len(recs))
	}
	seen := map[string]bool{}
	var last *kafka.Record
	for _, r := range recs {
		if string(r.Value) == "last" {
			last = r
			continue
		}
		if string(r.Key) != "k"+string(r.Value[1:]) {
			t.Errorf("record %q → %q", r.Key, r.Value)
		}
		seen[string(r.Value)] = true
	}
	if len(seen) != 200 {
		t.Errorf("%d distinct values, want 200", len(seen))
	}
	if last == nil || last.Partition != 1 || last.Key != nil || !last.Timestamp.Equal(ts) ||
		len(last.Headers) != 1 || last.Headers[0].Key != "h" || string(last.Headers[0].Value) != "x" {
		t.Errorf("record with headers came back as %+v", last)
	}
	// The same key always lands on the same partition.
	part := map[string]int32{}
	for _, r := range recs {
		if q, ok := part[string(r.Key)]; ok && q != r.Partition && r.Key != nil {
			t.Errorf("key %q on partitions %d and %d", r.Key, q, r.Partition)
		}
		part[string(r.Key)] = r.Partition
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := kafka.NewReader(ctx, "nope", kafka.BootstrapServers(b.Addr()), quiet); !errors.Is(err, rqlerr.KafkaTopicMissing) {
		t.Fatalf("reader of a missing topic: got %v, want %s", err, rqlerr.KafkaTopicMissing)
	}
}

func TestReaderPollStopsOnCancel(t *testing.T) {
	t.Parallel()
	b := startBroker(t, devbroker.Config{})
	createTopic(t, newAdmin(t, b), "idle", 1)
	r, err := kafka.NewReader(context.Background(), "idle", kafka.BootstrapServers(b.Addr()),
		kafka.PollWait(time.Hour), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	if _, err := r.Poll(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Poll after cancel: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Poll took %s to notice the cancel", d)
	}
}

func TestLogFuncReceivesClientLogs(t *testing.T) {
	t.Parallel()
	b := startBroker(t, devbroker.Config{})
	addr := b.Addr()
	b.Close() // nothing listens there any more
	lines := make(chan string, 100)
	a, err := kafka.NewAdmin(kafka.BootstrapServers(addr), kafka.LogFunc(func(level int, tag, msg string) {
		select {
		case lines <- tag + ": " + msg:
		default:
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if _, err := a.ListTopics(ctx); err == nil {
		t.Fatal("ListTopics against a stopped broker succeeded")
	} else if !errors.Is(err, rqlerr.KafkaRetriable) {
		t.Errorf("ListTopics against a stopped broker: %v, want %s", err, rqlerr.KafkaRetriable)
	}
	select {
	case l := <-lines:
		t.Logf("first log line: %s", l)
	case <-time.After(3 * time.Second):
		t.Fatal("no log line reached LogFunc")
	}
}
