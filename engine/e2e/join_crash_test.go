package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
)

// joinCrashSQL has a stream-table join whose stream side goes through a
// repartition topic (4 partitions into the table's 3) and a foreign-key
// join of a 4-partition table to a 3-partition one (subscription and
// response topics).
const joinCrashSQL = `
SET 'auto.offset.reset'='earliest';
CREATE STREAM clicks (id VARCHAR KEY, uid VARCHAR, n BIGINT) WITH (kafka_topic='clicks', value_format='JSON');
CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (kafka_topic='users', value_format='JSON');
CREATE TABLE prods (id VARCHAR PRIMARY KEY, mid VARCHAR, v BIGINT) WITH (kafka_topic='prods', value_format='JSON');
CREATE TABLE merchants (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (kafka_topic='merchants', value_format='JSON');
CREATE STREAM enriched AS SELECT c.uid AS uid, c.id AS cid, c.n AS n, u.name AS name FROM clicks c LEFT JOIN users u ON c.uid = u.id;
CREATE TABLE pv AS SELECT p.id AS id, p.v AS v, m.name AS name FROM prods p JOIN merchants m ON p.mid = m.id;
`

// TestJoinsExactlyOnceUnderSIGKILL feeds clicks, and foreign-key changes
// interleaved with right-side updates, while `rql run` with both joins is
// SIGKILLed at random moments and restarted (10 times; twice the local
// state is lost too), then checks with
// read_committed that every click was joined exactly once (through the
// repartition topic, the table's changelog and restores) and that the
// foreign-key join's final table equals the join of the final tables.
func TestJoinsExactlyOnceUnderSIGKILL(t *testing.T) {
	t.Parallel()
	addr := startBroker(t)
	for name, parts := range map[string]int{"clicks": 4, "users": 3, "prods": 4, "merchants": 3} {
		createTopic(t, addr, name, parts)
	}
	dir := t.TempDir()
	app := writeFile(t, dir, "app.sql", joinCrashSQL)
	args := []string{"run", "--bootstrap-servers", addr, "--state-dir", filepath.Join(dir, "state"),
		"--service-id", "joins", "--property", "commit.interval.ms=100", app}

	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewSource(seed))
	t.Logf("seed %d", seed)
	const users, clicks = 50, 40000
	var urecs []*kafka.Record
	for i := 0; i < users; i++ {
		urecs = append(urecs, &kafka.Record{Topic: "users", Partition: -1, Key: fmt.Appendf(nil, "u%d", i),
			Value: fmt.Appendf(nil, `{"NAME":"user %d"}`, i)})
	}
	produceAll(t, addr, urecs)
	fedClicks := feedClicks(t, addr, clicks, users, 9*time.Second)
	fedFK := feedForeignKeys(t, addr, rand.New(rand.NewSource(seed+1)), 9*time.Second)

	killLoop(t, rng, 10, 400, 1000, args, func(i int, _ string) {
		if i%4 == 2 {
			// A lost disk: the next start restores both joins' stores
			// (table side, foreign-key halves) from their changelogs.
			wipeState(t, filepath.Join(dir, "state", "joins", "C*"))
		}
	})
	if err := <-fedClicks; err != nil {
		t.Fatal(err)
	}
	fk := <-fedFK
	if fk.err != nil {
		t.Fatal(fk.err)
	}
	final := start(t, nil, args...)
	defer final.term(t, 30*time.Second)

	// Every click once, joined to its user when the user row had been read.
	recs := readCommitted(t, addr, "ENRICHED", clicks, 60*time.Second)
	seen := make([]int, clicks)
	bad, missing, doubled, named := 0, 0, 0, 0
	for _, r := range recs {
		var v struct {
			CID  string
			N    int
			NAME *string
		}
		if json.Unmarshal(r.Value, &v) != nil || v.CID != fmt.Sprintf("c%d", v.N) || v.N < 0 || v.N >= clicks ||
			string(r.Key) != fmt.Sprintf("u%d", v.N%(users+10)) {
			bad++
			continue
		}
		if v.NAME != nil {
			named++
			if *v.NAME != fmt.Sprintf("user %d", v.N%(users+10)) {
				bad++
			}
		}
		seen[v.N]++
	}
	for _, c := range seen {
		switch {
		case c == 0:
			missing++
		case c > 1:
			doubled++
		}
	}
	t.Logf("ENRICHED: %d records read, %d joined to a user, %d missing, %d duplicated, %d unexpected",
		len(recs), named, missing, doubled, bad)
	if missing > 0 || doubled > 0 || bad > 0 {
		t.Errorf("ENRICHED under kill -9: %d missing, %d duplicated, %d unexpected (of %d)\nlast run's output:\n%s",
			missing, doubled, bad, clicks, tail(final.output(), 40))
	}

	// The foreign-key join's final table.
	want := map[string]string{}
	for id, p := range fk.prods {
		if name, ok := fk.merchants[p.mid]; ok && p.mid != "" {
			want[id] = fmt.Sprintf(`{"V":%d,"NAME":"%s"}`, p.v, name)
		}
	}
	got := map[string]string{}
	deadline := time.Now().Add(60 * time.Second)
	for fmt.Sprint(got) != fmt.Sprint(want) && time.Now().Before(deadline) {
		clear(got)
		for _, r := range readCommitted(t, addr, "PV", 1, 10*time.Second) {
			if r.Value == nil {
				delete(got, string(r.Key))
			} else {
				got[string(r.Key)] = string(r.Value)
			}
		}
	}
	t.Logf("PV: %d rows (want %d) after %d foreign-key and right-side changes", len(got), len(want), fk.changes)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		n := 0
		var diffs []string
		for k, w := range want {
			if got[k] != w && n < 8 {
				diffs = append(diffs, fmt.Sprintf("%s: got %q, want %q", k, got[k], w))
				n++
			}
		}
		for k, g := range got {
			if _, ok := want[k]; !ok && n < 8 {
				diffs = append(diffs, fmt.Sprintf("%s: got %q, not wanted", k, g))
				n++
			}
		}
		t.Errorf("PV differs from the join of the final tables:\n%s\nlast run's output:\n%s",
			strings.Join(diffs, "\n"), tail(final.output(), 40))
	}
}

