package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/kafka"
)

// TestPoisonRecordsGoToProcessingLog feeds valid records mixed with
// poison ones (invalid JSON, wrong types, a value that is not an object)
// into a 2-partition topic: each poison record lands in the processing-log
// topic with its query, topic, partition and offset; every valid record is
// in the output; the query keeps running and counts the entries.
func TestPoisonRecordsGoToProcessingLog(t *testing.T) {
	t.Parallel()
	br := startBroker(t, 1)
	createTopic(t, br.Addr(), "in", 2)
	poison := map[int]string{
		7:  `{"N": 7, "NAME": `, // truncated JSON
		20: `{"N": "twenty", "NAME": "x"}`,
		33: `not json at all`,
		41: `[1, 2, 3]`,
		58: `{"N": {"nested": 1}, "NAME": "y"}`,
	}
	const n = 100
	var recs []*kafka.Record
	for i := 0; i < n; i++ {
		v := fmt.Sprintf(`{"N": %d, "NAME": "n%d"}`, i, i)
		if p, ok := poison[i]; ok {
			v = p
		}
		recs = append(recs, &kafka.Record{Topic: "in", Partition: int32(i % 2), Key: key(i), Value: []byte(v)})
	}
	produce(t, br.Addr(), recs)

	e := newEngine(t, br.Addr(), map[string]string{"auto.offset.reset": "earliest"})
	ctx := context.Background()
	if _, err := e.Execute(ctx, `
CREATE STREAM src (id VARCHAR KEY, n BIGINT, name VARCHAR) WITH (kafka_topic='in', value_format='JSON');
CREATE STREAM out AS SELECT id, n + 1 AS m, UCASE(name) AS name FROM src;`); err != nil {
		t.Fatal(err)
	}
	out := readCommitted(t, br.Addr(), "OUT", n-len(poison), 300*time.Millisecond, 30*time.Second)
	got := map[string]bool{}
	for _, r := range out {
		got[string(r.Key)] = true
	}
	for i := 0; i < n; i++ {
		if _, bad := poison[i]; !bad && !got[string(key(i))] {
			t.Errorf("record %d missing from the output", i)
		}
	}
	if len(out) != n-len(poison) {
		t.Errorf("output has %d records, want %d", len(out), n-len(poison))
	}

	// Where did each poison record land in "in"? Read it back.
	where := map[string][2]int64{}
	for _, r := range readCommitted(t, br.Addr(), "in", n, 100*time.Millisecond, 10*time.Second) {
		where[string(r.Key)] = [2]int64{int64(r.Partition), r.Offset}
	}
	log := readCommitted(t, br.Addr(), e.ProcessingLogTopic(), len(poison), 300*time.Millisecond, 10*time.Second)
	logged := map[[2]int64]engine.ProcessingLogEntry{}
	for _, r := range log {
		var en engine.ProcessingLogEntry
		if err := json.Unmarshal(r.Value, &en); err != nil {
			t.Fatalf("processing log record %s: %v", r.Value, err)
		}
		logged[[2]int64{int64(en.Partition), en.Offset}] = en
	}
	for i := range poison {
		pos := where[string(key(i))]
		en, ok := logged[pos]
		switch {
		case !ok:
			t.Errorf("poison record %d (partition %d, offset %d) not in the processing log %v", i, pos[0], pos[1], logged)
		case en.QueryID != "CSAS_OUT_0" || en.Topic != "in" || !strings.Contains(en.Reason, "deserializ"):
			t.Errorf("poison record %d: entry %+v", i, en)
		}
	}
	if len(log) != len(poison) {
		t.Errorf("processing log has %d entries, want %d", len(log), len(poison))
	}
	waitFor(t, 30*time.Second, "the error count", func() bool {
		q, _ := e.Query("CSAS_OUT_0")
		return q.ProcessingErrors == int64(len(poison))
	})
	if q, _ := e.Query("CSAS_OUT_0"); q.State != engine.StateRunning {
		t.Errorf("query state %s (%v), want RUNNING", q.State, q.Err)
	}
}

// TestJoinCoPartitioningRejected: a join of sides keyed by the join key
// whose topics have different partition counts is refused at CREATE time
// (as ksqlDB), rather than run with matches silently missed.
func TestJoinCoPartitioningRejected(t *testing.T) {
	t.Parallel()
	br := startBroker(t, 1)
	e := newEngine(t, br.Addr(), nil)
	_, err := e.Execute(context.Background(), `
CREATE STREAM s (id VARCHAR KEY, n BIGINT) WITH (kafka_topic='s', partitions=2, value_format='JSON');
CREATE TABLE t (id VARCHAR PRIMARY KEY, m BIGINT) WITH (kafka_topic='t', partitions=3, value_format='JSON');
CREATE STREAM j AS SELECT s.id, n, m FROM s JOIN t ON s.id = t.id;`)
	if err == nil || !strings.Contains(err.Error(), "number of partitions don't match") {
		t.Fatalf("want a co-partitioning error, got %v", err)
	}
	if len(e.Queries()) != 0 {
		t.Errorf("queries started: %+v", e.Queries())
	}
}
