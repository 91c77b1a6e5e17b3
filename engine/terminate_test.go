package engine_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/kafka"
)

// TestTerminateDeletesConsumerGroup: TERMINATE deletes a query's consumer
// group with its state, so a later query that gets the same id (here: the
// same statements run by a new engine of the service, whose ids start
// again at 0) reads its input afresh instead of resuming from the dead
// query's committed offsets.
func TestTerminateDeletesConsumerGroup(t *testing.T) {
	t.Parallel()
	b := startBroker(t, 1)
	addr := b.Addr()
	createTopic(t, addr, "src", 2)
	var recs []*kafka.Record
	for i := 0; i < 10; i++ {
		recs = append(recs, &kafka.Record{Topic: "src", Partition: -1, Key: fmt.Appendf(nil, "k%d", i),
			Value: fmt.Appendf(nil, `{"V":%d}`, i)})
	}
	produce(t, addr, recs)
	const ddl = `SET 'auto.offset.reset'='earliest';
CREATE STREAM src (k VARCHAR KEY, v INT) WITH (kafka_topic='src', value_format='JSON');
CREATE STREAM copy WITH (kafka_topic='copy') AS SELECT * FROM src;`
	run := func(want int) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		e, err := engine.New(ctx, engine.Options{Bootstrap: addr, StateDir: t.TempDir(), ServiceID: "term"})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close(ctx)
		res, err := e.Execute(ctx, ddl)
		if err != nil {
			t.Fatal(err)
		}
		id := res[len(res)-1].QueryID
		readCommitted(t, addr, "copy", want, 300*time.Millisecond, 30*time.Second)
		if _, err := e.Execute(ctx, "TERMINATE "+id+";"); err != nil {
			t.Fatal(err)
		}
		return id
	}
	first := run(10)
	second := run(20)
	if first != second {
		t.Fatalf("the second engine's query is %s, not %s: the test needs the same id", second, first)
	}
	if got := len(readCommitted(t, addr, "copy", 20, 500*time.Millisecond, 30*time.Second)); got != 20 {
		t.Errorf("copy holds %d records, want 20: the query of the same id read the input again", got)
	}
}
