package engine_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/kafka"
)

// Two members of one service running stateful queries: each test starts a
// member, feeds records, starts a second member (same service id, its own
// state directory) while records are still produced — a rebalance in the
// middle of the flow: partitions move, their state is restored from the
// changelogs on the new owner — waits until both own a share of every
// query's partitions (co-partitioned join inputs on the same member), then
// closes the first member gracefully while records flow (its partitions
// move to the survivor), and compares the output with the in-process
// driver's for the same records: a stream's as a multiset (each record
// exactly once), a table's as its final value per key.

// mmCase is one multi-member test.
type mmCase struct {
	sql    string
	topics map[string]int // input topics and their partition counts
	// tasks is the number of partitions each query's group reads (inputs
	// and internal topics); copart lists the pairs of topics whose
	// partition p must be owned by one member (a join's two sides).
	tasks  int
	copart [][2]string
	// table is the input produced, and committed, before anything else
	// (nil: none); update is produced once both members own partitions,
	// and committed before the rest (nil: none). marker(rec) is a string
	// of the record's value that the join's table store keeps, to see in
	// its changelog that the record was committed.
	table, update []driver.Record
	marker        func(driver.Record) string
	// oneToOne is a stream sink with one record per flow record: the flow
	// produced so far is processed before the update when it has them
	// all; shift is added to the timestamps of the flow after the update.
	oneToOne string
	shift    int64
	// flow is produced in order: a fifth alone, then while the second
	// member joins (until both own partitions), a tenth with both, the
	// rest while the first member leaves.
	flow []driver.Record
	// sinks are the sinks to check, streams as multisets, tables by key.
	streams, tables []string
}

// mmMember starts a member of service "mm" with its own state directory
// and runs sql on it.
func mmMember(t *testing.T, addr, sql string) *engine.Engine {
	t.Helper()
	return startEngineWith(t, engine.Options{Bootstrap: addr, ServiceID: "mm",
		Properties: map[string]string{"commit.interval.ms": "50"}}, sql)
}

// mmStatus returns the status of every query of e by id, failing the test
// on a query error.
func mmStatus(t *testing.T, e *engine.Engine) map[string]engine.QueryStatus {
	t.Helper()
	out := map[string]engine.QueryStatus{}
	for _, q := range e.Queries() {
		if q.Err != nil {
			t.Fatalf("query %s failed: %v", q.ID, q.Err)
		}
		out[q.ID] = q
	}
	return out
}

