package kafka

import (
	"context"
	"errors"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rql/rql/rqlerr"
)

// SeedGroupOffsets commits, for every partition of topics that has no
// committed offset in group, the partition's current end offset. A
// persistent query whose offset reset policy is "latest" calls it once
// before its session joins: the query then starts at the end of its source
// topics as they were when it was created — and every later start resumes
// from committed offsets — while its session can use "earliest" for the
// internal topics it reads, which must never skip a record. Partitions
// with a committed offset are left alone, so calling it again (a restart)
// changes nothing. Options used: BootstrapServers, ClientID, Property(ies),
// PropertiesFile, RequestTimeout.
func SeedGroupOffsets(ctx context.Context, group string, topics []string, opts ...Opt) error {
	c := newCfg(opts)
	m, err := c.validate(kindConsumer)
	if err != nil {
		return err
	}
	m["group.id"] = group
	m["enable.auto.commit"] = false
	cons, err := ck.NewConsumer(&m)
	if err != nil {
		return rqlerr.Wrap(rqlerr.KafkaConfig, err, "creating consumer")
	}
	defer cons.Close()
	var tps []ck.TopicPartition
	for _, t := range topics {
		t := t
		md, err := cons.GetMetadata(&t, false, c.timeoutMs(ctx))
		if err != nil {
			return classify(err, "reading metadata of topic "+t)
		}
		tm, ok := md.Topics[t]
		if !ok || len(tm.Partitions) == 0 {
			return rqlerr.New(rqlerr.KafkaTopicMissing, "topic %s does not exist", t)
		}
		for _, p := range tm.Partitions {
			tps = append(tps, ck.TopicPartition{Topic: &t, Partition: p.ID})
		}
	}
	committed, err := cons.Committed(tps, c.timeoutMs(ctx))
	var ke ck.Error
	if errors.As(err, &ke) && ke.Code() == ck.ErrGroupIDNotFound {
		// Some brokers (kfake) answer so for a group that never committed.
		committed, err = tps, nil
		for i := range committed {
			committed[i].Offset = ck.OffsetInvalid
		}
	}
	if err != nil {
		return classify(err, "reading committed offsets of group "+group)
	}
	var seed []ck.TopicPartition
	for _, tp := range committed {
		if tp.Offset >= 0 {
			continue
		}
		_, high, err := cons.QueryWatermarkOffsets(*tp.Topic, tp.Partition, c.timeoutMs(ctx))
		if err != nil {
			return classify(err, "reading the end offset of "+*tp.Topic)
		}
		seed = append(seed, ck.TopicPartition{Topic: tp.Topic, Partition: tp.Partition, Offset: ck.Offset(high)})
	}
	if len(seed) == 0 {
		return nil
	}
	if _, err := cons.CommitOffsets(seed); err != nil {
		return classify(err, "committing start offsets of group "+group)
	}
	return nil
}
