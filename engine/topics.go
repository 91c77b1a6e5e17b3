package engine

import (
	"context"

	"github.com/rql/rql/kafka"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
)

// topicPartitions returns the partition count of topic (0 when it does
// not exist), caching what it learned; e.mu is held.
func (e *Engine) topicPartitions(ctx context.Context, topic string) (int, error) {
	if n, ok := e.parts[topic]; ok {
		return n, nil
	}
	infos, err := e.admin.DescribeTopics(ctx, topic)
	if rqlerr.CodeOf(err) == rqlerr.KafkaTopicMissing {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if len(infos) == 0 || infos[0].Partitions == 0 {
		return 0, nil
	}
	e.parts[topic] = infos[0].Partitions
	return infos[0].Partitions, nil
}

// createTopic creates topic with n partitions; a topic created meanwhile
// (by another engine of the service) is fine. It returns the topic's
// partition count.
func (e *Engine) createTopic(ctx context.Context, topic string, n int, configs map[string]string) (int, error) {
	err := e.admin.CreateTopics(ctx, kafka.TopicSpec{Name: topic, Partitions: n, Configs: configs})
	if err != nil && rqlerr.CodeOf(err) != rqlerr.KafkaTopicExists {
		return 0, err
	}
	delete(e.parts, topic)
	got, err := e.topicPartitions(ctx, topic)
	if err != nil {
		return 0, err
	}
	if got == 0 {
		// Metadata may lag a creation: trust the request.
		got = n
		e.parts[topic] = n
	}
	return got, nil
}

// ensureSourceTopic checks the topic of a plain CREATE STREAM|TABLE: an
// existing topic is used (with PARTITIONS, its count must match); a
// missing one is created when PARTITIONS is given, else it is an error, as
// in ksqlDB. It returns a copy of src with the topic's partition count.
func (e *Engine) ensureSourceTopic(ctx context.Context, src *planner.Source) (*planner.Source, error) {
	n, err := e.topicPartitions(ctx, src.Topic)
	if err != nil {
		return nil, err
	}
	switch {
	case n == 0 && src.Partitions <= 0:
		return nil, rqlerr.New(rqlerr.KafkaTopicMissing,
			"Topic '%s' does not exist. If you want to create a new topic for the %s please re-run the statement "+
				"providing the required 'PARTITIONS' configuration in the WITH clause (and, optionally, 'REPLICAS').",
			src.Topic, lowerKind(src))
	case n == 0:
		if n, err = e.createTopic(ctx, src.Topic, src.Partitions, nil); err != nil {
			return nil, err
		}
	case src.Partitions > 0 && src.Partitions != n:
		return nil, rqlerr.New(rqlerr.StmtIncompatible,
			"A Kafka topic with the name '%s' already exists, with different partition/replica configuration than required. "+
				"KSQL expects %d partitions (topic has %d).", src.Topic, src.Partitions, n)
	}
	cp := *src
	cp.Partitions = n
	return &cp, nil
}

// ensureSinkTopic creates the sink topic of a CREATE ... AS SELECT when it
// is missing (with the plan's partition count: PARTITIONS, else the
// source's), and reuses an existing one, so that re-running a file after a
// restart resumes its queries. It returns a copy of sink with the topic's
// partition count.
func (e *Engine) ensureSinkTopic(ctx context.Context, sink *planner.Source) (*planner.Source, error) {
	n, err := e.topicPartitions(ctx, sink.Topic)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		want := sink.Partitions
		if want <= 0 {
			want = 1
		}
		var configs map[string]string
		if sink.Kind == parser.KindTable { // compacted, as ksqlDB creates them
			configs = map[string]string{"cleanup.policy": "compact"}
		}
		if n, err = e.createTopic(ctx, sink.Topic, want, configs); err != nil {
			return nil, err
		}
	}
	cp := *sink
	cp.Partitions = n
	return &cp, nil
}

func lowerKind(s *planner.Source) string {
	if kindName(s.Kind) == "Table" {
		return "table"
	}
	return "stream"
}
