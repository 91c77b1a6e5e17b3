package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/server"
)

func TestEndpoints(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{})
	u := uniq()
	ents := ts.ksql(t, `
		CREATE STREAM orders (id INT KEY, item STRING, qty INT) WITH (kafka_topic='ep_orders_`+u+`', partitions=1, value_format='json');
		SET 'auto.offset.reset' = 'earliest';
		CREATE STREAM big AS SELECT id, UCASE(item) AS item, qty FROM orders WHERE qty > 1;
		CREATE TYPE addr AS STRUCT<city STRING>;
		INSERT INTO orders (id, item, qty) VALUES (1, 'apple', 3);`)
	if len(ents) != 4 { // SET has no entity
		t.Fatalf("want 4 entities, got %d: %v", len(ents), ents)
	}
	if ents[0]["@type"] != "currentStatus" || ents[0]["commandId"] != "stream/ORDERS/create" {
		t.Fatalf("CREATE STREAM: %v", ents[0])
	}
	cs := ents[1]["commandStatus"].(map[string]any)
	if cs["status"] != "SUCCESS" || cs["queryId"] != "CSAS_BIG_0" || ents[1]["commandSequenceNumber"].(float64) < 0 {
		t.Fatalf("CSAS: %v", ents[1])
	}

	checks := []struct {
		sql, typ, field string
	}{
		{"SHOW STREAMS;", "streams", "streams"},
		{"LIST TABLES;", "tables", "tables"},
		{"SHOW QUERIES;", "queries", "queries"},
		{"SHOW PROPERTIES;", "properties", "properties"},
		{"SHOW FUNCTIONS;", "function_names", "functions"},
		{"SHOW TYPES;", "type_list", "types"},
		{"SHOW TOPICS;", "kafka_topics", "topics"},
		{"DESCRIBE orders;", "sourceDescription", "sourceDescription"},
		{"DESCRIBE FUNCTION ucase;", "describe_function", "functions"},
		{"EXPLAIN CSAS_BIG_0;", "queryDescription", "queryDescription"},
	}
	for _, c := range checks {
		e := ts.ksql(t, c.sql)
		if len(e) != 1 || e[0]["@type"] != c.typ || e[0][c.field] == nil {
			t.Errorf("%s: want one %s entity with %s, got %v", c.sql, c.typ, c.field, e)
		}
	}
	d := ts.ksql(t, "DESCRIBE big;")[0]["sourceDescription"].(map[string]any)
	if d["name"] != "BIG" || len(d["writeQueries"].([]any)) != 1 || len(d["fields"].([]any)) != 3 {
		t.Errorf("DESCRIBE big: %v", d)
	}
	q := ts.ksql(t, "SHOW QUERIES;")[0]["queries"].([]any)[0].(map[string]any)
	if q["id"] != "CSAS_BIG_0" || q["state"] != "RUNNING" {
		t.Errorf("SHOW QUERIES: %v", q)
	}

	// The persistent query runs: apple made it to BIG.
	recs := readCommitted(t, "BIG", 1, 0, 20*time.Second)
	if !strings.Contains(string(recs[0].Value), "APPLE") {
		t.Errorf("BIG got %s", recs[0].Value)
	}

	for _, path := range []string{"/info", "/healthcheck", "/clusterStatus", "/status/stream/ORDERS/create", "/metrics"} {
		status, body := call(t, "GET", ts.url+path, "")
		if status != http.StatusOK {
			t.Errorf("GET %s: %d %s", path, status, body)
		}
	}
	_, body := call(t, "GET", ts.url+"/info", "")
	if !strings.Contains(string(body), `"ksqlServiceId":"TestEndpoints_`) {
		t.Errorf("/info: %s", body)
	}
	_, body = call(t, "GET", ts.url+"/status/stream/BIG/create", "")
	if !strings.Contains(string(body), `"status":"SUCCESS"`) {
		t.Errorf("/status: %s", body)
	}
	if status, _ := call(t, "GET", ts.url+"/status/stream/NOPE/create", ""); status != http.StatusNotFound {
		t.Errorf("/status of an unknown command: %d", status)
	}
	waitFor(t, 10*time.Second, "metrics of the query", func() bool {
		_, body := call(t, "GET", ts.url+"/metrics", "")
		return bytes.Contains(body, []byte(`rql_query_state{query="CSAS_BIG_0",state="RUNNING"} 1`)) &&
			bytes.Contains(body, []byte(`rql_query_records_consumed_total{query="CSAS_BIG_0"} 1`))
	})

	// /query: the older chunked shape.
	status, body := call(t, "POST", ts.url+"/query", `{"ksql":"SELECT * FROM big EMIT CHANGES LIMIT 1;","streamsProperties":{"auto.offset.reset":"earliest"}}`)
	var chunks []map[string]any
	if status != http.StatusOK || json.Unmarshal(body, &chunks) != nil || len(chunks) != 3 ||
		chunks[0]["header"] == nil || chunks[1]["row"] == nil || chunks[2]["finalMessage"] != "Limit Reached" {
		t.Errorf("/query: %d %s", status, body)
	}

	// /inserts-stream, then the rows are there.
	status, body = call(t, "POST", ts.url+"/inserts-stream", "{\"target\":\"orders\"}\n{\"id\":2,\"item\":\"pear\",\"qty\":5}\n{\"ID\":3,\"ITEM\":\"fig\",\"QTY\":1}\n{\"nope\":1}\n")
	if status != http.StatusOK || strings.Count(string(body), `"status":"ok"`) != 2 || !strings.Contains(string(body), `"seq":2,"status":"error"`) {
		t.Errorf("/inserts-stream: %d %s", status, body)
	}
	readCommitted(t, "BIG", 2, 0, 20*time.Second)

	// A failing statement: the entities before it, ksqlDB's error shape, rql's position.
	status, body = call(t, "POST", ts.url+"/ksql", `{"ksql":"SHOW STREAMS;\nCREATE STREAM x AS SELECT nope FROM orders;"}`)
	var se map[string]any
	_ = json.Unmarshal(body, &se)
	if status != http.StatusBadRequest || se["@type"] != "statement_error" || se["error_code"].(float64) != 40001 ||
		!strings.Contains(se["statementText"].(string), "CREATE STREAM x") || len(se["entities"].([]any)) != 1 ||
		se["line"].(float64) != 2 {
		t.Errorf("bad statement: %d %s", status, body)
	}
	status, body = call(t, "POST", ts.url+"/ksql", `{"ksql":"SELECT * FROM orders EMIT CHANGES;"}`)
	if status != http.StatusBadRequest || !strings.Contains(string(body), `"error_code":40002`) {
		t.Errorf("SELECT on /ksql: %d %s", status, body)
	}
	status, body = call(t, "POST", ts.url+"/ksql", `{"ksql":"CREATE STREAM oops (;"}`)
	if status != http.StatusBadRequest || !strings.Contains(string(body), `"statement_error"`) {
		t.Errorf("syntax error: %d %s", status, body)
	}
	if status, _ := call(t, "GET", ts.url+"/nowhere", ""); status != http.StatusNotFound {
		t.Errorf("unknown path: %d", status)
	}
}

