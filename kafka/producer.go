package kafka

import (
	"context"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rql/rql/rqlerr"
)

// Producer writes records without transactions (INSERT INTO ... VALUES,
// the processing log). It is idempotent (enable.idempotence=true): the
// client's own retries neither duplicate nor reorder records. It is safe
// for concurrent use.
type Producer struct {
	p   *ck.Producer
	cfg *cfg
}

// NewProducer returns a Producer. Options used: BootstrapServers, ClientID,
// Property(ies), PropertiesFile, LogFunc, RequestTimeout.
func NewProducer(opts ...Opt) (*Producer, error) {
	c := newCfg(opts)
	m, err := c.validate(kindProducer)
	if err != nil {
		return nil, err
	}
	// Delivery reports go to each Produce call's own channel; nothing is
	// left on Events() for Flush to wait for.
	m["go.delivery.reports"] = true
	p, err := ck.NewProducer(&m)
	if err != nil {
		return nil, rqlerr.Wrap(rqlerr.KafkaConfig, err, "creating producer")
	}
	c.startLogs(p.Logs())
	go drainEvents(p.Events(), nil)
	return &Producer{p: p, cfg: c}, nil
}

// Produce writes recs and returns once every one is acknowledged, or
// fails with the first record's error (rqlerr.KafkaDelivery, or a
// classified broker error such as rqlerr.KafkaTopicMissing). When ctx ends
// first it returns ctx's error; records already handed to librdkafka may
// still be written. The record slices must not change until Produce returns.
func (p *Producer) Produce(ctx context.Context, recs ...*Record) error {
	if len(recs) == 0 {
		return nil
	}
	done := make(chan ck.Event, len(recs))
	for _, r := range recs {
		if err := produceOne(ctx, p.p, toMessage(r), done); err != nil {
			return err
		}
	}
	var first error
	for range recs {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev := <-done:
			if m, ok := ev.(*ck.Message); ok && m.TopicPartition.Error != nil && first == nil {
				first = deliveryError(m)
			}
		}
	}
	return first
}

// produceOne enqueues m, waiting while librdkafka's queue is full.
func produceOne(ctx context.Context, p *ck.Producer, m *ck.Message, done chan ck.Event) error {
	for {
		err := p.Produce(m, done)
		if err == nil {
			return nil
		}
		if ke, ok := err.(ck.Error); !ok || ke.Code() != ck.ErrQueueFull {
			return classify(err, "producing to "+*m.TopicPartition.Topic)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
}

// deliveryError classifies a failed delivery report.
func deliveryError(m *ck.Message) error {
	topic := ""
	if m.TopicPartition.Topic != nil {
		topic = *m.TopicPartition.Topic
	}
	err := classify(m.TopicPartition.Error, "delivering a record to "+topic)
	if rqlerr.CodeOf(err) == rqlerr.KafkaRequest {
		err.(*rqlerr.Error).Code = rqlerr.KafkaDelivery
	}
	return err
}

// drainEvents serves a producer's Events() channel until it closes, as
// confluent-kafka-go requires (Flush, AbortTransaction and Close wait on
// it). onEvent, if set, sees every event.
func drainEvents(ch chan ck.Event, onEvent func(ck.Event)) {
	for ev := range ch {
		if onEvent != nil {
			onEvent(ev)
		}
	}
}

// Close waits for outstanding records until ctx ends (or RequestTimeout),
// then releases the Producer. It may be called more than once.
func (p *Producer) Close(ctx context.Context) {
	if p.p.IsClosed() {
		return
	}
	p.p.Flush(p.cfg.timeoutMs(ctx))
	p.p.Close()
}