func produceAll(t *testing.T, addr string, recs []*kafka.Record) {
	t.Helper()
	p, err := kafka.NewProducer(kafka.BootstrapServers(addr), quiet, kafka.Property("partitioner", "murmur2_random"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.Produce(ctx, recs...); err != nil {
		t.Fatal(err)
	}
}

// feedClicks produces clicks i in [0, n): key "c<i>", value
// {"UID":"u<i%(users+10)>","N":i} (some users do not exist), spread over d.
func feedClicks(t *testing.T, addr string, n, users int, d time.Duration) <-chan error {
	return feedChunks(addr, n, 2000, d, func(i int) *kafka.Record {
		return &kafka.Record{Topic: "clicks", Partition: -1, Key: fmt.Appendf(nil, "c%d", i),
			Value: fmt.Appendf(nil, `{"UID":"u%d","N":%d}`, i%(users+10), i)}
	})
}

type fkProd struct {
	mid string
	v   int64
}

// fkFeed is what feedForeignKeys produced: the final tables.
type fkFeed struct {
	prods     map[string]fkProd
	merchants map[string]string
	changes   int
	err       error
}

// feedForeignKeys produces, in small rounds over d, changes of prods'
// foreign keys (NULL ones and deletes too) interleaved with updates and deletes of
// merchants, and returns the final tables.
func feedForeignKeys(t *testing.T, addr string, rng *rand.Rand, d time.Duration) <-chan fkFeed {
	out := make(chan fkFeed, 1)
	go func() {
		res := fkFeed{prods: map[string]fkProd{}, merchants: map[string]string{}}
		p, err := kafka.NewProducer(kafka.BootstrapServers(addr), quiet, kafka.Property("linger.ms", "2"),
			kafka.Property("partitioner", "murmur2_random"))
		if err != nil {
			res.err = err
			out <- res
			return
		}
		defer p.Close(context.Background())
		end := time.Now().Add(d)
		v := int64(0)
		for time.Now().Before(end) {
			var recs []*kafka.Record
			for i := 0; i < 40; i++ {
				v++
				if rng.Intn(10) < 6 {
					id := fmt.Sprintf("p%d", rng.Intn(200))
					r := &kafka.Record{Topic: "prods", Partition: -1, Key: []byte(id)}
					switch x := rng.Intn(15); {
					case x == 0:
						delete(res.prods, id)
					case x == 1:
						res.prods[id] = fkProd{v: v}
						r.Value = fmt.Appendf(nil, `{"MID":null,"V":%d}`, v)
					default:
						pr := fkProd{mid: fmt.Sprintf("m%d", rng.Intn(12)), v: v}
						res.prods[id] = pr
						r.Value = fmt.Appendf(nil, `{"MID":"%s","V":%d}`, pr.mid, v)
					}
					recs = append(recs, r)
					continue
				}
				id := fmt.Sprintf("m%d", rng.Intn(12))
				r := &kafka.Record{Topic: "merchants", Partition: -1, Key: []byte(id)}
				if rng.Intn(8) == 0 {
					delete(res.merchants, id)
				} else {
					res.merchants[id] = fmt.Sprintf("name%d", v)
					r.Value = fmt.Appendf(nil, `{"NAME":"%s"}`, res.merchants[id])
				}
				recs = append(recs, r)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			err := p.Produce(ctx, recs...)
			cancel()
			if err != nil {
				res.err = err
				out <- res
				return
			}
			res.changes += len(recs)
			time.Sleep(time.Duration(10+rng.Intn(30)) * time.Millisecond)
		}
		out <- res
	}()
	return out
}
