package server_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rql/rql/server"
)

// answer is an HTTP answer read to its end (err: the request failed).
type answer struct {
	status int
	body   string
	err    error
}

// post sends body to url and reads the whole answer; it is safe to call
// from any goroutine.
func post(ctx context.Context, url, body string) answer {
	req, err := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: string(b), err: err}
}

// stallingPeer is the endpoint a member advertises in front of which
// forwarded pull queries stall: each request closes hit (once) and is
// held until release is closed (or its client goes away), then answered
// 503.
type stallingPeer struct {
	url     string
	hit     chan struct{}
	release chan struct{}
	once    sync.Once
	// releaseAll closes release (once).
	releaseAll func()
}

func startStallingPeer(t *testing.T) *stallingPeer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallingPeer{url: "http://" + ln.Addr().String(), hit: make(chan struct{}), release: make(chan struct{})}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.once.Do(func() { close(p.hit) })
		select {
		case <-p.release:
		case <-r.Context().Done():
		}
		http.Error(w, "released", http.StatusServiceUnavailable)
	})}
	go func() { _ = hs.Serve(ln) }()
	var released sync.Once
	p.releaseAll = func() { released.Do(func() { close(p.release) }) }
	t.Cleanup(func() {
		p.releaseAll()
		_ = hs.Close()
	})
	return p
}

// TestStatementsNotBlockedByPull: while a pull query waits for its
// answer (here: rows of partitions owned by another member, whose
// advertised endpoint holds the forwarded request), statements on /ksql
// — SHOW, a CREATE recorded in the command topic, INSERT VALUES — are
// answered. The order of events is what is checked: the peer holds the
// forwarded pull (so the pull query cannot end) until /ksql answered.
func TestStatementsNotBlockedByPull(t *testing.T) {
	t.Parallel()
	service := "conc_" + uniq()
	u := uniq()
	a := startMember(t, service, true)
	a.ksql(t, `CREATE TABLE users_in (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='cc_users_`+u+`', partitions=4, value_format='json');
CREATE SOURCE TABLE users (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='cc_users_`+u+`', value_format='json');
INSERT INTO users_in (id, name) VALUES ('u1', 'ann');`)

	// Member b advertises the stalling peer's endpoint.
	peer := startStallingPeer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{AdvertisedListener: peer.url}
	cfg.Engine.Bootstrap = broker.Addr()
	cfg.Engine.StateDir = t.TempDir()
	cfg.Engine.ServiceID = service
	cfg.Engine.KafkaProps = map[string]string{"log_level": "3"}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	b, err := server.New(ctx, cfg)
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = b.Serve(ln) }()
	t.Cleanup(func() { (&testServer{Server: b}).close(t) })

	hostA, hostB := strings.TrimPrefix(a.url, "http://"), strings.TrimPrefix(peer.url, "http://")
	waitFor(t, 90*time.Second, "both members to own partitions", func() bool {
		m := clusterMembers(t, a.url)
		return len(m) == 2 && m[hostA]["CST_USERS"] > 0 && m[hostB]["CST_USERS"] > 0
	})

	// A scan needs b's partitions: a forwards them to the peer, which
	// holds the request. While the group rebalances the pull may fail
	// before that (a partition assigned to nobody): then it is retried.
	pullCtx, pullCancel := context.WithCancel(context.Background())
	defer pullCancel()
	var pulled chan answer
	for attempt := 0; ; attempt++ {
		pulled = make(chan answer, 1)
		go func(done chan<- answer) {
			done <- post(pullCtx, a.url+"/query-stream", mustMarshal(map[string]any{"sql": "SELECT * FROM users;",
				"properties": map[string]any{"rql.query.pull.partition.wait.ms": 1000}}))
		}(pulled)
		select {
		case <-peer.hit:
		case ans := <-pulled:
			if attempt >= 20 {
				t.Fatalf("the pull query never reached the peer; last answer: %d %s %v", ans.status, ans.body, ans.err)
			}
			time.Sleep(500 * time.Millisecond)
			continue
		}
		break
	}

	// The pull query is now running, held by the peer: statements answer.
	stmts := make(chan answer, 1)
	go func() {
		stmts <- post(context.Background(), a.url+"/ksql", mustMarshal(map[string]any{"ksql": `SHOW STREAMS;
CREATE STREAM clicks (id STRING KEY, n INT) WITH (kafka_topic='cc_clicks_` + u + `', partitions=1, value_format='json');
INSERT INTO users_in (id, name) VALUES ('u2', 'bob');`}))
	}()
	select {
	case ans := <-stmts:
		if ans.err != nil || ans.status != http.StatusOK || !strings.Contains(ans.body, "Stream created") {
			t.Fatalf("/ksql during the pull query: %d %s %v", ans.status, ans.body, ans.err)
		}
	case ans := <-pulled:
		t.Fatalf("the pull query ended (%d %s %v) before /ksql answered: the statements waited for it", ans.status, ans.body, ans.err)
	}
	select {
	case ans := <-pulled:
		t.Fatalf("the pull query ended before the peer released it: %d %s %v", ans.status, ans.body, ans.err)
	default:
	}
	// Released, the peer fails the forwarded request: so does the query.
	peer.releaseAll()
	if ans := <-pulled; ans.err != nil || !strings.Contains(ans.body, "Unable to execute pull query on table USERS") {
		t.Errorf("the pull query after the peer failed: %d %s %v", ans.status, ans.body, ans.err)
	}
}

