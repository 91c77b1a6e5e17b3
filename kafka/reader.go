package kafka

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sort"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/rql/rql/rqlerr"
)

// Reader reads every partition of one topic without a consumer group and
// without committing (PRINT, transient queries over a topic), with
// isolation.level=read_committed: it sees committed transactional records
// and never aborted or still-open ones. A Reader is not safe for concurrent
// use.
type Reader struct {
	c     *ck.Consumer
	cfg   *cfg
	topic string
	parts []int32
}

// NewReader returns a Reader of topic's partitions as they are now,
// starting at their end, or at their beginning with FromBeginning. It fails
// with rqlerr.KafkaTopicMissing when topic does not exist. Options used:
// BootstrapServers, ClientID, Property(ies), PropertiesFile, LogFunc, FromBeginning,
// StartOffsets, PollWait, MaxPollRecords, RequestTimeout.
func NewReader(ctx context.Context, topic string, opts ...Opt) (*Reader, error) {
	c := newCfg(opts)
	m, err := c.validate(kindConsumer)
	if err != nil {
		return nil, err
	}
	// confluent-kafka-go requires a group.id even for assign(); this one
	// is never used to join a group or to commit.
	var b [8]byte
	_, _ = rand.Read(b[:])
	m["group.id"] = "rql-reader-" + hex.EncodeToString(b[:])
	m["enable.auto.commit"] = false
	m["enable.auto.offset.store"] = false
	m["isolation.level"] = "read_committed"
	cons, err := ck.NewConsumer(&m)
	if err != nil {
		return nil, rqlerr.Wrap(rqlerr.KafkaConfig, err, "creating reader")
	}
	c.startLogs(cons.Logs())
	r := &Reader{c: cons, cfg: c, topic: topic}
	if err := r.assign(ctx); err != nil {
		cons.Close()
		return nil, err
	}
	return r, nil
}

func (r *Reader) assign(ctx context.Context) error {
	md, err := r.c.GetMetadata(&r.topic, false, r.cfg.timeoutMs(ctx))
	if err != nil {
		return classify(err, "reading metadata of topic "+r.topic)
	}
	t, ok := md.Topics[r.topic]
	if !ok || t.Error.Code() == ck.ErrUnknownTopicOrPart || t.Error.Code() == ck.ErrUnknownTopic || len(t.Partitions) == 0 {
		return rqlerr.New(rqlerr.KafkaTopicMissing, "topic %s does not exist", r.topic)
	}
	if t.Error.Code() != ck.ErrNoError {
		return classify(t.Error, "reading metadata of topic "+r.topic)
	}
	start := ck.OffsetEnd
	if r.cfg.fromBeg {
		start = ck.OffsetBeginning
	}
	tps := make([]ck.TopicPartition, 0, len(t.Partitions))
	for _, p := range t.Partitions {
		r.parts = append(r.parts, p.ID)
		off := start
		if o, ok := r.cfg.startAt[p.ID]; ok {
			off = ck.Offset(o)
		}
		tps = append(tps, ck.TopicPartition{Topic: &r.topic, Partition: p.ID, Offset: off})
	}
	sort.Slice(r.parts, func(i, j int) bool { return r.parts[i] < r.parts[j] })
	if err := r.c.Assign(tps); err != nil {
		return classify(err, "assigning partitions of "+r.topic)
	}
	return nil
}

// Partitions returns the partitions read, in increasing order.
func (r *Reader) Partitions() []int32 { return r.parts }

// Poll returns the next records: it waits until some arrive, ctx is done
// (returning ctx's error) or PollWait elapses (returning an empty Fetch).
func (r *Reader) Poll(ctx context.Context) (Fetch, error) {
	return pollBatch(ctx, r.c, r.cfg.pollWait, r.cfg.maxPoll, nil)
}

// Close releases the Reader. It may be called more than once.
func (r *Reader) Close() {
	if !r.c.IsClosed() {
		_ = r.c.Close()
	}
}
