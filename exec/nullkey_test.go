package exec

import (
	"context"
	"testing"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
)

// multiKeySource is a JSON source keyed by two INT columns.
func multiKeySource(kind parser.SourceKind) *planner.Source {
	return &planner.Source{Name: "S", Kind: kind, Topic: "s", KeyFormat: "JSON", ValueFormat: "JSON",
		Schema: &sqltypes.Schema{Columns: []sqltypes.Column{
			{Name: "K", Type: sqltypes.Int, NS: sqltypes.NSKey},
			{Name: "K2", Type: sqltypes.Int, NS: sqltypes.NSKey},
			{Name: "V", Type: sqltypes.Int},
		}}}
}

// runNullKeys runs recs through scan → [rekey by K2, V] → sink and returns
// the output keys as strings ("<nil>" for a null key).
func runNullKeys(t *testing.T, kind parser.SourceKind, rekey bool, recs []Record) []string {
	t.Helper()
	src := multiKeySource(kind)
	scan := &planner.Scan{Source: src}
	var in planner.Node = scan
	target := &planner.Source{Name: "O", Kind: kind, Topic: "o", KeyFormat: "JSON", ValueFormat: "JSON", Schema: src.Schema}
	var ops []Operator
	s, err := NewSource(scan, nil)
	if err != nil {
		t.Fatal(err)
	}
	ops = append(ops, s)
	if rekey {
		rk := &planner.Rekey{Input: scan, Keys: []planner.Expr{col(1, sqltypes.Int), col(2, sqltypes.Int)}}
		r, err := NewRekey(rk, nil)
		if err != nil {
			t.Fatal(err)
		}
		ops = append(ops, r)
		in = rk
		target = &planner.Source{Name: "O", Kind: kind, Topic: "o", KeyFormat: "JSON", ValueFormat: "JSON",
			Schema: &sqltypes.Schema{Columns: []sqltypes.Column{
				{Name: "K", Type: sqltypes.Int}, {Name: "K2", Type: sqltypes.Int}, {Name: "V", Type: sqltypes.Int},
				{Name: "K2", Type: sqltypes.Int, NS: sqltypes.NSKey}, {Name: "V", Type: sqltypes.Int, NS: sqltypes.NSKey}}}}
	}
	var out []string
	k, err := NewSink(&planner.Sink{Input: in, Target: target, TimestampIndex: -1}, RecordSinkFunc(func(_ context.Context, r Record) error {
		if r.Key == nil {
			out = append(out, "<nil>")
		} else {
			out = append(out, string(r.Key))
		}
		return nil
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	ops = append(ops, k)
	ctx := context.Background()
	for _, op := range ops {
		if err := op.Init(ctx, &Env{}); err != nil {
			t.Fatal(err)
		}
	}
	var next Collector = Discard{}
	for i := len(ops) - 1; i >= 1; i-- {
		next = &Chain{Op: ops[i], Next: next}
	}
	if err := s.Ingest(ctx, recs, next); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNullKeys(t *testing.T) {
	recs := []Record{
		{Topic: "s", Key: []byte(`{"K":1,"K2":2}`), Value: []byte(`{"V":3}`)},
		{Topic: "s", Key: []byte(`{"K":null,"K2":null}`), Value: []byte(`{"V":3}`)},
		{Topic: "s", Key: nil, Value: []byte(`{"V":3}`)},
		{Topic: "s", Key: nil, Value: []byte(`{"V":null}`)},
	}
	cases := []struct {
		name  string
		kind  parser.SourceKind
		rekey bool
		want  []string
	}{
		// A stream keeps a null key null and a key of NULLs an object.
		{"stream pass-through", parser.KindStream, false,
			[]string{`{"K":1,"K2":2}`, `{"K":null,"K2":null}`, "<nil>", "<nil>"}},
		// PARTITION BY computes a new key: never null as a whole.
		{"stream partition by", parser.KindStream, true,
			[]string{`{"K2":2,"V":3}`, `{"K2":null,"V":3}`, `{"K2":null,"V":3}`, `{"K2":null,"V":null}`}},
		// A table skips records with a null key.
		{"table", parser.KindTable, false, []string{`{"K":1,"K2":2}`, `{"K":null,"K2":null}`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := runNullKeys(t, c.kind, c.rekey, recs)
			if len(got) != len(c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("record %d: got %q, want %q (all: %q)", i, got[i], c.want[i], got)
				}
			}
		})
	}
}
