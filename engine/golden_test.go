package engine_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/conformance"
	"github.com/rql/rql/engine"
	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/planner"
)

// goldenOnBroker are golden cases (testdata/queries) run end to end: the
// statements through the Kafka engine, the inputs produced to the dev
// broker over TCP, the outputs read back with read_committed. Their
// rendered outcome must equal the .out file the in-process driver
// produced — byte for byte: the same results, records and processing log.
var goldenOnBroker = []string{
	"csas_filter_project", // filter + project
	"partition_by",        // PARTITION BY through a repartition topic
	"explode",             // table functions
	"structs_arrays_maps",
	"create_stream_json",
	// not "lambdas": its inputs have timestamp 0, which librdkafka
	// cannot produce (0 means "now" to it).
	"predicates",
	"timestamps_pseudocolumns",
	"headers",
	"format_keys",
}

func TestGoldenThroughBroker(t *testing.T) {
	root := filepath.Join(conformance.RepoRoot("."), "testdata")
	for _, name := range goldenOnBroker {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(root, "queries", name+".sql")
			sql, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(file, ".sql") + ".out")
			if err != nil {
				t.Fatal(err)
			}
			g, err := conformance.ParseGolden(name, string(sql), filepath.Join(root, "inputs"))
			if err != nil {
				t.Fatal(err)
			}
			if g.Skip != "" {
				t.Skip(g.Skip)
			}
			br := startBroker(t, 1)
			// The driver creates input topics on first use; on Kafka they
			// exist before the statements (one partition each, so that the
			// order of records is the driver's).
			seen := map[string]bool{}
			for _, in := range g.Inputs {
				if !seen[in.Topic] {
					seen[in.Topic] = true
					createTopic(t, br.Addr(), in.Topic, 1)
				}
			}
			var ge *brokerGolden
			r := conformance.Runner{Timeout: 60 * time.Second, Engine: func(props map[string]string) (conformance.Engine, error) {
				ge = &brokerGolden{t: t, addr: br.Addr(), e: newEngine(t, br.Addr(), props), local: map[string][]driver.Record{}}
				return ge, nil
			}}
			got, err := r.RunGolden(context.Background(), g)
			if err != nil {
				t.Fatalf("%v\noutput:\n%s", err, got)
			}
			if got != string(want) {
				t.Errorf("through the broker, %s differs from the driver's %s.out\n--- got\n%s--- want\n%s", name, name, got, want)
			}
		})
	}
}

// brokerGolden adapts the engine to conformance.Engine. Inputs are
// buffered and produced (partition 0) when outputs are first read; reading
// an output waits until every query committed every record of its input
// topics.
type brokerGolden struct {
	t       *testing.T
	addr    string
	e       *engine.Engine
	local   map[string][]driver.Record // records produced by the test, per topic
	pending []*kafka.Record
	settled bool
}

func (g *brokerGolden) Execute(ctx context.Context, sql string) ([]driver.Result, error) {
	return g.e.Execute(ctx, sql)
}

func (g *brokerGolden) Produce(_ context.Context, r driver.Record) error {
	r.Offset = int64(len(g.local[r.Topic]))
	g.local[r.Topic] = append(g.local[r.Topic], r)
	kr := &kafka.Record{Topic: r.Topic, Partition: 0, Key: r.Key, Value: r.Value, Timestamp: time.UnixMilli(r.Timestamp)}
	for _, h := range r.Headers {
		kr.Headers = append(kr.Headers, kafka.Header{Key: h.Key, Value: h.Value})
	}
	g.pending = append(g.pending, kr)
	g.settled = false
	return nil
}

func (g *brokerGolden) writtenByQuery(topic string) bool {
	for _, q := range g.e.Catalog().Queries() {
		if s, ok := g.e.Catalog().SourceByName(q.Sink); ok && s.Topic == topic {
			return true
		}
	}
	return false
}