func TestAuth(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		cfg  server.Config
		ok   []string // header name, value
		bad  []string
	}{
		{"token", server.Config{AuthToken: "s3cret"}, []string{"Authorization", "Bearer s3cret"}, []string{"Authorization", "Bearer wrong"}},
		{"basic", server.Config{BasicUser: "ann", BasicPassword: "pw"}, []string{"Authorization", "Basic YW5uOnB3"}, []string{"Authorization", "Basic YW5uOng="}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ts := startServer(t, c.cfg)
			endpoints := []struct{ method, path, body string }{
				{"POST", "/ksql", `{"ksql":"SHOW STREAMS;"}`},
				{"POST", "/query-stream", `{"sql":"SELECT * FROM x EMIT CHANGES;"}`},
				{"POST", "/query", `{"ksql":"SELECT * FROM x EMIT CHANGES;"}`},
				{"POST", "/close-query", `{"queryId":"q"}`},
				{"POST", "/inserts-stream", `{"target":"x"}`},
				{"GET", "/info", ""}, {"GET", "/clusterStatus", ""}, {"GET", "/status/stream/X/create", ""}, {"GET", "/metrics", ""},
			}
			for _, e := range endpoints {
				for _, hdr := range [][]string{nil, c.bad} {
					status, body := call(t, e.method, ts.url+e.path, e.body, hdr...)
					if status != http.StatusUnauthorized || !strings.Contains(string(body), `"error_code":40100`) {
						t.Errorf("%s %s with %v: %d %s", e.method, e.path, hdr, status, body)
					}
				}
			}
			if status, _ := call(t, "GET", ts.url+"/healthcheck", ""); status != http.StatusOK {
				t.Errorf("/healthcheck without credentials: %d", status)
			}
			for _, path := range []string{"/info", "/metrics"} {
				if status, body := call(t, "GET", ts.url+path, "", c.ok...); status != http.StatusOK {
					t.Errorf("%s with credentials: %d %s", path, status, body)
				}
			}
			if status, body := call(t, "POST", ts.url+"/ksql", `{"ksql":"SHOW STREAMS;"}`, c.ok...); status != http.StatusOK {
				t.Errorf("/ksql with credentials: %d %s", status, body)
			}
		})
	}
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{MaxBodyBytes: 1024})
	big := `{"ksql":"` + strings.Repeat("x", 2000) + `"}`
	for _, c := range []struct {
		path, body string
		status     int
		code       string
	}{
		{"/ksql", big, http.StatusRequestEntityTooLarge, "41300"},
		{"/query-stream", big, http.StatusRequestEntityTooLarge, "41300"},
		{"/ksql", `{"ksql": "SHOW STREAMS;"`, http.StatusBadRequest, "40000"},
		{"/ksql", `[1,2]`, http.StatusBadRequest, "40000"},
		{"/ksql", ``, http.StatusBadRequest, "40000"},
		{"/ksql", `{"ksql":""}`, http.StatusBadRequest, "40000"},
		{"/ksql", `{"ksql":"SHOW STREAMS;","streamsProperties":"no"}`, http.StatusBadRequest, "40000"},
		{"/query-stream", `{"sql":12}`, http.StatusBadRequest, "40000"},
		{"/query-stream", `{"sql":"SHOW STREAMS;"}`, http.StatusBadRequest, "40001"},
		{"/query-stream", `{"sql":"SELECT * FROM missing EMIT CHANGES;"}`, http.StatusBadRequest, "40001"},
		{"/close-query", `{"queryId":"nope"}`, http.StatusBadRequest, "40000"},
		{"/inserts-stream", `{"target":"missing"}`, http.StatusBadRequest, "40000"},
	} {
		status, body := call(t, "POST", ts.url+c.path, c.body)
		var eb map[string]any
		if status != c.status || json.Unmarshal(body, &eb) != nil || eb["message"] == "" ||
			!strings.Contains(string(body), `"error_code":`+c.code) {
			t.Errorf("POST %s %.40q: want %d (%s), got %d %s", c.path, c.body, c.status, c.code, status, body)
		}
	}
	// The server is still healthy.
	if status, _ := call(t, "GET", ts.url+"/healthcheck", ""); status != http.StatusOK {
		t.Errorf("/healthcheck after bad requests: %d", status)
	}
}
