package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/server"
)

// TestRuntimeFigures: a query with an asynchronous enrichment exports its
// rates, lag, commit latency and enrichment counters at /metrics, and
// DESCRIBE EXTENDED and SHOW QUERIES carry them.
func TestRuntimeFigures(t *testing.T) {
	t.Parallel()
	svc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(5 * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data": %s}`, strings.TrimPrefix(r.URL.Path, "/v/"))
	}))
	t.Cleanup(svc.Close)
	ts := startServer(t, server.Config{})
	u := uniq()
	ts.ksql(t, `
		CREATE STREAM rin (id INT KEY, n BIGINT) WITH (kafka_topic='rt_in_`+u+`', partitions=1, value_format='json');
		SET 'auto.offset.reset' = 'earliest';
		CREATE FUNCTION echo(n BIGINT) RETURNS BIGINT USING HTTP WITH (url='`+svc.URL+`/v/{n}', method='GET', response_path='data');
		CREATE STREAM rout AS SELECT id, n, e FROM rin ENRICH USING ASYNC echo(n) AS e WITH (workers=4) EMIT CHANGES;
		INSERT INTO rin (id, n) VALUES (1, 10);
		INSERT INTO rin (id, n) VALUES (2, 20);
		INSERT INTO rin (id, n) VALUES (3, 30);`)
	readCommitted(t, "ROUT", 3, 0, 30*time.Second)

	q := `query="CSAS_ROUT_0"`
	en := `enrichment="echo AS E",` + q // labels print sorted
	want := []*regexp.Regexp{
		regexp.MustCompile(`rql_query_records_in_per_second\{` + q + `\} \S+`),
		regexp.MustCompile(`rql_query_records_out_per_second\{` + q + `\} \S+`),
		regexp.MustCompile(`rql_query_consumer_lag\{partition="rt_in_` + u + `/0",` + q + `\} 0`),
		regexp.MustCompile(`rql_query_consumer_lag_sum\{` + q + `\} 0`),
		regexp.MustCompile(`rql_query_commit_latency_seconds_bucket\{` + q + `,le="0\.005"\} \d+`),
		regexp.MustCompile(`rql_query_commit_latency_seconds_count\{` + q + `\} [1-9]`),
		regexp.MustCompile(`rql_query_restored_records_total\{` + q + `\} 0`),
		regexp.MustCompile(`rql_enrich_calls_total\{` + en + `\} 3`),
		regexp.MustCompile(`rql_enrich_emitted_total\{` + en + `\} 3`),
		regexp.MustCompile(`rql_enrich_in_flight\{` + en + `\} 0`),
		regexp.MustCompile(`rql_enrich_failures_total\{enrichment="echo AS E",policy="fail",` + q + `\} 0`),
		regexp.MustCompile(`rql_enrich_cache_hits_total\{` + en + `\} 0`),
		regexp.MustCompile(`rql_enrich_rate_limit_waits_total\{` + en + `\} 0`),
		// The service sleeps 5 ms: every call takes at least that (≥ 0.005
		// s; a loaded machine adds any amount).
		regexp.MustCompile(`rql_enrich_call_latency_seconds\{enrichment="echo AS E",quantile="0.99",` + q + `\} (0\.00[5-9]|0\.0[1-9]|0\.[1-9]|[1-9])`),
	}
	var missing []string
	for end := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, body := call(t, "GET", ts.url+"/metrics", "")
		missing = missing[:0]
		for _, re := range want {
			if !re.Match(body) {
				missing = append(missing, re.String())
			}
		}
		if len(missing) == 0 {
			break
		}
		if time.Now().After(end) {
			for _, l := range strings.Split(string(body), "\n") {
				if strings.Contains(l, "ROUT") && !strings.HasPrefix(l, "#") {
					t.Log(l)
				}
			}
			t.Fatalf("/metrics lacks %q", missing)
		}
	}

	d := ts.ksql(t, "DESCRIBE rout EXTENDED;")[0]["sourceDescription"].(map[string]any)
	stats, _ := d["statistics"].(string)
	if !strings.Contains(stats, "CSAS_ROUT_0 consumer lag: 0") || !strings.Contains(stats, "enrichment echo AS E: in-flight=0 (max") ||
		!strings.Contains(stats, "calls=3 ") {
		t.Errorf("DESCRIBE EXTENDED statistics:\n%s", stats)
	}
	rs := d["writeQueries"].([]any)[0].(map[string]any)["rqlStatus"].(map[string]any)
	ens, _ := rs["enrichments"].([]any)
	if rs["consumerLag"] != float64(0) || len(ens) != 1 || ens[0].(map[string]any)["name"] != "echo AS E" {
		t.Errorf("DESCRIBE EXTENDED write query status: %v", rs)
	}
	sq := ts.ksql(t, "SHOW QUERIES;")[0]["queries"].([]any)[0].(map[string]any)["rqlStatus"].(map[string]any)
	if sq["consumerLag"] != float64(0) || sq["recordsInPerSec"] == nil {
		t.Errorf("SHOW QUERIES status: %v", sq)
	}
}
