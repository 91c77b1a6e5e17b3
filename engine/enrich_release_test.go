package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
	"github.com/rql/rql/kafka/devbroker"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestEnrichTaskReleasedDuringStartOffsetLookup: exactly-once of an async
// enrichment (unordered: its task keeps a checkpoint in state, so it is
// restored, its partition held) whose task is adopted and its partition
// released while librdkafka still looks up where the partition starts (no
// committed offset: auto.offset.reset=earliest). The broker holds that
// ListOffsets request back until the release (test hooks: the restore
// waits for the request, the first Poll after the release lets it go).
// The enrichment's backpressure then pauses and resumes the partition
// while it works. Every input record is enriched and emitted once.
//
// Regression: the held partition was paused as it was assigned and
// resumed by the release, in the middle of the lookup, which made
// librdkafka look the start offset up again 500 ms later and fetch the
// whole partition a second time from there after the next pause/resume
// (kafka/session_flow.go, "Why not pause the partition as it is
// assigned").
func TestEnrichTaskReleasedDuringStartOffsetLookup(t *testing.T) {
	t.Parallel()
	br, err := devbroker.Start(devbroker.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer br.Close()
	addr := br.Addr()
	admin, err := kafka.NewAdmin(kafka.BootstrapServers(addr), kafka.Property("log_level", "3"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	bg := context.Background()
	if err := admin.CreateTopics(bg, kafka.TopicSpec{Name: "in", Partitions: 1}); err != nil {
		t.Fatal(err)
	}
	svc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/v/"), 10, 64)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		time.Sleep(5 * time.Millisecond)
		fmt.Fprintf(w, `{"data": %d}`, 2*n)
	}))
	defer svc.Close()
	const n = 300
	var recs []*kafka.Record
	for i := range n {
		recs = append(recs, &kafka.Record{Topic: "in", Partition: 0, Key: fmt.Appendf(nil, "k%d", i),
			Value: fmt.Appendf(nil, `{"N":%d}`, i)})
	}
	produceRecords(t, addr, recs)

	// The query's lookup of partition 0's earliest offset waits for wake.
	inFlight, wake := make(chan struct{}), make(chan struct{})
	var once sync.Once
	c := br.Cluster()
	c.ControlKey(int16(kmsg.ListOffsets), func(req kmsg.Request) (kmsg.Response, error, bool) {
		r, ok := req.(*kmsg.ListOffsetsRequest)
		if !ok || len(r.Topics) != 1 || r.Topics[0].Topic != "in" || len(r.Topics[0].Partitions) != 1 ||
			r.Topics[0].Partitions[0].Timestamp != -2 {
			return nil, nil, false
		}
		first := false
		once.Do(func() { first = true })
		if first {
			close(inFlight)
			c.SleepControl(func() { <-wake })
		}
		return nil, nil, false // answered by the cluster
	})
	p0 := kafka.TopicPartition{Topic: "in", Partition: 0}
	var woke sync.Once
	hooks := &testHooks{
		restore: func(ctx context.Context, _ string) error {
			select {
			case <-inFlight:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
		polled: func(s *kafka.TxnSession) {
			select {
			case <-inFlight:
				if !s.Held(p0) { // released by adoptRestored
					woke.Do(func() { close(wake) })
				}
			default:
			}
		},
	}
	e, err := New(bg, Options{Bootstrap: addr, StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = e.Close(bg) }()
	sql := `SET 'auto.offset.reset'='earliest';
CREATE STREAM src (id VARCHAR KEY, n BIGINT) WITH (kafka_topic='in', value_format='JSON');
CREATE FUNCTION dbl(n BIGINT) RETURNS BIGINT USING HTTP WITH (url='` + svc.URL + `/v/{n}', method='GET', response_path='data');
CREATE STREAM out AS SELECT id, n, d FROM src
  ENRICH USING ASYNC dbl(n) AS d WITH (workers=4, buffer=4, order='unordered', on_failure='log') EMIT CHANGES;`
	res, err := e.Execute(withTestHooks(bg, hooks), sql)
	if err != nil {
		t.Fatal(err)
	}
	id := res[len(res)-1].QueryID

	// Read the committed output until n records came, then on past the
	// time librdkafka's offset-query retry timer (500 ms) would fire.
	out, err := kafka.NewReader(bg, "OUT", kafka.BootstrapServers(addr), kafka.FromBeginning(),
		kafka.Property("log_level", "3"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	ctx, cancel := context.WithTimeout(bg, 60*time.Second)
	defer cancel()
	seen := map[int64]int{}
	total := 0
	var complete time.Time
	for complete.IsZero() || time.Since(complete) < 2*time.Second {
		f, err := out.Poll(ctx)
		if err != nil {
			t.Fatalf("reading the output (%d of %d records): %v", total, n, err)
		}
		for _, r := range f.Records {
			var v struct{ N, D int64 }
			if err := json.Unmarshal(r.Value, &v); err != nil {
				t.Fatalf("output %q: %v", r.Value, err)
			}
			if v.D != 2*v.N {
				t.Fatalf("output %q: D is not 2N", r.Value)
			}
			seen[v.N]++
			total++
		}
		if total >= n && complete.IsZero() {
			complete = time.Now()
		}
	}
	if q, _ := e.Query(id); q.State != StateRunning {
		t.Fatalf("query %s: %s %v", id, q.State, q.Err)
	}
	for i := range int64(n) {
		if seen[i] != 1 {
			t.Fatalf("input %d emitted %d times (%d records for %d inputs)", i, seen[i], total, n)
		}
	}
	if total != n {
		t.Fatalf("%d records for %d inputs", total, n)
	}
}