// waitChangelog waits until the changelogs of e's queries hold, committed,
// a record containing marker(r) for every r of recs.
func waitChangelog(t *testing.T, addr string, e *engine.Engine, recs []driver.Record, marker func(driver.Record) string) {
	t.Helper()
	var topics []string
	for _, q := range e.Queries() {
		for _, topic := range q.StateTopics {
			if strings.HasSuffix(topic, "-changelog") {
				topics = append(topics, topic)
			}
		}
	}
	if len(topics) == 0 {
		t.Fatal("no changelog topic to wait on")
	}
	wanted := map[string]bool{}
	for _, r := range recs {
		wanted[marker(r)] = false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	readers := make([]*kafka.Reader, len(topics))
	for i, topic := range topics {
		r, err := kafka.NewReader(ctx, topic, kafka.BootstrapServers(addr), kafka.FromBeginning(), quiet)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		readers[i] = r
	}
	missing := len(wanted)
	for missing > 0 {
		for _, r := range readers {
			f, err := r.Poll(ctx)
			if err != nil {
				t.Fatalf("waiting for %d table records in the changelogs %v: %v", missing, topics, err)
			}
			for _, rec := range f.Records {
				for m, seen := range wanted {
					if !seen && bytes.Contains(rec.Value, []byte(m)) {
						wanted[m] = true
						missing--
					}
				}
			}
		}
	}
}

// ownedSplit reports whether a and b own disjoint, non-empty shares of
// the n partitions of every query.
func ownedSplit(sa, sb map[string]engine.QueryStatus, n int) bool {
	if len(sa) == 0 || len(sa) != len(sb) {
		return false
	}
	for id, qa := range sa {
		qb := sb[id]
		if len(qa.Tasks) == 0 || len(qb.Tasks) == 0 || len(qa.Tasks)+len(qb.Tasks) != n {
			return false
		}
		mine := map[string]bool{}
		for _, tk := range qa.Tasks {
			mine[tk] = true
		}
		for _, tk := range qb.Tasks {
			if mine[tk] {
				return false
			}
		}
	}
	return true
}

// ownsAll reports whether every query of s owns its n partitions.
func ownsAll(s map[string]engine.QueryStatus, n int) bool {
	if len(s) == 0 {
		return false
	}
	for _, q := range s {
		if len(q.Tasks) != n {
			return false
		}
	}
	return true
}

// driverWindowedFinal is the final table (last value per key) of a sink's
// records, windowed keys as the engine serializes them (key, then the
// window start as 8 bytes big-endian).
func driverWindowedFinal(recs []driver.Record) map[string]string {
	tab := map[string]string{}
	for _, r := range recs {
		k := string(r.Key)
		if r.Window != nil {
			k = string(binary.BigEndian.AppendUint64(append([]byte(nil), r.Key...), uint64(r.Window.Start)))
		}
		upsert(tab, k, r.Value)
	}
	return tab
}

// flowProducer produces c.flow in order, from a cursor.
type flowProducer struct {
	t    *testing.T
	addr string
	flow []driver.Record
	next int // records of flow produced so far
}

// upTo produces the flow up to record n.
func (f *flowProducer) upTo(n int) {
	n = min(n, len(f.flow))
	if n > f.next {
		produce(f.t, f.addr, toKafka(f.flow[f.next:n]))
		f.next = n
	}
}

// during produces the flow in batches of 10 every 40 ms on a goroutine,
// at most up to record limit, until the returned stop is called (which
// reports whether records were still being produced: the flow had not
// reached limit).
func (f *flowProducer) during(limit int) (stop func() bool) {
	limit = min(limit, len(f.flow))
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		p, err := kafka.NewProducer(kafka.BootstrapServers(f.addr), quiet, kafka.Property("linger.ms", "2"),
			kafka.Property("partitioner", "murmur2_random"))
		if err != nil {
			f.t.Error(err)
			return
		}
		defer p.Close(context.Background())
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		for f.next < limit {
			n := min(f.next+10, limit)
			if err := p.Produce(ctx, toKafka(f.flow[f.next:n])...); err != nil {
				f.t.Error(err)
				return
			}
			f.next = n
			select {
			case <-quit:
				return
			case <-time.After(40 * time.Millisecond):
			}
		}
	}()
	return func() bool {
		flowing := false
		select {
		case <-done:
		default:
			flowing = true
		}
		close(quit)
		<-done
		return flowing && f.next < limit
	}
}

