package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/server"
)

// TestPushQuery streams rows inserted after a push query started, over
// HTTP/1.1 (delimited) and cleartext HTTP/2 with prior knowledge, and
// ends one with /close-query.
func TestPushQuery(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{})
	ts.ksql(t, `CREATE STREAM clicks (user STRING KEY, page STRING, n BIGINT) WITH (kafka_topic='pq_clicks_`+uniq()+`', partitions=2, value_format='json');`)

	h2 := new(http.Protocols)
	h2.SetUnencryptedHTTP2(true)
	for _, c := range []struct {
		name   string
		client *http.Client
		proto  int
	}{
		{"http1", &http.Client{}, 1},
		{"h2c", &http.Client{Transport: &http.Transport{Protocols: h2}}, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			resp, lines := streamLines(t, ctx, c.client, ts.url,
				`{"sql":"SELECT user, UCASE(page) AS page, n * 2 AS twice FROM clicks WHERE n > 0 EMIT CHANGES LIMIT 3;"}`)
			if resp.ProtoMajor != c.proto || resp.StatusCode != http.StatusOK ||
				resp.Header.Get("Content-Type") != "application/vnd.ksqlapi.delimited.v1" {
				t.Fatalf("response %s %d %s", resp.Proto, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			var md struct {
				QueryID     string   `json:"queryId"`
				ColumnNames []string `json:"columnNames"`
				ColumnTypes []string `json:"columnTypes"`
			}
			if err := json.Unmarshal([]byte(next(t, lines, 10*time.Second)), &md); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(md.QueryID, "transient_") || strings.Join(md.ColumnNames, ",") != "USER,PAGE,TWICE" ||
				strings.Join(md.ColumnTypes, ",") != "STRING,STRING,BIGINT" {
				t.Fatalf("metadata %+v", md)
			}
			// Inserted after the query started: the query sees them.
			ts.ksql(t, `INSERT INTO clicks (user, page, n) VALUES ('ann', 'home', 1);
				INSERT INTO clicks (user, page, n) VALUES ('bob', 'cart', 0);
				INSERT INTO clicks (user, page, n) VALUES ('bob', 'buy', 2);
				INSERT INTO clicks (user, page, n) VALUES ('cy', 'faq', 3);`)
			got := map[string]bool{}
			for range 3 {
				got[next(t, lines, 15*time.Second)] = true
			}
			for _, want := range []string{`["ann","HOME",2]`, `["bob","BUY",4]`, `["cy","FAQ",6]`} {
				if !got[want] {
					t.Errorf("missing row %s in %v", want, got)
				}
			}
			// LIMIT 3 ends the response.
			select {
			case l, ok := <-lines:
				if ok {
					t.Errorf("line after LIMIT: %s", l)
				}
			case <-time.After(10 * time.Second):
				t.Error("the response did not end at LIMIT")
			}
		})
	}

	t.Run("close-query", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, lines := streamLines(t, ctx, &http.Client{Transport: &http.Transport{Protocols: h2}}, ts.url,
			`{"sql":"SELECT * FROM clicks EMIT CHANGES;","properties":{"auto.offset.reset":"earliest"}}`)
		var md struct{ QueryID string }
		if err := json.Unmarshal([]byte(next(t, lines, 10*time.Second)), &md); err != nil {
			t.Fatal(err)
		}
		for range 4 { // earliest: the four rows inserted above
			next(t, lines, 10*time.Second)
		}
		if status, body := call(t, "POST", ts.url+"/close-query", `{"queryId":"`+md.QueryID+`"}`); status != http.StatusOK {
			t.Fatalf("/close-query: %d %s", status, body)
		}
		select {
		case _, ok := <-lines:
			for ok {
				_, ok = <-lines
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the stream did not end after /close-query")
		}
	})
}