// TestPushQueriesOwnProperties: two push queries running at once, each
// under its own request's auto.offset.reset (one inheriting the server's
// earliest, one asking for latest), each read as it asked: the first sees
// the records produced before it started, the second only later ones.
func TestPushQueriesOwnProperties(t *testing.T) {
	t.Parallel()
	cfg := server.Config{}
	cfg.Engine.Properties = map[string]string{"auto.offset.reset": "earliest"}
	ts := startServer(t, cfg)
	ts.ksql(t, `CREATE STREAM events (id STRING KEY, n INT) WITH (kafka_topic='cc_events_`+uniq()+`', partitions=1, value_format='json');
INSERT INTO events (id, n) VALUES ('old1', 1);
INSERT INTO events (id, n) VALUES ('old2', 2);`)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, latest := streamLines(t, ctx, http.DefaultClient, ts.url, mustMarshal(map[string]any{
		"sql": "SELECT id, n FROM events EMIT CHANGES LIMIT 1;", "properties": map[string]any{"auto.offset.reset": "latest"}}))
	_, earliest := streamLines(t, ctx, http.DefaultClient, ts.url, mustMarshal(map[string]any{
		"sql": "SELECT id, n FROM events EMIT CHANGES LIMIT 3;"}))
	for _, ch := range []<-chan string{latest, earliest} {
		if l := next(t, ch, 15*time.Second); !strings.Contains(l, `"queryId"`) {
			t.Fatalf("header %s", l)
		}
	}
	// The latest query's readers resolve the end asynchronously: records
	// are written until it has its row.
	var got string
	for i := 0; got == ""; i++ {
		ts.ksql(t, fmt.Sprintf(`INSERT INTO events (id, n) VALUES ('new%d', %d);`, i, 10+i))
		select {
		case l, ok := <-latest:
			if !ok {
				t.Fatal("the latest query ended without a row")
			}
			got = l
		case <-time.After(200 * time.Millisecond):
			if i > 50 {
				t.Fatal("the latest query received no row")
			}
		}
	}
	if !strings.HasPrefix(got, `["new`) {
		t.Errorf("latest: got %s, want a record written after it started", got)
	}
	for _, want := range []string{`["old1",1]`, `["old2",2]`, `["new0",10]`} {
		if got := next(t, earliest, 15*time.Second); got != want {
			t.Errorf("earliest: got %s, want %s", got, want)
		}
	}
}