func (g *brokerGolden) Records(topic string) []driver.Record {
	if !g.writtenByQuery(topic) {
		return g.local[topic]
	}
	g.settle()
	var out []driver.Record
	for _, r := range readCommitted(g.t, g.addr, topic, 0, 150*time.Millisecond, 20*time.Second) {
		dr := driver.Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Key: r.Key, Value: r.Value,
			Timestamp: r.Timestamp.UnixMilli()}
		for _, h := range r.Headers {
			dr.Headers = append(dr.Headers, driver.Header{Key: h.Key, Value: h.Value})
		}
		out = append(out, dr)
	}
	return out
}

// settle produces the pending inputs and waits until every query's
// committed cycles consumed every record of its input topics (source and
// repartition), twice in a row with the same counts.
func (g *brokerGolden) settle() {
	if g.settled {
		return
	}
	if len(g.pending) > 0 {
		produce(g.t, g.addr, g.pending)
		g.pending = nil
	}
	count := func(topic string) int64 {
		if recs, ok := g.local[topic]; ok {
			return int64(len(recs))
		}
		return int64(len(readCommitted(g.t, g.addr, topic, 0, 100*time.Millisecond, 20*time.Second)))
	}
	expected := func() (map[string]int64, bool) {
		exp := map[string]int64{}
		done := true
		for _, q := range g.e.Queries() {
			pq, _ := g.e.Catalog().Query(q.ID)
			var n int64
			for _, s := range pq.Plan.Scans() {
				n += count(s.Source.Topic)
			}
			if hasRekey(pq.Plan.Root) {
				n += count(g.e.ServiceID() + "-" + q.ID + "-PartitionBy-repartition")
			}
			exp[q.ID] = n
			done = done && q.CommittedRecords >= n
		}
		return exp, done
	}
	deadline := time.Now().Add(20 * time.Second)
	var prev map[string]int64
	for time.Now().Before(deadline) {
		exp, done := expected()
		if done && prev != nil && equalCounts(prev, exp) {
			g.settled = true
			return
		}
		if done {
			prev = exp
		} else {
			prev = nil
			time.Sleep(30 * time.Millisecond)
		}
	}
	g.t.Errorf("queries did not catch up with their inputs: %+v", g.e.Queries())
}

func hasRekey(n planner.Node) bool {
	if _, ok := n.(*planner.Rekey); ok {
		return true
	}
	for _, c := range n.Children() {
		if hasRekey(c) {
			return true
		}
	}
	return false
}

func equalCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Topics lists the broker's topics without the engine's internal ones.
func (g *brokerGolden) Topics() []string {
	names, err := g.e.Admin().ListTopics(context.Background())
	if err != nil {
		g.t.Fatal(err)
	}
	var out []string
	for _, n := range names {
		if !strings.HasPrefix(n, g.e.ServiceID()+"-") {
			out = append(out, n)
		}
	}
	return out
}

// ProcessingLog reads the processing-log topic.
func (g *brokerGolden) ProcessingLog() []driver.LogEntry {
	g.settle()
	var out []driver.LogEntry
	for _, r := range readCommitted(g.t, g.addr, g.e.ProcessingLogTopic(), 0, 100*time.Millisecond, 20*time.Second) {
		var en engine.ProcessingLogEntry
		if err := json.Unmarshal(r.Value, &en); err != nil {
			g.t.Fatalf("processing log record %s: %v", r.Value, err)
		}
		out = append(out, driver.LogEntry{QueryID: en.QueryID, Topic: en.Topic, Partition: en.Partition,
			Offset: en.Offset, Reason: en.Reason})
	}
	return out
}

func (g *brokerGolden) SourceByName(name string) (*planner.Source, bool) {
	return g.e.Catalog().SourceByName(name)
}

func (g *brokerGolden) SourcesForTopic(topic string) []*planner.Source {
	return g.e.Catalog().SourcesForTopic(topic)
}
