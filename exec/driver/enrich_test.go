package driver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rql/rql/rqlerr"
)

// geoService answers POST {"ip": "..."} with {"country": ..., "city": ...}
// after a delay that depends on the IP (later IPs answer sooner, so that
// unordered calls would complete out of order); "bad" IPs get 500, and
// "flaky" ones 503 on their first attempt.
type geoService struct {
	mu     sync.Mutex
	calls  map[string]int
	keys   []string
	calls2 []string // "key=ip" per call
}

func (s *geoService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct{ IP string }
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	s.mu.Lock()
	s.calls[body.IP]++
	n := s.calls[body.IP]
	s.keys = append(s.keys, r.Header.Get("Idempotency-Key"))
	s.calls2 = append(s.calls2, r.Header.Get("Idempotency-Key")+"="+body.IP)
	s.mu.Unlock()
	switch {
	case strings.HasPrefix(body.IP, "bad"):
		http.Error(w, "boom", 500)
		return
	case strings.HasPrefix(body.IP, "flaky") && n == 1:
		w.Header().Set("Retry-After", "0")
		http.Error(w, "busy", 503)
		return
	case strings.HasPrefix(body.IP, "hang"):
		<-r.Context().Done()
		return
	}
	if len(body.IP) > 0 {
		time.Sleep(time.Duration(10-int(body.IP[len(body.IP)-1]%10)) * time.Millisecond)
	}
	fmt.Fprintf(w, `{"country": "C-%s", "city": "city of %s"}`, body.IP, body.IP)
}

func enrichDriver(t *testing.T) (*Driver, *geoService) {
	t.Helper()
	svc := &geoService{calls: map[string]int{}}
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	d := newDriver(t)
	run(t, d, `CREATE STREAM REQS (ID STRING KEY, IP STRING) WITH (kafka_topic='reqs', value_format='JSON');
CREATE FUNCTION geo(ip VARCHAR) RETURNS STRUCT<country VARCHAR, city VARCHAR>
  USING HTTP WITH (url='`+srv.URL+`/lookup', timeout='2s');`)
	t.Cleanup(func() {
		for _, q := range d.queries {
			_ = q.pipe.Close(context.Background())
		}
	})
	return d, svc
}

func produceIPs(t *testing.T, d *Driver, ips ...string) {
	t.Helper()
	for i, ip := range ips {
		produce(t, d, "reqs", fmt.Sprintf("k%d", i), `{"IP": "`+ip+`"}`, int64(i))
	}
}

func TestEnrichSyncAndAsync(t *testing.T) {
	ips := []string{"1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"}
	var want []string
	for i, ip := range ips {
		want = append(want, fmt.Sprintf(`k%d|{"COUNTRY":"C-%s","CITY":"city of %s"}`, i, ip, ip))
	}
	for _, tc := range []struct{ name, enrich string }{
		{"sync", "ENRICH USING geo(ip) AS g"},
		{"ordered", "ENRICH USING ASYNC geo(ip) AS g WITH (workers=4, order='ordered')"},
		{"key", "ENRICH USING ASYNC geo(ip) AS g WITH (workers=4, order='key')"},
		{"unordered", "ENRICH USING ASYNC geo(ip) AS g WITH (workers=4, buffer=2, order='unordered')"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, svc := enrichDriver(t)
			// alias->field and alias.field both read the result.
			run(t, d, `CREATE STREAM OUT AS SELECT id, g->country AS country, g.city AS city FROM reqs `+tc.enrich+` EMIT CHANGES;`)
			produceIPs(t, d, ips...)
			if got := values(d, "OUT"); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for i, k := range svc.keys {
				if want := fmt.Sprintf("CSAS_OUT_0/G/reqs/0/%d", i); k != want {
					t.Errorf("call %d: idempotency key %q, want %q", i, k, want)
				}
			}
		})
	}
}

func TestEnrichWhereOnAlias(t *testing.T) {
	d, _ := enrichDriver(t)
	run(t, d, `CREATE STREAM OUT AS SELECT id, g FROM reqs ENRICH USING ASYNC geo(ip) AS g WHERE g->country <> 'C-2.2.2.2' EMIT CHANGES;`)
	produceIPs(t, d, "1.1.1.1", "2.2.2.2", "3.3.3.3")
	got := values(d, "OUT")
	if len(got) != 2 || !strings.Contains(got[0], "C-1.1.1.1") || !strings.Contains(got[1], "C-3.3.3.3") {
		t.Fatalf("got %v", got)
	}
}