// runMultiMember runs c (see the comment at the top of the file).
func runMultiMember(t *testing.T, c mmCase) {
	br := startBroker(t, 1)
	addr := br.Addr()
	for n, p := range c.topics {
		createTopic(t, addr, n, p)
	}
	f := &flowProducer{t: t, addr: addr, flow: c.flow}
	n := len(c.flow)

	// Member a alone: it owns every partition.
	a := mmMember(t, addr, c.sql)
	waitFor(t, 20*time.Second, "member a to own every partition", func() bool { return ownsAll(mmStatus(t, a), c.tasks) })
	if c.table != nil {
		produce(t, addr, toKafka(c.table))
		waitChangelog(t, addr, a, c.table, c.marker)
	}
	f.upTo(n / 5)

	// Member b joins while records flow.
	stop := f.during(3 * n / 5)
	b := mmMember(t, addr, c.sql)
	var sa, sb map[string]engine.QueryStatus
	waitFor(t, 30*time.Second, "the members to split the partitions", func() bool {
		sa, sb = mmStatus(t, a), mmStatus(t, b)
		return ownedSplit(sa, sb, c.tasks)
	})
	flowing := stop()
	t.Logf("member b owns its share; records flowing meanwhile: %v (%d of %d produced)", flowing, f.next, n)
	// Both own partitions: check the split (co-partitioned inputs together).
	for id := range sa {
		t.Logf("%s: member a owns %v, member b %v", id, sa[id].Tasks, sb[id].Tasks)
		for _, tasks := range [][]string{sa[id].Tasks, sb[id].Tasks} {
			owned := map[string]bool{}
			for _, tk := range tasks {
				owned[tk] = true
			}
			for _, pair := range c.copart {
				for p := range c.topics[pair[0]] {
					x, y := pair[0]+"/"+strconv.Itoa(p), pair[1]+"/"+strconv.Itoa(p)
					if owned[x] != owned[y] {
						t.Errorf("%s: one member owns %s=%v but %s=%v (co-partitioned inputs split): %v",
							id, x, owned[x], y, owned[y], tasks)
					}
				}
			}
		}
	}
	var batches [][]driver.Record
	if c.update != nil {
		// Every record so far is joined before the table changes; the
		// later ones are joined after (in the driver too).
		readCommitted(t, addr, c.oneToOne, f.next, 0, 30*time.Second)
		produce(t, addr, toKafka(c.update))
		waitChangelog(t, addr, a, c.update, c.marker)
		batches = [][]driver.Record{c.table, c.flow[:f.next], c.update}
		for i := f.next; i < n; i++ {
			c.flow[i].Timestamp += c.shift
		}
		f.flow = c.flow[f.next:]
		n -= f.next
		f.next = 0
	}
	// Both members process records.
	f.upTo(f.next + n/10)
	waitFor(t, 30*time.Second, "both members to process records", func() bool {
		na, nb := mmStatus(t, a), mmStatus(t, b)
		for id, qa := range sa {
			if na[id].Consumed <= qa.Consumed || nb[id].Consumed <= sb[id].Consumed {
				return false
			}
		}
		return true
	})

	// Member a leaves gracefully while records flow; b takes everything.
	stop = f.during(n)
	time.Sleep(200 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := a.Close(ctx); err != nil {
		t.Fatalf("closing member a: %v", err)
	}
	waitFor(t, 30*time.Second, "member b to own every partition", func() bool { return ownsAll(mmStatus(t, b), c.tasks) })
	flowing = stop()
	t.Logf("member b owns every partition; records flowing meanwhile: %v (%d of %d produced)", flowing, f.next, n)
	f.upTo(n)

	batches = append(batches, f.flow)
	if c.update == nil {
		batches = [][]driver.Record{c.table, c.flow}
	}
	want := joinDriver(t, c.sql, c.topics, batches, append(append([]string(nil), c.streams...), c.tables...))
	for _, s := range c.streams {
		got := brokerSet(readCommitted(t, addr, s, len(want[s]), time.Second, 30*time.Second))
		if d := diffSets(got, joinDriverSet(want[s])); d != "" {
			t.Errorf("%s differs from the driver's (as a multiset): %s", s, d)
		}
	}
	for _, s := range c.tables {
		w := driverWindowedFinal(want[s])
		if got := brokerTable(t, addr, s, w, 30*time.Second); fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s differs from the driver's final table: %s", s, diffTables(got, w))
		}
	}
	for id, q := range mmStatus(t, b) {
		t.Logf("%s on member b: consumed %d, committed %d cycles, aborted %d, restored %d changelog records",
			id, q.Consumed, q.Committed, q.Aborted, q.Restored)
	}
}

var mmBase = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// TestTwoMembersStreamStreamJoin: a stream-stream inner join WITHIN 1 HOUR
// of two co-partitioned 4-partition streams (window stores on both sides).
func TestTwoMembersStreamStreamJoin(t *testing.T) {
	t.Parallel()
	var flow []driver.Record
	for i := 0; i < 4000; i++ {
		topic, field := "lefts", "A"
		if i%2 == 1 {
			topic, field = "rights", "B"
		}
		flow = append(flow, driver.Record{Topic: topic, Key: fmt.Appendf(nil, "k%d", i/2%400),
			Value: fmt.Appendf(nil, `{"%s":%d}`, field, i), Timestamp: mmBase + int64(i)*1000})
	}
	runMultiMember(t, mmCase{
		sql: `
SET 'auto.offset.reset'='earliest';
CREATE STREAM lefts (k VARCHAR KEY, a BIGINT) WITH (kafka_topic='lefts', value_format='JSON');
CREATE STREAM rights (k VARCHAR KEY, b BIGINT) WITH (kafka_topic='rights', value_format='JSON');
CREATE STREAM pairs AS SELECT l.k AS k, l.a, r.b FROM lefts l JOIN rights r WITHIN 1 HOUR ON l.k = r.k;
`,
		topics: map[string]int{"lefts": 4, "rights": 4}, tasks: 8, copart: [][2]string{{"lefts", "rights"}},
		flow: flow, streams: []string{"PAIRS"},
	})
}

