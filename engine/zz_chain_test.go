package engine_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
)

func TestZZChainLag(t *testing.T) {
	b := startBroker(t, 1)
	createTopic(t, b.Addr(), "cin", 1)
	e := newEngine(t, b.Addr(), nil)
	ctx := context.Background()
	_, err := e.Execute(ctx, `SET 'auto.offset.reset'='earliest';
CREATE STREAM src (id VARCHAR KEY, n BIGINT) WITH (kafka_topic='cin', value_format='JSON');
CREATE STREAM mid AS SELECT * FROM src;
CREATE STREAM fin AS SELECT * FROM mid;`)
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]*kafka.Record, 50)
	for i := range recs {
		recs[i] = &kafka.Record{Topic: "cin", Partition: 0, Key: key(i), Value: fmt.Appendf(nil, `{"N":%d}`, i)}
	}
	produce(t, b.Addr(), recs)
	time.Sleep(5 * time.Second)
	for _, q := range e.Queries() {
		t.Logf("%s consumed %d lag %d %+v", q.ID, q.Consumed, q.TotalLag, q.Lag)
		_ = q
	}
}