func TestEnrichFailurePolicies(t *testing.T) {
	ips := []string{"1.1.1.1", "bad1", "flaky1", "bad2", "5.5.5.5"}
	for _, tc := range []struct {
		with           string
		out, dlq, logs int
		nulls          int
		failed         bool
		flakyRecovered bool
	}{
		{with: "on_failure='drop'", out: 2},
		{with: "on_failure='drop', retry='fixed(2, 1ms)'", out: 3, flakyRecovered: true},
		{with: "on_failure='log'", out: 2, logs: 3},
		{with: "on_failure='null'", out: 5, nulls: 3},
		{with: "on_failure='dlq', dlq_topic='dead'", out: 2, dlq: 3},
		{with: "on_failure='fail'", out: 1, failed: true},
	} {
		for _, async := range []string{"", "ASYNC "} {
			t.Run(async+tc.with, func(t *testing.T) {
				d, _ := enrichDriver(t)
				run(t, d, `CREATE STREAM OUT AS SELECT id, g->country AS c FROM reqs ENRICH USING `+async+`geo(ip) AS g WITH (`+tc.with+`) EMIT CHANGES;`)
				var err error
				for i, ip := range ips {
					if err = d.Produce(context.Background(), Record{Topic: "reqs", Key: []byte(fmt.Sprintf("k%d", i)), Value: []byte(`{"IP": "` + ip + `"}`)}); err != nil {
						break
					}
				}
				if tc.failed != (err != nil) {
					t.Fatalf("error %v, want failure %v", err, tc.failed)
				}
				if err != nil && rqlerr.CodeOf(err) != rqlerr.EnrichFailed {
					t.Fatalf("error code %s: %v", rqlerr.CodeOf(err), err)
				}
				out := values(d, "OUT")
				nulls := 0
				for _, v := range out {
					if strings.HasSuffix(v, `{"C":null}`) {
						nulls++
					}
				}
				if len(out) != tc.out || nulls != tc.nulls || len(d.Records("dead")) != tc.dlq || len(d.ProcessingLog()) != tc.logs {
					t.Fatalf("out %v (nulls %d), dead letters %d, log %v", out, nulls, len(d.Records("dead")), d.ProcessingLog())
				}
				if tc.dlq > 0 {
					h := map[string]string{}
					for _, x := range d.Records("dead")[0].Headers {
						h[x.Key] = string(x.Value)
					}
					if h["rql.enrich.function"] != "geo" || h["rql.source.offset"] != "1" || h["rql.source.topic"] != "reqs" ||
						!strings.Contains(string(d.Records("dead")[0].Value), "bad1") {
						t.Fatalf("dead letter %+v", d.Records("dead")[0])
					}
				}
			})
		}
	}
}

func TestEnrichTimeout(t *testing.T) {
	d, _ := enrichDriver(t)
	run(t, d, `CREATE STREAM OUT AS SELECT id, g FROM reqs ENRICH USING ASYNC geo(ip) AS g WITH (timeout='30ms', on_failure='null') EMIT CHANGES;`)
	produceIPs(t, d, "hang1", "2.2.2.2")
	got := values(d, "OUT")
	if len(got) != 2 || got[0] != `k0|{"G":null}` {
		t.Fatalf("got %v", got)
	}
}

func TestEnrichTransientSelect(t *testing.T) {
	d, _ := enrichDriver(t)
	produceIPs(t, d, "1.1.1.1", "2.2.2.2")
	res := run(t, d, `SELECT id, g->city FROM reqs ENRICH USING ASYNC geo(ip) AS g EMIT CHANGES LIMIT 2;`)
	if len(res[0].Rows) != 2 || res[0].Rows[1][1] != "city of 2.2.2.2" {
		t.Fatalf("rows %v", res[0].Rows)
	}
}

func TestFunctionStatements(t *testing.T) {
	d, _ := enrichDriver(t)
	res := run(t, d, `SHOW FUNCTIONS; DESCRIBE FUNCTION geo; DROP FUNCTION geo; DROP FUNCTION IF EXISTS geo;`)
	found := false
	for _, r := range res[0].Rows {
		if r[0] == "GEO" && r[1] == "USER" {
			found = true
		}
	}
	if !found || !strings.Contains(res[1].Message, "CREATE FUNCTION geo") {
		t.Fatalf("show %v, describe %q", res[0].Rows, res[1].Message)
	}
	if _, ok := d.Registry().Lookup("GEO"); ok || len(d.Catalog().Functions()) != 0 {
		t.Fatal("GEO still registered")
	}
	if _, err := d.Execute(context.Background(), `DROP FUNCTION abs;`); err == nil || !strings.Contains(err.Error(), "built-in") {
		t.Fatalf("DROP FUNCTION abs: %v", err)
	}
}

