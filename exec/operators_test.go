package exec

import (
	"context"
	"strings"
	"testing"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
)

func testSource() *planner.Source {
	return &planner.Source{Name: "S", Kind: parser.KindStream, Topic: "s", KeyFormat: "KAFKA", ValueFormat: "JSON",
		Schema: &sqltypes.Schema{Columns: []sqltypes.Column{
			{Name: "K", Type: sqltypes.String, NS: sqltypes.NSKey},
			{Name: "A", Type: sqltypes.Int},
			{Name: "B", Type: sqltypes.String},
		}}}
}

// pipeline wires scan → filter (A > 1) → project (K, A * 10) → sink.
func pipeline(t testing.TB, out *[]Record, logs *[]LogEntry) (*Source, Collector) {
	src := testSource()
	scan := &planner.Scan{Source: src}
	filter := &planner.Filter{Input: scan, Pred: &planner.Cmp{Op: planner.CmpGt, L: col(1, sqltypes.Int), R: lit(int32(1), sqltypes.Int)}}
	sinkSrc := &planner.Source{Name: "O", Topic: "o", KeyFormat: "KAFKA", ValueFormat: "JSON", Schema: &sqltypes.Schema{Columns: []sqltypes.Column{
		{Name: "K", Type: sqltypes.String, NS: sqltypes.NSKey}, {Name: "A10", Type: sqltypes.Int}}}}
	proj := &planner.Project{Input: filter, Out: sinkSrc.Schema, Exprs: []planner.Expr{col(0, sqltypes.String),
		&planner.Arith{Op: planner.ArithMul, L: col(1, sqltypes.Int), R: lit(int32(10), sqltypes.Int), T: sqltypes.Int}}}
	sink := &planner.Sink{Input: proj, Target: sinkSrc, TimestampIndex: -1}
	env := &Env{QueryID: "Q", Log: func(e LogEntry) { *logs = append(*logs, e) }}
	ctx := context.Background()
	s, err := NewSource(scan, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFilter(filter, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewProject(proj, nil)
	if err != nil {
		t.Fatal(err)
	}
	k, err := NewSink(sink, RecordSinkFunc(func(_ context.Context, r Record) error {
		*out = append(*out, r)
		return nil
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []Operator{s, f, p, k} {
		if err := op.Init(ctx, env); err != nil {
			t.Fatal(err)
		}
	}
	return s, &Chain{Op: f, Next: &Chain{Op: p, Next: &Chain{Op: k, Next: Discard{}}}}
}

func TestFilterProjectSink(t *testing.T) {
	var out []Record
	var logs []LogEntry
	src, next := pipeline(t, &out, &logs)
	recs := []Record{
		{Topic: "s", Offset: 0, Key: []byte("a"), Value: []byte(`{"A": 1, "B": "x"}`), Timestamp: 1},
		{Topic: "s", Offset: 1, Key: []byte("b"), Value: []byte(`{"A": 2, "B": "y"}`), Timestamp: 2},
		{Topic: "s", Offset: 2, Key: []byte("c"), Value: []byte(`not json`), Timestamp: 3},
		{Topic: "s", Offset: 3, Key: []byte("d"), Value: nil, Timestamp: 4},
	}
	if err := src.Ingest(context.Background(), recs, next); err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || string(out[0].Key) != "b" || string(out[0].Value) != `{"A10":20}` || out[0].Timestamp != 2 {
		t.Fatalf("got %+v", out)
	}
	if len(logs) != 1 || logs[0].Offset != 2 || logs[0].QueryID != "Q" || !strings.Contains(logs[0].Reason, "deserializ") {
		t.Fatalf("logs %+v", logs)
	}
}

func BenchmarkFilterProject(b *testing.B) {
	var out []Record
	var logs []LogEntry
	src, next := pipeline(b, &out, &logs)
	recs := make([]Record, 256)
	for i := range recs {
		recs[i] = Record{Topic: "s", Offset: int64(i), Key: []byte("k"), Value: []byte(`{"A": 5, "B": "hello"}`)}
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out = out[:0]
		if err := src.Ingest(ctx, recs, next); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(recs))/b.Elapsed().Seconds(), "rows/s")
}
