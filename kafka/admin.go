package kafka

import (
	"context"
	"sort"
	"strings"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rql/rql/rqlerr"
)

// Admin creates, describes, lists and deletes topics. It is safe for
// concurrent use. Every call blocks until the brokers answer, ctx's
// deadline passes or, when ctx has none, RequestTimeout elapses
// (librdkafka honours deadlines, not cancellation).
type Admin struct {
	a   *ck.AdminClient
	cfg *cfg
}

// TopicSpec describes a topic to create. Partitions and Replication of 0
// mean the broker's defaults (num.partitions, default.replication.factor).
// Configs are topic configs, e.g. {"cleanup.policy": "compact"}.
type TopicSpec struct {
	Name        string
	Partitions  int
	Replication int
	Configs     map[string]string
}

// TopicInfo describes an existing topic.
type TopicInfo struct {
	Name        string
	Partitions  int
	Replication int // replicas of partition 0
}

// NewAdmin returns an Admin. Options used: BootstrapServers, ClientID,
// Property(ies), PropertiesFile, LogFunc, RequestTimeout.
func NewAdmin(opts ...Opt) (*Admin, error) {
	c := newCfg(opts)
	m, err := c.validate(kindAdmin)
	if err != nil {
		return nil, err
	}
	a, err := ck.NewAdminClient(&m)
	if err != nil {
		return nil, rqlerr.Wrap(rqlerr.KafkaConfig, err, "creating admin client")
	}
	c.startLogs(a.Logs())
	return &Admin{a: a, cfg: c}, nil
}

// CreateTopics creates the topics. When one fails the error is that
// topic's (rqlerr.KafkaTopicExists when it exists); the others are still
// created.
func (a *Admin) CreateTopics(ctx context.Context, specs ...TopicSpec) error {
	if len(specs) == 0 {
		return nil
	}
	ts := make([]ck.TopicSpecification, len(specs))
	for i, s := range specs {
		if s.Name == "" || s.Partitions < 0 || s.Replication < 0 {
			return rqlerr.New(rqlerr.KafkaRequest, "invalid topic spec: name %q, %d partitions, replication %d",
				s.Name, s.Partitions, s.Replication)
		}
		ts[i] = ck.TopicSpecification{Topic: s.Name, NumPartitions: orDefault(s.Partitions),
			ReplicationFactor: orDefault(s.Replication), Config: s.Configs}
	}
	ctx, cancel := a.cfg.opContext(ctx)
	defer cancel()
	res, err := a.a.CreateTopics(ctx, ts)
	if err != nil {
		return classify(err, "creating topics")
	}
	return firstTopicError(res, "creating topic")
}

// orDefault maps 0 (rql's "broker default") to librdkafka's -1.
func orDefault(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

// DeleteTopics deletes the topics; deleting a missing topic fails with
// rqlerr.KafkaTopicMissing.
func (a *Admin) DeleteTopics(ctx context.Context, names ...string) error {
	if len(names) == 0 {
		return nil
	}
	ctx, cancel := a.cfg.opContext(ctx)
	defer cancel()
	res, err := a.a.DeleteTopics(ctx, names)
	if err != nil {
		return classify(err, "deleting topics")
	}
	return firstTopicError(res, "deleting topic")
}

func firstTopicError(res []ck.TopicResult, what string) error {
	for _, r := range res {
		if r.Error.Code() != ck.ErrNoError {
			return classify(r.Error, what+" "+r.Topic)
		}
	}
	return nil
}

// DescribeTopics returns the topics' partition counts, in the order asked.
// A missing topic fails the call with rqlerr.KafkaTopicMissing.
func (a *Admin) DescribeTopics(ctx context.Context, names ...string) ([]TopicInfo, error) {
	if len(names) == 0 {
		return nil, nil
	}
	ctx, cancel := a.cfg.opContext(ctx)
	defer cancel()
	res, err := a.a.DescribeTopics(ctx, ck.NewTopicCollectionOfTopicNames(names))
	if err != nil {
		return nil, classify(err, "describing topics")
	}
	out := make([]TopicInfo, 0, len(res.TopicDescriptions))
	for _, d := range res.TopicDescriptions {
		if d.Error.Code() != ck.ErrNoError {
			return nil, classify(d.Error, "describing topic "+d.Name)
		}
		ti := TopicInfo{Name: d.Name, Partitions: len(d.Partitions)}
		for _, p := range d.Partitions {
			if p.Partition == 0 {
				ti.Replication = len(p.Replicas)
			}
		}
		out = append(out, ti)
	}
	return out, nil
}

// TopicConfigs returns the topic's configs that differ from the broker's
// defaults (e.g. cleanup.policy=compact).
func (a *Admin) TopicConfigs(ctx context.Context, name string) (map[string]string, error) {
	ctx, cancel := a.cfg.opContext(ctx)
	defer cancel()
	res, err := a.a.DescribeConfigs(ctx, []ck.ConfigResource{{Type: ck.ResourceTopic, Name: name}})
	if err != nil {
		return nil, classify(err, "describing configs of topic "+name)
	}
	out := map[string]string{}
	for _, r := range res {
		if r.Error.Code() != ck.ErrNoError {
			return nil, classify(r.Error, "describing configs of topic "+name)
		}
		for k, e := range r.Config {
			if e.Source == ck.ConfigSourceDynamicTopic {
				out[k] = e.Value
			}
		}
	}
	return out, nil
}

// ListTopics returns the names of the cluster's topics, sorted, without
// internal ones (names starting with "__", e.g. __consumer_offsets).
func (a *Admin) ListTopics(ctx context.Context) ([]string, error) {
	md, err := a.a.GetMetadata(nil, true, a.cfg.timeoutMs(ctx))
	if err != nil {
		return nil, classify(err, "listing topics")
	}
	out := make([]string, 0, len(md.Topics))
	for name, t := range md.Topics {
		if strings.HasPrefix(name, "__") || t.Error.Code() != ck.ErrNoError {
			continue
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out, nil
}

// Close releases the Admin. It may be called more than once.
func (a *Admin) Close() {
	if !a.a.IsClosed() {
		a.a.Close()
	}
}