// A table's tombstones pass with a NULL enrichment and no call, in order
// with the upserts around them.
func TestEnrichTableTombstones(t *testing.T) {
	for _, async := range []string{"", "ASYNC "} {
		t.Run(async, func(t *testing.T) {
			d, svc := enrichDriver(t)
			run(t, d, `CREATE TABLE HOSTS (ID STRING PRIMARY KEY, IP STRING) WITH (kafka_topic='hosts', value_format='JSON');
CREATE TABLE HOSTS_GEO AS SELECT id, g->country AS c FROM hosts ENRICH USING `+async+`geo(ip) AS g WITH (on_failure='null') EMIT CHANGES;`)
			produce(t, d, "hosts", "h1", `{"IP": "1.1.1.1"}`, 1)
			produce(t, d, "hosts", "h1", "", 2)
			produce(t, d, "hosts", "h2", `{"IP": "2.2.2.2"}`, 3)
			got := strings.Join(values(d, "HOSTS_GEO"), " ")
			if got != `h1|{"C":"C-1.1.1.1"} h1| h2|{"C":"C-2.2.2.2"}` {
				t.Fatalf("got %s", got)
			}
			if len(svc.keys) != 2 {
				t.Fatalf("%d calls", len(svc.keys))
			}
		})
	}
}

// After a join, records of the two sides at the same partition and offset
// are different calls: their idempotency keys and processing-log entries
// name each side's topic.
func TestEnrichAfterJoinNamesEachSidesTopic(t *testing.T) {
	for _, mode := range []string{"sync", "async"} {
		t.Run(mode, func(t *testing.T) {
			d, svc := enrichDriver(t)
			enrich := "ENRICH USING geo(l.ip) AS g WITH (on_failure='log')"
			if mode == "async" {
				enrich = "ENRICH USING ASYNC geo(l.ip) AS g WITH (workers=2, on_failure='log')"
			}
			run(t, d, `CREATE TABLE L (ID STRING PRIMARY KEY, IP STRING) WITH (kafka_topic='left_t', value_format='JSON');
CREATE TABLE R (ID STRING PRIMARY KEY, X STRING) WITH (kafka_topic='right_t', value_format='JSON');
CREATE TABLE OUT AS SELECT l.id AS id, g->country AS country FROM L LEFT JOIN R ON l.id = r.id `+enrich+` EMIT CHANGES;`)
			// Offset 0 of each side; both join rows call with the left
			// row's failing address, so both calls are logged.
			produce(t, d, "left_t", "k1", `{"IP": "bad1"}`, 1)
			produce(t, d, "right_t", "k1", `{"X": "x"}`, 2)
			want := []string{"CTAS_OUT_0/G/left_t/0/0", "CTAS_OUT_0/G/right_t/0/0"}
			if strings.Join(svc.keys, " ") != strings.Join(want, " ") {
				t.Fatalf("idempotency keys %q, want %q", svc.keys, want)
			}
			var topics []string
			for _, e := range d.ProcessingLog() {
				topics = append(topics, fmt.Sprintf("%s/%d/%d", e.Topic, e.Partition, e.Offset))
			}
			if want := "left_t/0/0 right_t/0/0"; strings.Join(topics, " ") != want {
				t.Fatalf("processing log at %q, want %s", topics, want)
			}
		})
	}
}

// Rows a join emits for one record are numbered by the join (Row.Seq), and
// each enrichment names itself: two enrichments after a stream-stream join
// that matches one record twice make four calls with four keys, whatever
// order an unordered asynchronous enrichment hands the rows on in.
func TestEnrichKeysNumberJoinRowsAndNameTheEnrichment(t *testing.T) {
	for _, first := range []string{"ENRICH USING geo(a.ip) AS g", "ENRICH USING ASYNC geo(a.ip) AS g WITH (workers=4, order='unordered')"} {
		t.Run(first, func(t *testing.T) {
			d, svc := enrichDriver(t)
			run(t, d, `CREATE STREAM A (ID STRING KEY, IP STRING) WITH (kafka_topic='a', value_format='JSON');
CREATE STREAM B (ID STRING KEY, X STRING) WITH (kafka_topic='b', value_format='JSON');
CREATE STREAM OUT AS SELECT a.id AS id, g->country AS c1, h->country AS c2 FROM A JOIN B WITHIN 1 HOURS ON a.id = b.id `+
				first+` ENRICH USING geo(b.x) AS h EMIT CHANGES;`)
			produce(t, d, "b", "k1", `{"X": "8.8.8.1"}`, 1)
			produce(t, d, "b", "k1", `{"X": "8.8.8.2"}`, 2)
			produce(t, d, "a", "k1", `{"IP": "1.1.1.1"}`, 3)
			got := append([]string(nil), svc.calls2...)
			sort.Strings(got)
			// The join emits the match with b's first record first.
			want := []string{"CSAS_OUT_0/G/a/0/0=1.1.1.1", "CSAS_OUT_0/G/a/0/0/1=1.1.1.1",
				"CSAS_OUT_0/H/a/0/0=8.8.8.1", "CSAS_OUT_0/H/a/0/0/1=8.8.8.2"}
			sort.Strings(want)
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("calls (key=argument) %q, want %q", got, want)
			}
			if n := len(values(d, "OUT")); n != 2 {
				t.Fatalf("%d output rows, want 2", n)
			}
		})
	}
}
