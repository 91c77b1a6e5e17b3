package server_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/server"
)

// TestPullSourceTableAndStream runs pull queries over /query-stream on the
// Kafka runtime: on a CREATE SOURCE TABLE (materialized by its internal
// query CST_<name>) and on a stream (a bounded scan of its topic).
func TestPullSourceTableAndStream(t *testing.T) {
	t.Parallel()
	ts := startServer(t, server.Config{})
	u := uniq()
	ts.ksql(t, `CREATE TABLE users_in (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='pl_users_`+u+`', partitions=2, value_format='json');
CREATE SOURCE TABLE users (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='pl_users_`+u+`', value_format='json');
CREATE STREAM clicks (id STRING KEY, n INT) WITH (kafka_topic='pl_clicks_`+u+`', partitions=2, value_format='json');
INSERT INTO users_in (id, name) VALUES ('a', 'ann');
INSERT INTO users_in (id, name) VALUES ('b', 'bob');
INSERT INTO clicks (id, n) VALUES ('x', 1);
INSERT INTO clicks (id, n) VALUES ('y', 2);`)
	// pull returns the rows of a pull query, sorted.
	pull := func(sql string) []string {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, lines := streamLines(t, ctx, http.DefaultClient, ts.url, mustMarshal(map[string]any{"sql": sql}))
		var rows []string
		first := true
		for l := range lines {
			if first {
				first = false
				if !strings.Contains(l, `"queryId"`) {
					t.Fatalf("%s: header %s", sql, l)
				}
				continue
			}
			if !strings.HasPrefix(l, "[") {
				t.Fatalf("%s: line %s", sql, l)
			}
			rows = append(rows, l)
		}
		slices.Sort(rows)
		return rows
	}
	waitFor(t, 20*time.Second, "the source table's rows", func() bool {
		return slices.Equal(pull(`SELECT * FROM users;`), []string{`["a","ann"]`, `["b","bob"]`})
	})
	if got := pull(`SELECT name FROM users WHERE id = 'b';`); !slices.Equal(got, []string{`["bob"]`}) {
		t.Errorf("key lookup: %v", got)
	}
	if got := pull(`SELECT id FROM clicks WHERE n > 1;`); !slices.Equal(got, []string{`["y"]`}) {
		t.Errorf("stream pull: %v", got)
	}
	q := ts.ksql(t, "SHOW QUERIES;")[0]["queries"].([]any)
	if len(q) != 1 || q[0].(map[string]any)["id"] != "CST_USERS" {
		t.Errorf("SHOW QUERIES: %v", q)
	}
}
