package engine_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
)

// TestPullKeyWrittenByAnotherPartitioner: a source table whose topic was
// written with another partitioner than murmur2 (librdkafka's default,
// kcat's) keeps keys in other partitions than the runtime computes; a
// member holding every partition still finds them by key.
func TestPullKeyWrittenByAnotherPartitioner(t *testing.T) {
	t.Parallel()
	br := startBroker(t, 1)
	createTopic(t, br.Addr(), "items", 4)
	var recs []*kafka.Record
	for i := 0; i < 20; i++ {
		// Partition i % 4 whatever the key's murmur2 says.
		recs = append(recs, &kafka.Record{Topic: "items", Partition: int32(i % 4), Key: fmt.Appendf(nil, "k%02d", i),
			Value: fmt.Appendf(nil, `{"N":%d}`, i)})
	}
	produce(t, br.Addr(), recs)
	e := newEngine(t, br.Addr(), nil)
	if _, err := e.Execute(context.Background(),
		`CREATE SOURCE TABLE items (id VARCHAR PRIMARY KEY, n INT) WITH (kafka_topic='items', value_format='JSON');`); err != nil {
		t.Fatal(err)
	}
	s := e.NewSession()
	defer s.Close(context.Background())
	waitFor(t, 20*time.Second, "the table's rows", func() bool {
		return len(pullRows(t, s, "SELECT * FROM items;")) == len(recs)
	})
	for i := 0; i < 20; i++ {
		got := pullRows(t, s, fmt.Sprintf("SELECT * FROM items WHERE id = 'k%02d';", i))
		if want := []string{fmt.Sprintf("k%02d|%d", i, i)}; !slices.Equal(got, want) {
			t.Errorf("key k%02d (partition %d): %v, want %v", i, i%4, got, want)
		}
	}
}
