package kafka_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/kafka/devbroker"
)

// The copy benchmarks move b.N records of 100 bytes from topic "in" to
// topic "out" (4 partitions each) on a 3-broker dev broker, as
// DEPENDENCIES.md measured them; one op is one record. The input is
// produced before the timer starts. `make bench` reports
// BenchmarkTransactionalCopy against BenchmarkBaselineProduceConsume.

const benchPartitions = 4

func benchSetup(b *testing.B) *devbroker.Broker {
	b.Helper()
	br := startBroker(b, devbroker.Config{Brokers: 3})
	a := newAdmin(b, br)
	createTopic(b, a, "in", benchPartitions)
	createTopic(b, a, "out", benchPartitions)
	p, err := ck.NewProducer(&ck.ConfigMap{"bootstrap.servers": br.Addr(), "go.delivery.reports": false,
		"enable.metrics.push": false, "linger.ms": 5, "log_level": 3})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	topic := "in"
	for i := 0; i < b.N; i++ {
		v := fmt.Appendf(make([]byte, 0, 100), "%0100d", i)
		m := &ck.Message{TopicPartition: ck.TopicPartition{Topic: &topic, Partition: int32(i % benchPartitions)}, Value: v[:100]}
		for {
			err := p.Produce(m, nil)
			if err == nil {
				break
			}
			if err.(ck.Error).Code() != ck.ErrQueueFull {
				b.Fatal(err)
			}
			p.Flush(10)
		}
	}
	for p.Flush(1000) > 0 {
	}
	return br
}

func report(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkTransactionalCopy is rql's exactly-once cycle without any
// processing: TxnSession Poll → Produce, committing (offsets + output)
// every 100 ms.
func BenchmarkTransactionalCopy(b *testing.B) {
	benchSessionCopy(b, kafka.ExactlyOnceV2)
}

// BenchmarkAtLeastOnceCopy is the same cycle under at-least-once.
func BenchmarkAtLeastOnceCopy(b *testing.B) {
	benchSessionCopy(b, kafka.AtLeastOnce)
}

func benchSessionCopy(b *testing.B, g kafka.Guarantee) {
	br := benchSetup(b)
	ctx := context.Background()
	s := newSession(b, br, kafka.Group("bench"), kafka.Topics("in"), kafka.ProcessingGuarantee(g),
		kafka.PollWait(10*time.Millisecond), kafka.MaxPollRecords(10000))
	b.ReportAllocs()
	// Wait for the group to assign the partitions and the first records.
	var f kafka.Fetch
	var err error
	for len(f.Records) == 0 {
		if f, err = s.Poll(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	n := 0
	outs := make([]*kafka.Record, 0, 10000)
	for n < b.N {
		if err := s.Begin(); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		for time.Since(start) < 100*time.Millisecond && n < b.N {
			if len(f.Records) == 0 {
				if f, err = s.Poll(ctx); err != nil {
					b.Fatal(err)
				}
			}
			outs = outs[:0]
			for _, r := range f.Records {
				outs = append(outs, &kafka.Record{Topic: "out", Partition: r.Partition, Key: r.Key, Value: r.Value})
			}
			if err := s.Produce(ctx, outs...); err != nil {
				b.Fatal(err)
			}
			n += len(f.Records)
			f = kafka.Fetch{}
		}
		if ok, err := s.End(ctx, true); err != nil || !ok {
			b.Fatalf("End = %v, %v", ok, err)
		}
	}
	b.StopTimer()
	report(b)
}

// BenchmarkBaselineProduceConsume is the ceiling: the same copy with raw
// confluent-kafka-go, no group, no transactions, no commits.
func BenchmarkBaselineProduceConsume(b *testing.B) {
	br := benchSetup(b)
	b.ReportAllocs()
	c, err := ck.NewConsumer(&ck.ConfigMap{"bootstrap.servers": br.Addr(), "group.id": "raw",
		"enable.auto.commit": false, "fetch.queue.backoff.ms": 10, "enable.metrics.push": false, "log_level": 3})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	p, err := ck.NewProducer(&ck.ConfigMap{"bootstrap.servers": br.Addr(), "go.delivery.reports": false,
		"enable.metrics.push": false, "log_level": 3})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	in, out := "in", "out"
	var tps []ck.TopicPartition
	for i := int32(0); i < benchPartitions; i++ {
		tps = append(tps, ck.TopicPartition{Topic: &in, Partition: i, Offset: ck.OffsetBeginning})
	}
	if err := c.Assign(tps); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for n := 0; n < b.N; {
		m, ok := c.Poll(100).(*ck.Message)
		if !ok || m.TopicPartition.Error != nil {
			continue
		}
		om := &ck.Message{TopicPartition: ck.TopicPartition{Topic: &out, Partition: m.TopicPartition.Partition}, Key: m.Key, Value: m.Value}
		for {
			err := p.Produce(om, nil)
			if err == nil {
				break
			}
			p.Flush(1)
		}
		n++
	}
	for p.Flush(1000) > 0 {
	}
	b.StopTimer()
	report(b)
}
