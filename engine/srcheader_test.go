package engine

import (
	"testing"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/kafka"
)

// A record read back from a repartition topic names its source record
// (topic, partition, offset) and the row's Seq, as the row written there
// had them; a 12-byte header of an older version gives the position alone.
func TestSrcHeaderRoundTrip(t *testing.T) {
	row := &exec.Row{Topic: "orders", Partition: 3, Offset: 41, Seq: 2}
	rec := &kafka.Record{Topic: "q-Join0-left-repartition", Partition: 1, Offset: 7, Timestamp: time.UnixMilli(5),
		Headers: []kafka.Header{{Key: "h", Value: []byte("v")}, {Key: srcHeader, Value: srcPos(row)}}}
	for _, expected := range []string{"orders", "elsewhere"} {
		e := toExec(rec, true, expected)
		if e.Topic != "orders" || e.Partition != 3 || e.Offset != 41 || e.Seq != 2 {
			t.Fatalf("expecting %q: read back %s/%d/%d seq %d, want orders/3/41 seq 2", expected, e.Topic, e.Partition, e.Offset, e.Seq)
		}
		if len(e.Headers) != 1 || e.Headers[0].Key != "h" {
			t.Fatalf("headers %v, want the user's header alone", e.Headers)
		}
	}
	old := *rec
	old.Headers = []kafka.Header{{Key: srcHeader, Value: srcPos(row)[:12]}}
	if e := toExec(&old, true, "orders"); e.Topic != old.Topic || e.Partition != 3 || e.Offset != 41 || e.Seq != 0 {
		t.Fatalf("12-byte header: %s/%d/%d seq %d, want %s/3/41 seq 0", e.Topic, e.Partition, e.Offset, e.Seq, old.Topic)
	}
	if e := toExec(rec, false, ""); e.Topic != rec.Topic || e.Partition != 1 || e.Offset != 7 || len(e.Headers) != 2 {
		t.Fatalf("not from a repartition topic: %s/%d/%d, %d headers; want the record as read", e.Topic, e.Partition, e.Offset, len(e.Headers))
	}
}
