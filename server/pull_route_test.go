package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/server"
)

// startMember starts a server of service on the shared broker, listening
// on a loopback port it advertises (advertise false: it advertises none).
func startMember(t *testing.T, service string, advertise bool) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	cfg := server.Config{}
	if advertise {
		cfg.AdvertisedListener = url
	}
	cfg.Engine.Bootstrap = broker.Addr()
	cfg.Engine.StateDir = t.TempDir()
	cfg.Engine.ServiceID = service
	cfg.Engine.KafkaProps = map[string]string{"log_level": "3"}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv, err := server.New(ctx, cfg)
	if err != nil {
		_ = ln.Close()
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	ts := &testServer{Server: srv, url: url}
	t.Cleanup(func() { ts.close(t) })
	return ts
}

// pullRows runs a pull query through /query-stream and returns its rows
// (JSON arrays, sorted), or the error the answer carries.
func pullRows(t *testing.T, url, sql string, props map[string]any) ([]string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	resp, lines := streamLines(t, ctx, http.DefaultClient, url, mustMarshal(map[string]any{"sql": sql, "properties": props}))
	var rows []string
	first := true
	var bad string
	for l := range lines {
		switch {
		case first && resp.StatusCode == http.StatusOK && strings.Contains(l, `"queryId"`):
		case strings.HasPrefix(l, "[") && !first:
			rows = append(rows, l)
		default:
			bad += l
		}
		first = false
	}
	if bad != "" {
		return nil, fmt.Errorf("%s: %d %s", sql, resp.StatusCode, bad)
	}
	slices.Sort(rows)
	return rows, nil
}

// clusterMembers returns /clusterStatus's members: host:port → query id →
// partitions owned.
func clusterMembers(t *testing.T, url string) map[string]map[string]int {
	t.Helper()
	status, body := call(t, "GET", url+"/clusterStatus", "")
	if status != http.StatusOK {
		t.Fatalf("/clusterStatus: %d %s", status, body)
	}
	var cs struct {
		ClusterStatus map[string]struct {
			HostAlive bool `json:"hostAlive"`
			Per       map[string]struct {
				Active []any `json:"activePartitions"`
			} `json:"activeStandbyPerQuery"`
		} `json:"clusterStatus"`
	}
	if err := json.Unmarshal(body, &cs); err != nil {
		t.Fatalf("/clusterStatus %s: %v", body, err)
	}
	out := map[string]map[string]int{}
	for host, h := range cs.ClusterStatus {
		out[host] = map[string]int{}
		for q, p := range h.Per {
			out[host][q] = len(p.Active)
		}
	}
	return out
}

