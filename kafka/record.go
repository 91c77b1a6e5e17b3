package kafka

import (
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// Record is one Kafka record, consumed or to produce. On produce, a
// Partition < 0 lets the partitioner choose (murmur2 of the key, as the
// Java client, so rql and Kafka Streams agree on key placement), and a zero
// Timestamp means "now". Offset is set on consumed records only.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte // nil is a null key
	Value     []byte // nil is a null value (a tombstone)
	Headers   []Header
	Timestamp time.Time
}

// Header is a record header.
type Header struct {
	Key   string
	Value []byte
}

// TopicPartition names one partition of a topic.
type TopicPartition struct {
	Topic     string
	Partition int32
}

// Fetch is what one Poll returns: records in the order consumed (in offset
// order within a partition) and the errors met while fetching.
type Fetch struct {
	Records []*Record
	Errors  []FetchError
	// slab is where the next records are made: one allocation per slab
	// rather than one per record (a slab stays alive while any of its
	// records is referenced).
	slab []Record
}

// maxSlab bounds the records allocated at once by Poll. Slabs grow with
// the fetch (8, then as many as the fetch holds so far), so that a poll
// returning one record does not allocate hundreds.
const maxSlab = 256

// newRecord returns a zero Record from f's slab.
func (f *Fetch) newRecord() *Record {
	if len(f.slab) == 0 {
		f.slab = make([]Record, min(max(len(f.Records), 8), maxSlab))
	}
	r := &f.slab[0]
	f.slab = f.slab[1:]
	return r
}

// FetchError is an error of one partition, or of the client when
// Partition is -1. Err is classified (see errors.go): librdkafka keeps
// retrying after a retriable one (rqlerr.KafkaRetriable, e.g. a broker
// down); rqlerr.KafkaTopicMissing means the topic was deleted.
type FetchError struct {
	Topic     string
	Partition int32
	Err       error
}

// Empty reports whether f carries neither records nor errors.
func (f Fetch) Empty() bool { return len(f.Records) == 0 && len(f.Errors) == 0 }

// toMessage converts r for confluent-kafka-go. The byte slices are shared,
// not copied: the caller must not modify them until delivery.
func toMessage(r *Record) *ck.Message {
	topic := r.Topic
	m := &ck.Message{
		TopicPartition: ck.TopicPartition{Topic: &topic, Partition: r.Partition},
		Key:            r.Key,
		Value:          r.Value,
		Timestamp:      r.Timestamp,
	}
	if r.Partition < 0 {
		m.TopicPartition.Partition = ck.PartitionAny
	}
	if len(r.Headers) > 0 {
		m.Headers = make([]ck.Header, len(r.Headers))
		for i, h := range r.Headers {
			m.Headers[i] = ck.Header{Key: h.Key, Value: h.Value}
		}
	}
	return m
}

// fromMessage converts a consumed message.
func fromMessage(m *ck.Message) *Record {
	r := &Record{}
	setFromMessage(r, m)
	return r
}

// setFromMessage sets r to the consumed record m.
func setFromMessage(r *Record, m *ck.Message) {
	*r = Record{
		Partition: m.TopicPartition.Partition,
		Offset:    int64(m.TopicPartition.Offset),
		Key:       m.Key,
		Value:     m.Value,
		Timestamp: m.Timestamp,
	}
	if m.TopicPartition.Topic != nil {
		r.Topic = *m.TopicPartition.Topic
	}
	if len(m.Headers) > 0 {
		r.Headers = make([]Header, len(m.Headers))
		for i, h := range m.Headers {
			r.Headers[i] = Header{Key: h.Key, Value: h.Value}
		}
	}
}

func toTPs(ps []ck.TopicPartition) []TopicPartition {
	out := make([]TopicPartition, 0, len(ps))
	for _, p := range ps {
		if p.Topic != nil {
			out = append(out, TopicPartition{Topic: *p.Topic, Partition: p.Partition})
		}
	}
	return out
}