// TestTwoMembersStreamTableJoin: a stream-table left join of a 4-partition
// stream to a co-partitioned 4-partition table; the table is written
// before the stream and updated once both members own partitions (its
// store moves between members through its changelog).
func TestTwoMembersStreamTableJoin(t *testing.T) {
	t.Parallel()
	var users, update, flow []driver.Record
	for i := 0; i < 40; i++ {
		users = append(users, driver.Record{Topic: "users", Key: fmt.Appendf(nil, "u%d", i),
			Value: fmt.Appendf(nil, `{"NAME":"first-u%02d"}`, i), Timestamp: mmBase + int64(i)})
		update = append(update, driver.Record{Topic: "users", Key: fmt.Appendf(nil, "u%d", i),
			Value: fmt.Appendf(nil, `{"NAME":"second-u%02d"}`, i), Timestamp: mmBase + 1_000_000 + int64(i)})
	}
	for i := 0; i < 4000; i++ {
		flow = append(flow, driver.Record{Topic: "clicks", Key: fmt.Appendf(nil, "u%d", i%50),
			Value: fmt.Appendf(nil, `{"N":%d}`, i), Timestamp: mmBase + 10_000 + int64(i)*100})
	}
	runMultiMember(t, mmCase{
		sql: `
SET 'auto.offset.reset'='earliest';
CREATE STREAM clicks (uid VARCHAR KEY, n BIGINT) WITH (kafka_topic='clicks', value_format='JSON');
CREATE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR) WITH (kafka_topic='users', value_format='JSON');
CREATE STREAM enriched AS SELECT c.uid AS uid, c.n, u.name FROM clicks c LEFT JOIN users u ON c.uid = u.id;
`,
		topics: map[string]int{"clicks": 4, "users": 4}, tasks: 8, copart: [][2]string{{"clicks", "users"}},
		table: users, update: update, oneToOne: "ENRICHED", shift: 1_000_000,
		marker: func(r driver.Record) string {
			v := string(r.Value)
			return v[strings.Index(v, `:"`)+2 : len(v)-2]
		},
		flow: flow, streams: []string{"ENRICHED"},
	})
}

// mmOrders are n orders over 20 regions, 10 per second.
func mmOrders(n int) []driver.Record {
	out := make([]driver.Record, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, driver.Record{Topic: "orders", Key: fmt.Appendf(nil, "o%d", i%50),
			Value:     fmt.Appendf(nil, `{"REGION":"r%d","AMOUNT":%d}`, i%20, i%13),
			Timestamp: mmBase + int64(i)*100})
	}
	return out
}

// TestTwoMembersGroupBy: COUNT and SUM grouped by a non-key column (the
// GROUP BY repartition topic between two sub-topologies).
func TestTwoMembersGroupBy(t *testing.T) {
	t.Parallel()
	runMultiMember(t, mmCase{
		sql: `
SET 'auto.offset.reset'='earliest';
CREATE STREAM orders (id VARCHAR KEY, region VARCHAR, amount BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE by_region AS SELECT region, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY region;
`,
		topics: map[string]int{"orders": 4}, tasks: 8, flow: mmOrders(4000), tables: []string{"BY_REGION"},
	})
}

// TestTwoMembersTumblingWindow: a tumbling-window COUNT per region
// (repartitioned; window store).
func TestTwoMembersTumblingWindow(t *testing.T) {
	t.Parallel()
	runMultiMember(t, mmCase{
		sql: `
SET 'auto.offset.reset'='earliest';
CREATE STREAM orders (id VARCHAR KEY, region VARCHAR, amount BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE per_window AS SELECT region, COUNT(*) AS n FROM orders WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY region;
`,
		topics: map[string]int{"orders": 4}, tasks: 8, flow: mmOrders(4000), tables: []string{"PER_WINDOW"},
	})
}
