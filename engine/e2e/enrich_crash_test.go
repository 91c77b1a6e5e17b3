package e2e

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
)

// enrichCrashSQL has one async enrichment per order mode over the
// 4-partition topic "in", calling the test's loopback service (%s).
const enrichCrashSQL = `
SET 'auto.offset.reset'='earliest';
CREATE STREAM src (id VARCHAR KEY, n BIGINT, pad VARCHAR) WITH (kafka_topic='in', value_format='JSON');
CREATE FUNCTION twice(n BIGINT) RETURNS BIGINT USING HTTP WITH (url='%s/v/{n}', method='GET', response_path='data', timeout='5s');
CREATE STREAM e_ordered AS SELECT id, n, d FROM src
  ENRICH USING ASYNC twice(n) AS d WITH (workers=16, buffer=48, order='ordered') EMIT CHANGES;
CREATE STREAM e_key AS SELECT id, n, d FROM src
  ENRICH USING ASYNC twice(n) AS d WITH (workers=16, buffer=48, order='key') EMIT CHANGES;
CREATE STREAM e_any AS SELECT id, n, d FROM src
  ENRICH USING ASYNC twice(n) AS d WITH (workers=16, buffer=48, order='unordered') EMIT CHANGES;
`

const (
	enrichCrashRecords = 20000
	enrichCrashKeys    = 400
)

// TestEnrichExactlyOnceUnderSIGKILL feeds records while `rql run` with an
// async enrichment in each order mode (ordered, key, unordered; calls to a
// loopback service with random latencies, so that calls are always in
// flight across commits) is SIGKILLed at random moments and restarted, 12
// times; a last run catches up. Read with read_committed, each output has
// every record exactly once, with the right enrichment; ordered keeps the
// input order per partition and key keeps it per key.
func TestEnrichExactlyOnceUnderSIGKILL(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	svc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/v/"), 10, 64)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		d := time.Duration(rng.Intn(30)) * time.Millisecond
		mu.Unlock()
		time.Sleep(d)
		fmt.Fprintf(w, `{"data": %d}`, 2*n)
	}))
	defer svc.Close()

	addr := startBroker(t)
	createTopic(t, addr, "in", 4)
	dir := t.TempDir()
	app := writeFile(t, dir, "app.sql", fmt.Sprintf(enrichCrashSQL, svc.URL))
	args := []string{"run", "--bootstrap-servers", addr, "--state-dir", filepath.Join(dir, "state"),
		"--service-id", "enr", "--property", "commit.interval.ms=100", app}
	fed := feedKeys(addr, "in", enrichCrashRecords, enrichCrashKeys, 10*time.Second)

	seed := time.Now().UnixNano()
	krng := rand.New(rand.NewSource(seed))
	t.Logf("seed %d", seed)
	killLoop(t, krng, 12, 600, 1400, args, nil)
	if err := <-fed; err != nil {
		t.Fatal(err)
	}
	final := start(t, nil, args...)
	defer final.term(t, 30*time.Second)

	for _, topic := range []string{"E_ORDERED", "E_KEY", "E_ANY"} {
		recs := readCommitted(t, addr, topic, enrichCrashRecords, 90*time.Second)
		seen := make([]int, enrichCrashRecords)
		bad, disorder := 0, 0
		lastByGroup := map[string]int{}
		for _, r := range recs {
			var v struct{ N, D int }
			if json.Unmarshal(r.Value, &v) != nil || v.D != 2*v.N || v.N < 0 || v.N >= enrichCrashRecords ||
				string(r.Key) != "k"+strconv.Itoa(v.N%enrichCrashKeys) {
				bad++
				continue
			}
			seen[v.N]++
			group := ""
			switch topic {
			case "E_ORDERED":
				group = strconv.Itoa(int(r.Partition)) // same partitioner as the input
			case "E_KEY":
				group = string(r.Key)
			}
			if group != "" {
				if last, ok := lastByGroup[group]; ok && v.N < last {
					disorder++
				}
				lastByGroup[group] = v.N
			}
		}
		missing, doubled := 0, 0
		var gaps []string
		for i, c := range seen {
			if c == 0 {
				missing++
				if i == 0 || seen[i-1] != 0 {
					gaps = append(gaps, strconv.Itoa(i))
				}
			}
			if c > 1 {
				doubled++
			}
		}
		t.Logf("%s: %d records read, %d missing, %d duplicated, %d unexpected, %d out of order", topic, len(recs), missing, doubled, bad, disorder)
		if len(gaps) > 0 {
			t.Logf("%s: missing runs start at %v", topic, gaps[:min(len(gaps), 20)])
		}
		if missing > 0 || doubled > 0 || bad > 0 || disorder > 0 {
			t.Errorf("%s: %d missing, %d duplicated, %d unexpected, %d out of order\nlast run's output:\n%s",
				topic, missing, doubled, bad, disorder, tail(final.output(), 40))
		}
	}
}

// feedKeys produces records i in [0, n) to topic, key "k<i mod keys>",
// value {"N":i,"PAD":"..."}, in chunks spread over about d.
func feedKeys(addr, topic string, n, keys int, d time.Duration) <-chan error {
	return feedChunks(addr, n, 1000, d, func(i int) *kafka.Record {
		return &kafka.Record{Topic: topic, Partition: -1, Key: fmt.Appendf(nil, "k%d", i%keys),
			Value: fmt.Appendf(nil, `{"N":%d,"PAD":"xxxxxxxx"}`, i)}
	})
}
