package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	rqlclient "github.com/rql/rql/server/client"
)

// fakeServer speaks the shapes of ksqlDB's REST API that the shell uses:
// /info, /ksql (SHOW STREAMS, DESCRIBE, CREATE, an error), /query-stream
// (a LIMIT 2 query that ends, and an endless one) and /close-query.
type fakeServer struct {
	t     *testing.T
	token string

	mu      sync.Mutex
	closed  []string          // query ids closed by /close-query
	props   map[string]string // properties of the last /query-stream
	running map[string]chan struct{}
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.token != "" && r.Header.Get("Authorization") != "Bearer "+f.token {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"@type":"generic_error","error_code":40100,"message":"Unauthorized"}`)
		return
	}
	var body map[string]any
	if r.Method == http.MethodPost {
		if ct := r.Header.Get("Content-Type"); ct != rqlclient.KSQLContentType {
			f.t.Errorf("%s: Content-Type %q", r.URL.Path, ct)
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			f.t.Errorf("%s: body: %v", r.URL.Path, err)
		}
	}
	switch r.URL.Path {
	case "/info":
		fmt.Fprint(w, `{"KsqlServerInfo":{"version":"7.9.0-rql","kafkaClusterId":"c","ksqlServiceId":"rql","serverStatus":"RUNNING"}}`)
	case "/ksql":
		f.ksql(w, body["ksql"].(string))
	case "/query-stream":
		if a := r.Header.Get("Accept"); a != rqlclient.DelimitedContentType {
			f.t.Errorf("/query-stream: Accept %q", a)
		}
		f.mu.Lock()
		f.props = map[string]string{}
		for k, v := range body["properties"].(map[string]any) {
			f.props[k] = v.(string)
		}
		f.mu.Unlock()
		f.query(w, r, body["sql"].(string))
	case "/close-query":
		id := body["queryId"].(string)
		f.mu.Lock()
		f.closed = append(f.closed, id)
		if ch, ok := f.running[id]; ok {
			close(ch)
			delete(f.running, id)
		}
		f.mu.Unlock()
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeServer) ksql(w http.ResponseWriter, sql string) {
	switch {
	case strings.HasPrefix(sql, "SHOW STREAMS"):
		fmt.Fprint(w, `[{"@type":"streams","statementText":"SHOW STREAMS;","streams":[
			{"type":"STREAM","name":"CLICKS","topic":"clicks","keyFormat":"KAFKA","valueFormat":"JSON","isWindowed":false}],"warnings":[]}]`)
	case strings.HasPrefix(sql, "SHOW TOPICS"):
		fmt.Fprint(w, `[{"@type":"kafka_topics","topics":[{"name":"clicks","replicaInfo":[1,1]}]}]`)
	case strings.HasPrefix(sql, "SHOW FUNCTIONS"):
		fmt.Fprint(w, `[{"@type":"function_names","functions":[{"name":"UCASE","type":"SCALAR","category":"STRING"}]}]`)
	case strings.HasPrefix(sql, "DESCRIBE CLICKS"):
		fmt.Fprint(w, `[{"@type":"sourceDescription","sourceDescription":{"name":"CLICKS","type":"STREAM","topic":"clicks",
			"fields":[{"name":"USER_ID","schema":{"type":"INTEGER"},"type":"KEY"},{"name":"PAGE","schema":{"type":"STRING"}}]}}]`)
	case strings.HasPrefix(sql, "EXPLAIN"):
		fmt.Fprint(w, `[{"@type":"queryDescription","queryDescription":{"id":"CSAS_X_0","statementText":"CREATE STREAM X AS SELECT * FROM CLICKS;",
			"executionPlan":"• project\n│ exprs: USER_ID\n└── • scan kafka\n      source: CLICKS","topology":""}}]`)
	case strings.HasPrefix(sql, "CREATE"):
		fmt.Fprint(w, `[{"@type":"currentStatus","statementText":"CREATE ...","commandId":"stream/X/create",
			"commandStatus":{"status":"SUCCESS","message":"Stream created"},"commandSequenceNumber":1,"warnings":[]}]`)
	default:
		// An error at line 1, column 8 of the statement sent.
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"@type":"statement_error","error_code":40001,"message":"Syntax error at or near 'FORM'","statementText":%q,
			"entities":[],"rqlCode":"RQL-P0001","line":1,"column":8}`, sql)
	}
}

