package engine

import (
	"context"
	"encoding/json"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/kafka"
)

// ProcessingLogEntry is one record of the processing-log topic (JSON): a
// record a query could not deserialize or evaluate, and why.
type ProcessingLogEntry struct {
	// Time is when the entry was made, in Unix milliseconds.
	Time      int64  `json:"time"`
	QueryID   string `json:"queryId"`
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	Reason    string `json:"reason"`
}

// procLog is the engine's processing-log topic. Queries produce its
// records in their own transactions (see query.logEntry).
type procLog struct {
	topic string
}

// newProcLog creates the processing-log topic (one partition) when
// missing.
func newProcLog(ctx context.Context, e *Engine) (*procLog, error) {
	topic := e.ProcessingLogTopic()
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.topicPartitions(ctx, topic)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		if _, err := e.createTopic(ctx, topic, 1, nil); err != nil {
			return nil, err
		}
	}
	return &procLog{topic: topic}, nil
}

// record encodes an entry as a processing-log record.
func (l *procLog) record(en exec.LogEntry) *kafka.Record {
	now := time.Now()
	b, _ := json.Marshal(ProcessingLogEntry{Time: now.UnixMilli(), QueryID: en.QueryID, Topic: en.Topic,
		Partition: en.Partition, Offset: en.Offset, Reason: en.Reason})
	return &kafka.Record{Topic: l.topic, Partition: 0, Key: []byte(en.QueryID), Value: b, Timestamp: now}
}

func (l *procLog) close() {}
