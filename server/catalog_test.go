package server_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/server"
)

// produceJSON writes n records {"V": i} with keys k<i>, i from from.
func produceJSON(t *testing.T, topic string, from, n int) {
	t.Helper()
	p, err := kafka.NewProducer(kafka.BootstrapServers(broker.Addr()), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	var recs []*kafka.Record
	for i := from; i < from+n; i++ {
		recs = append(recs, &kafka.Record{Topic: topic, Partition: -1, Key: fmt.Appendf(nil, "k%d", i),
			Value: fmt.Appendf(nil, `{"V":%d}`, i)})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Produce(ctx, recs...); err != nil {
		t.Fatal(err)
	}
}

// values returns the sorted values of recs, failing on duplicates.
func distinct(t *testing.T, recs []*kafka.Record) []string {
	t.Helper()
	seen := map[string]bool{}
	var out []string
	for _, r := range recs {
		v := string(r.Value)
		if seen[v] {
			t.Errorf("duplicate output record %s", v)
		}
		seen[v] = true
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// TestRestart: a server restarted on its state directory gets its catalog
// back from the command topic and resumes its query from the committed
// offsets: records produced while it was down are processed, none twice.
func TestRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	u := uniq()
	src, out := "rs_src_"+u, "rs_out_"+u
	cfg := server.Config{Engine: engine.Options{StateDir: dir, ServiceID: "restart_" + u}}
	a := startServer(t, cfg)
	a.ksql(t, `CREATE STREAM src (k STRING KEY, v INT) WITH (kafka_topic='`+src+`', partitions=2, value_format='json');`)
	// A failed CSAS consumes a query id on this server only: the replay
	// must still give the next query its original id.
	if status, body := call(t, "POST", a.url+"/ksql",
		`{"ksql":"CREATE STREAM bad AS SELECT * FROM src;","streamsProperties":{"processing.guarantee":"bogus"}}`); status != 400 {
		t.Fatalf("bad CSAS: %d %s", status, body)
	}
	ents := a.ksql(t, `CREATE TYPE pair AS STRUCT<a INT>;
		CREATE STREAM doubled WITH (kafka_topic='`+out+`') AS SELECT k, v * 2 AS v2 FROM src;`)
	qid := ents[1]["commandStatus"].(map[string]any)["queryId"].(string)
	if qid != "CSAS_DOUBLED_1" {
		t.Fatalf("query id %s: the failed CSAS should have used sequence number 0", qid)
	}
	waitFor(t, 10*time.Second, "the query's tasks", func() bool {
		st, ok := a.Engine().Query(qid)
		return ok && len(st.Tasks) == 2
	})
	produceJSON(t, src, 0, 20)
	readCommitted(t, out, 20, 0, 20*time.Second)
	a.close(t)

	produceJSON(t, src, 20, 20) // while no server runs
	b := startServer(t, cfg)
	q := b.ksql(t, "SHOW QUERIES;")[0]["queries"].([]any)
	if len(q) != 1 || q[0].(map[string]any)["id"] != qid || q[0].(map[string]any)["state"] != "RUNNING" {
		t.Fatalf("after restart, SHOW QUERIES: %v", q)
	}
	if typ := b.ksql(t, "SHOW TYPES;")[0]["types"].(map[string]any); typ["PAIR"] == nil {
		t.Errorf("after restart, SHOW TYPES: %v", typ)
	}
	produceJSON(t, src, 40, 10)
	got := distinct(t, readCommitted(t, out, 50, time.Second, 30*time.Second))
	if len(got) != 50 {
		t.Fatalf("want 50 distinct outputs, got %d", len(got))
	}
	// The restarted server keeps accepting statements, numbered after the replayed ones.
	ents = b.ksql(t, "CREATE STREAM tripled AS SELECT k, v * 3 AS v3 FROM src;")
	if id := ents[0]["commandStatus"].(map[string]any)["queryId"].(string); id == qid {
		t.Errorf("a new query reused id %s", id)
	}
}

// TestSharedServiceID: two servers with the same service id share the
// catalog through the command topic — a statement run on one appears on
// the other, whose member of the query takes part of its partitions — and
// TERMINATE on either stops the query on both.
func TestSharedServiceID(t *testing.T) {
	t.Parallel()
	u := uniq()
	src, out := "sh_src_"+u, "sh_out_"+u
	cfg := server.Config{Engine: engine.Options{ServiceID: "shared_" + u}}
	a := startServer(t, cfg)
	b := startServer(t, cfg)
	a.ksql(t, `CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='`+src+`', partitions=4, value_format='json');`)
	waitFor(t, 10*time.Second, "the stream on the other server", func() bool {
		st := b.ksql(t, "SHOW STREAMS;")[0]["streams"].([]any)
		return len(st) == 1 && st[0].(map[string]any)["name"] == "S"
	})
	ents := a.ksql(t, `CREATE STREAM s2 WITH (kafka_topic='`+out+`') AS SELECT k, v + 1 AS w FROM s;`)
	qid := ents[0]["commandStatus"].(map[string]any)["queryId"].(string)
	waitFor(t, 20*time.Second, "both members to share the 4 partitions", func() bool {
		sa, okA := a.Engine().Query(qid)
		sb, okB := b.Engine().Query(qid)
		return okA && okB && len(sa.Tasks) > 0 && len(sb.Tasks) > 0 && len(sa.Tasks)+len(sb.Tasks) == 4
	})
	produceJSON(t, src, 0, 40)
	got := distinct(t, readCommitted(t, out, 40, 500*time.Millisecond, 30*time.Second))
	if len(got) != 40 {
		t.Fatalf("want 40 distinct outputs, got %d", len(got))
	}
	sa, _ := a.Engine().Query(qid)
	sb, _ := b.Engine().Query(qid)
	if sa.Consumed == 0 || sb.Consumed == 0 {
		t.Errorf("both servers should process records: %d and %d", sa.Consumed, sb.Consumed)
	}
	b.ksql(t, "TERMINATE "+qid+";")
	waitFor(t, 10*time.Second, "the query to stop on the first server", func() bool {
		q := a.ksql(t, "SHOW QUERIES;")[0]["queries"].([]any)
		return len(q) == 0
	})
	if qs := strings.TrimSpace(fmt.Sprint(b.Engine().Queries())); strings.Contains(qs, "RUNNING") {
		t.Errorf("query still running on b: %s", qs)
	}
}