func (f *fakeServer) query(w http.ResponseWriter, r *http.Request, sql string) {
	if strings.Contains(sql, "FORM") {
		f.ksql(w, sql) // the syntax error
		return
	}
	if strings.Contains(sql, "nope") {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"@type":"generic_error","error_code":40001,"message":"line 1, column 8: SELECT column 'NOPE' cannot be resolved.","rqlCode":"RQL-B0001"}`)
		return
	}
	w.Header().Set("Content-Type", rqlclient.DelimitedContentType)
	fl := w.(http.Flusher)
	id := fmt.Sprintf("transient_CLICKS_%d", time.Now().UnixNano())
	fmt.Fprintf(w, `{"queryId":%q,"columnNames":["USER_ID","PAGE_UPPER"],"columnTypes":["INTEGER","STRING"]}`+"\n", id)
	fmt.Fprintln(w, `[7,"HOME"]`)
	fl.Flush()
	if strings.Contains(sql, "LIMIT 2") {
		fmt.Fprintln(w, `[8,null]`)
		return
	}
	done := make(chan struct{})
	f.mu.Lock()
	if f.running == nil {
		f.running = map[string]chan struct{}{}
	}
	f.running[id] = done
	f.mu.Unlock()
	select { // an endless push query: until closed or the client goes
	case <-done:
	case <-r.Context().Done():
	}
}

func newFakeServer(t *testing.T, token string) (*fakeServer, *serverShell) {
	f := &fakeServer{t: t, token: token}
	ts := httptest.NewServer(f)
	t.Cleanup(ts.Close)
	sh, err := openServerShell(context.Background(), shellFlags{server: ts.URL, authToken: token})
	if err != nil {
		t.Fatal(err)
	}
	return f, sh.(*serverShell)
}

func TestServerShellStatements(t *testing.T) {
	_, sh := newFakeServer(t, "secret")
	if b := sh.banner(); !strings.Contains(b, "7.9.0-rql") || !strings.Contains(b, "ksqlServiceId rql") {
		t.Errorf("banner = %q", b)
	}
	var out, errOut bytes.Buffer
	script := "CREATE STREAM X AS SELECT * FROM CLICKS;\nSHOW STREAMS;\nSELECT * FROM CLICKS EMIT CHANGES LIMIT 2;\nEXPLAIN CSAS_X_0;"
	if err := runScript(context.Background(), sh, script, &out, &errOut); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	for _, want := range []string{"Stream created", "Stream Name", "│ CLICKS      │ clicks", "USER_ID", "PAGE_UPPER",
		"│ 7 ", "HOME", "│ 8 ", "null", "Limit Reached", "│ exprs: USER_ID", "      source: CLICKS"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestServerShellErrorPosition(t *testing.T) {
	_, sh := newFakeServer(t, "")
	var out, errOut bytes.Buffer
	// The failing statement starts at line 2, column 3 of the script.
	err := runScript(context.Background(), sh, "SHOW STREAMS;\n  SELECT FORM CLICKS;", &out, &errOut)
	if _, ok := err.(exitError); !ok {
		t.Fatalf("err = %v", err)
	}
	want := "RQL-P0001: line 2, column 10: Syntax error at or near 'FORM'\n  SELECT FORM CLICKS;\n         ^\n"
	if errOut.String() != want {
		t.Errorf("error output:\n%q\nwant:\n%q", errOut.String(), want)
	}
	errOut.Reset()
	_ = runScript(context.Background(), sh, "SELECT nope FROM CLICKS EMIT CHANGES;", &out, &errOut)
	if !strings.HasPrefix(errOut.String(), "RQL-B0001: line 1, column 8: SELECT column 'NOPE' cannot be resolved.\n") {
		t.Errorf("query error output:\n%s", errOut.String())
	}
}

func TestServerShellAuth(t *testing.T) {
	f := &fakeServer{t: t, token: "secret"}
	ts := httptest.NewServer(f)
	defer ts.Close()
	_, err := openServerShell(context.Background(), shellFlags{server: ts.URL, authToken: "wrong"})
	if err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Errorf("wrong token: err = %v", err)
	}
	if _, err := openServerShell(context.Background(), shellFlags{server: "localhost:8088"}); err == nil {
		t.Error("a URL without scheme must be rejected")
	}
}

// TestServerShellInterrupt: ending the context of a running push query
// (Ctrl-C) closes it on the server and prints "Query terminated".
func TestServerShellInterrupt(t *testing.T) {
	f, sh := newFakeServer(t, "")
	var out, errOut bytes.Buffer
	if err := runScript(context.Background(), sh, "SET 'auto.offset.reset'='earliest';", &out, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	if err := runScript(ctx, sh, "SELECT * FROM CLICKS EMIT CHANGES;", &out, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	s := out.String()
	if !strings.Contains(s, "Successfully set auto.offset.reset") || !strings.Contains(s, "HOME") ||
		!strings.HasSuffix(s, "Query terminated\n") {
		t.Errorf("output:\n%s", s)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.closed) != 1 || !strings.HasPrefix(f.closed[0], "transient_CLICKS_") || len(f.running) != 0 {
		t.Errorf("closed %v, still running %v", f.closed, f.running)
	}
	if f.props["auto.offset.reset"] != "earliest" {
		t.Errorf("the query was sent properties %v", f.props)
	}
}

func TestServerShellNamesAndJSON(t *testing.T) {
	_, sh := newFakeServer(t, "")
	n := sh.names(context.Background())
	if strings.Join(n.sources, ",") != "CLICKS" || strings.Join(n.topics, ",") != "clicks" ||
		strings.Join(n.functions, ",") != "UCASE" || strings.Join(n.columns["CLICKS"], ",") != "USER_ID,PAGE" {
		t.Errorf("names = %+v", n)
	}
	var out, errOut bytes.Buffer
	if err := runScript(context.Background(), sh, "OUTPUT JSON;\nSELECT * FROM CLICKS EMIT CHANGES LIMIT 2;\nSHOW STREAMS;", &out, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	lines := strings.SplitN(out.String(), "\n", 4)
	if !strings.HasPrefix(lines[0], `{"queryId":"transient_CLICKS_`) ||
		!strings.HasSuffix(lines[0], `"columnNames":["USER_ID","PAGE_UPPER"],"columnTypes":["INTEGER","STRING"]}`) ||
		lines[1] != `[7,"HOME"]` || lines[2] != `[8,null]` || !strings.Contains(lines[3], `"@type": "streams"`) {
		t.Errorf("JSON output:\n%s", out.String())
	}
}