// TestPullRoutedBetweenMembers runs two servers of one service over
// 4-partition tables — a GROUP BY aggregation (through its repartition
// topic), a GROUP BY on the stream key, and a CREATE SOURCE TABLE — and
// checks that once both own partitions, a key lookup for every key through
// either server finds its row (forwarded to the owner when it is remote),
// a scan through either returns every row exactly once, LIMIT applies to
// the merged rows, and /clusterStatus lists both members.
func TestPullRoutedBetweenMembers(t *testing.T) {
	t.Parallel()
	service := "pullroute_" + uniq()
	u := uniq()
	a := startMember(t, service, true)
	a.ksql(t, `SET 'auto.offset.reset'='earliest';
CREATE STREAM orders (id STRING KEY, region STRING, amount BIGINT) WITH (kafka_topic='pr_orders_`+u+`', partitions=4, value_format='json');
CREATE TABLE by_region AS SELECT region, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY region;
CREATE TABLE by_id AS SELECT id, COUNT(*) AS n FROM orders GROUP BY id;
CREATE TABLE users_in (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='pr_users_`+u+`', partitions=4, value_format='json');
CREATE SOURCE TABLE users (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='pr_users_`+u+`', value_format='json');`)
	b := startMember(t, service, true)

	const orders, regions, users = 48, 8, 16
	var ins strings.Builder
	for i := range orders {
		fmt.Fprintf(&ins, "INSERT INTO orders (id, region, amount) VALUES ('o%d', 'r%d', %d);\n", i%24, i%regions, i)
	}
	for i := range users {
		fmt.Fprintf(&ins, "INSERT INTO users_in (id, name) VALUES ('u%d', 'name%d');\n", i, i)
	}
	a.ksql(t, ins.String())
	wantRegion := map[string]string{}
	for r := range regions {
		n, total := 0, 0
		for i := r; i < orders; i += regions {
			n, total = n+1, total+i
		}
		wantRegion[fmt.Sprintf("r%d", r)] = fmt.Sprintf(`["r%d",%d,%d]`, r, n, total)
	}
	var wantScan, wantUsers, wantIDs []string
	for _, v := range wantRegion {
		wantScan = append(wantScan, v)
	}
	for i := range users {
		wantUsers = append(wantUsers, fmt.Sprintf(`["u%d","name%d"]`, i, i))
	}
	for i := range 24 {
		wantIDs = append(wantIDs, fmt.Sprintf(`["o%d",2]`, i))
	}
	slices.Sort(wantScan)
	slices.Sort(wantUsers)
	slices.Sort(wantIDs)

	// Both members own partitions of every query (3 queries: 2 CTAS and
	// CST_USERS), as /clusterStatus shows from either server.
	hostA, hostB := strings.TrimPrefix(a.url, "http://"), strings.TrimPrefix(b.url, "http://")
	var last string
	defer func() {
		if t.Failed() {
			t.Logf("last /clusterStatus: %s", last)
		}
	}()
	waitFor(t, 90*time.Second, "both members to own partitions of every query", func() bool {
		for _, url := range []string{a.url, b.url} {
			m := clusterMembers(t, url)
			last = fmt.Sprint(url, m)
			if len(m) != 2 || len(m[hostA]) != 3 || len(m[hostB]) != 3 {
				return false
			}
			for _, host := range []string{hostA, hostB} {
				for _, n := range m[host] {
					if n == 0 {
						return false
					}
				}
			}
		}
		return true
	})
	// Every row materialized, seen through A (the answer merges both).
	waitFor(t, 90*time.Second, "every row in the tables", func() bool {
		r1, err1 := pullRows(t, a.url, "SELECT * FROM by_region;", nil)
		r2, err2 := pullRows(t, a.url, "SELECT * FROM users;", nil)
		r3, err3 := pullRows(t, a.url, "SELECT * FROM by_id;", nil)
		return err1 == nil && err2 == nil && err3 == nil &&
			slices.Equal(r1, wantScan) && slices.Equal(r2, wantUsers) && slices.Equal(r3, wantIDs)
	})
	for _, srv := range []*testServer{a, b} {
		check := func(sql string, want []string) {
			t.Helper()
			got, err := pullRows(t, srv.url, sql, nil)
			if err != nil {
				t.Errorf("through %s: %v", srv.url, err)
			} else if !slices.Equal(got, want) {
				t.Errorf("through %s: %s = %v, want %v", srv.url, sql, got, want)
			}
		}
		for k, v := range wantRegion {
			check(fmt.Sprintf("SELECT * FROM by_region WHERE region = '%s';", k), []string{v})
		}
		for i := range users {
			check(fmt.Sprintf("SELECT * FROM users WHERE id = 'u%d';", i), []string{wantUsers[slices.Index(wantUsers, fmt.Sprintf(`["u%d","name%d"]`, i, i))]})
		}
		for i := range 24 {
			check(fmt.Sprintf("SELECT * FROM by_id WHERE id = 'o%d';", i), []string{fmt.Sprintf(`["o%d",2]`, i)})
		}
		check("SELECT * FROM by_region WHERE region IN ('r1', 'r6', 'r7');", []string{wantRegion["r1"], wantRegion["r6"], wantRegion["r7"]})
		check("SELECT * FROM by_region WHERE region = 'nope';", nil)
		check("SELECT * FROM by_region;", wantScan)
		check("SELECT * FROM users;", wantUsers)
		check("SELECT * FROM by_id;", wantIDs)
		for _, limit := range []int{1, 3, 9} {
			got, err := pullRows(t, srv.url, fmt.Sprintf("SELECT * FROM users LIMIT %d;", limit), nil)
			if err != nil || len(got) != limit {
				t.Errorf("through %s: LIMIT %d: %v %v", srv.url, limit, got, err)
			}
			for _, r := range got {
				if !slices.Contains(wantUsers, r) {
					t.Errorf("through %s: LIMIT %d: unexpected row %s", srv.url, limit, r)
				}
			}
		}
	}
}

// TestPullUnavailablePartition: a member that advertises no listener owns
// partitions its peer cannot ask it for; a scan through the peer fails
// with an error naming the partitions, never a partial answer.
func TestPullUnavailablePartition(t *testing.T) {
	t.Parallel()
	service := "pullna_" + uniq()
	u := uniq()
	a := startMember(t, service, true)
	a.ksql(t, `CREATE TABLE users_in (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='pn_users_`+u+`', partitions=4, value_format='json');
CREATE SOURCE TABLE users (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='pn_users_`+u+`', value_format='json');
INSERT INTO users_in (id, name) VALUES ('u1', 'ann');`)
	b := startMember(t, service, false)
	hostA := strings.TrimPrefix(a.url, "http://")
	waitFor(t, 90*time.Second, "both members to own partitions", func() bool {
		m := clusterMembers(t, a.url)
		if len(m) != 2 || m[hostA]["CST_USERS"] == 0 || m[hostA]["CST_USERS"] == 4 {
			return false
		}
		for host, q := range m {
			if host != hostA && q["CST_USERS"] > 0 {
				return true
			}
		}
		return false
	})
	_, err := pullRows(t, a.url, "SELECT * FROM users;", map[string]any{"rql.query.pull.partition.wait.ms": 500})
	if err == nil || !strings.Contains(err.Error(), "Unable to execute pull query on table USERS") ||
		!strings.Contains(err.Error(), "advertising no endpoint") || !strings.Contains(err.Error(), "RQL-T0006") {
		t.Errorf("scan with a member advertising no listener: %v", err)
	}
	_ = b
}
