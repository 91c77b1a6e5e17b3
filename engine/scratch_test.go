package engine_test

import (
	"context"
	"testing"
	"time"
)

func TestScratchFinal(t *testing.T) {
	br := startBroker(t, 1)
	createTopic(t, br.Addr(), "orders", 4)
	sql := `SET 'auto.offset.reset'='earliest';
CREATE STREAM orders (id VARCHAR KEY, region VARCHAR, amount BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE final_win AS SELECT id, COUNT(*) AS n, SUM(amount) AS total FROM orders
  WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 1 SECONDS) GROUP BY id EMIT FINAL;`
	recs := orderRecords(3000, 0)
	want := driverTables(t, sql, recs, []string{"FINAL_WIN"})["FINAL_WIN"]
	e := newEngine(t, br.Addr(), nil)
	if _, err := e.Execute(context.Background(), sql); err != nil {
		t.Fatal(err)
	}
	produce(t, br.Addr(), toKafka(recs))
	time.Sleep(3 * time.Second)
	got := readCommitted(t, br.Addr(), "FINAL_WIN", 0, 300*time.Millisecond, 20*time.Second)
	t.Logf("want %d got %d; %+v", len(want), len(got), e.Queries()[0])
}
