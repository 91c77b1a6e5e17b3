package exec

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/state"
	"github.com/rql/rql/udf"
)

func TestChangeRoundTrip(t *testing.T) {
	dec := sqltypes.Decimal{Unscaled: big.NewInt(-12345), Scale: 2}
	complexVals := []sqltypes.Value{nil, true, int32(-7), int64(1 << 40), 2.5, dec, "é", []byte{0, 1},
		sqltypes.Timestamp(1700000000000),
		[]sqltypes.Value{"a", nil},
		&sqltypes.Map{Keys: []sqltypes.Value{"k"}, Vals: []sqltypes.Value{int64(1)}},
		&sqltypes.Struct{Vals: []sqltypes.Value{int32(1), "s"}}}
	cases := []Change{
		{Kind: ChangeAdd, Group: []sqltypes.Value{"g"}, Args: [][]sqltypes.Value{{}, {int64(3)}}},
		{Kind: ChangeSubtract, Group: []sqltypes.Value{"g", int32(2)}, Args: [][]sqltypes.Value{complexVals}},
		{Kind: ChangeReplace, Group: []sqltypes.Value{dec}, Args: [][]sqltypes.Value{{int64(4)}, {nil}},
			Old: [][]sqltypes.Value{{int64(3)}, {"x"}}},
		{Kind: ChangeAdd, Group: []sqltypes.Value{}, Args: [][]sqltypes.Value{}},
	}
	for _, c := range cases {
		p, err := AppendChange([]byte("prefix"), &c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeChange(p[len("prefix"):])
		if err != nil {
			t.Fatalf("%c: %v", c.Kind, err)
		}
		want := c
		if want.Kind != ChangeReplace {
			want.Old = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip of %+v gave %+v", want, got)
		}
		// Every proper prefix is an error, never a panic.
		body := p[len("prefix"):]
		for i := range body {
			if _, err := DecodeChange(body[:i]); err == nil {
				t.Errorf("%c: prefix of %d of %d bytes decoded", c.Kind, i, len(body))
			} else if rqlerr.CodeOf(err) != rqlerr.StateCorrupt {
				t.Errorf("%c: prefix error %v has code %s", c.Kind, err, rqlerr.CodeOf(err))
			}
		}
		if _, err := DecodeChange(append(append([]byte(nil), body...), 0)); err == nil {
			t.Errorf("%c: trailing byte accepted", c.Kind)
		}
	}
	// The Old lists of a non-replace change are not encoded.
	p, _ := AppendChange(nil, &Change{Kind: ChangeAdd, Group: []sqltypes.Value{"g"}, Args: [][]sqltypes.Value{{int64(1)}},
		Old: [][]sqltypes.Value{{int64(2)}}})
	if c, err := DecodeChange(p); err != nil || c.Old != nil {
		t.Errorf("add with Old: %+v, %v", c, err)
	}
	if _, err := AppendChange(nil, &Change{Kind: 'x'}); err == nil {
		t.Error("unknown kind encoded")
	}
	for _, bad := range [][]byte{nil, {}, {changeVersion}, {2, '+', 0, 0}, {changeVersion, 'x', 0, 0}, []byte(`{"G":"a"}`)} {
		if _, err := DecodeChange(bad); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}

// FuzzDecodeChange: arbitrary bytes never panic, and what decodes encodes
// to a canonical form that round-trips byte for byte (the input itself may
// be longer: varints have several encodings; NaN != NaN rules out
// comparing values).
func FuzzDecodeChange(f *testing.F) {
	for _, c := range []Change{
		{Kind: ChangeAdd, Group: []sqltypes.Value{"g"}, Args: [][]sqltypes.Value{{int64(3)}}},
		{Kind: ChangeReplace, Group: []sqltypes.Value{int32(1)}, Args: [][]sqltypes.Value{{2.5}}, Old: [][]sqltypes.Value{{nil}}},
	} {
		p, err := AppendChange(nil, &c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(p)
	}
	f.Add([]byte{changeVersion, '-', 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, p []byte) {
		c, err := DecodeChange(p)
		if err != nil {
			return
		}
		q, err := AppendChange(nil, &c)
		if err != nil {
			t.Fatalf("decoded change does not encode: %v", err)
		}
		c2, err := DecodeChange(q)
		if err != nil {
			t.Fatalf("%x decoded, re-encoded to %x, which does not decode: %v", p, q, err)
		}
		if q2, err := AppendChange(nil, &c2); err != nil || string(q2) != string(q) {
			t.Fatalf("%x decoded, re-encoded to %x, which decodes and encodes to %x (%v)", p, q, q2, err)
		}
	})
}

// tableAgg plans a GROUP BY of the table T (ID key, G, N) by G and returns
// its Aggregate, whose input is the Repartition.
func tableAgg(tb testing.TB, query string) *planner.Aggregate {
	tb.Helper()
	cat := planner.NewCatalog(nil)
	reg := udf.Builtins()
	stmts, err := parser.Parse(`CREATE TABLE T (ID STRING PRIMARY KEY, G STRING, N BIGINT) WITH (kafka_topic='t', value_format='JSON');`+query, parser.ParseOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	for _, s := range stmts {
		p, err := planner.PlanStatementWith(cat, reg, s, nil, planner.PlanOptions{})
		if err != nil {
			tb.Fatal(err)
		}
		switch p := p.(type) {
		case *planner.CreateSourcePlan:
			cat.PutSource(p.Source)
		case *planner.CreateAsSelectPlan:
			var find func(n planner.Node) *planner.Aggregate
			find = func(n planner.Node) *planner.Aggregate {
				if a, ok := n.(*planner.Aggregate); ok {
					return a
				}
				for _, c := range n.Children() {
					if a := find(c); a != nil {
						return a
					}
				}
				return nil
			}
			if a := find(p.Query.Root); a != nil {
				if _, ok := a.Input.(*planner.Repartition); !ok {
					tb.Fatalf("aggregate input is %T, want a repartition", a.Input)
				}
				return a
			}
		}
	}
	tb.Fatal("no aggregate in the plan")
	return nil
}

// aggRunner is an operator over its own RocksDB store, collecting output.
type aggRunner struct {
	op   *Aggregate
	out  []Row
	logs []LogEntry
}

func newAggRunner(tb testing.TB, op *Aggregate) *aggRunner {
	tb.Helper()
	db, err := state.Open(tb.TempDir(), state.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	r := &aggRunner{op: op}
	env := &Env{QueryID: "Q", State: db, Log: func(e LogEntry) { r.logs = append(r.logs, e) }}
	if err := op.Init(context.Background(), env); err != nil {
		tb.Fatal(err)
	}
	return r
}

func (r *aggRunner) push(tb testing.TB, rows ...Row) []Row {
	tb.Helper()
	var out []Row
	err := r.op.Process(context.Background(), 0, &Batch{Rows: rows}, CollectFunc(func(_ context.Context, b *Batch) error {
		for _, x := range b.Rows {
			x.Vals = append([]sqltypes.Value(nil), x.Vals...)
			out = append(out, x)
		}
		return nil
	}))
	if err != nil {
		tb.Fatal(err)
	}
	r.out = append(r.out, out...)
	return out
}

// tableChanges are n random changes of T over few keys and groups: group
// changes, updates within a group, tombstones, NULL groups.
func tableChanges(n int, seed uint64) []Row {
	rnd := rand.New(rand.NewPCG(seed, 1))
	out := make([]Row, 0, n)
	for i := range n {
		id := fmt.Sprintf("k%d", rnd.IntN(12))
		r := Row{Vals: make([]sqltypes.Value, 3), Rowtime: int64(1000 + i), Partition: int32(rnd.IntN(4)), Offset: int64(i)}
		r.Vals[0] = id
		switch x := rnd.IntN(10); {
		case x == 0:
			r.NullValue = true
		case x == 1:
			r.Vals[2] = int64(rnd.IntN(100)) // NULL group
		default:
			r.Vals[1], r.Vals[2] = fmt.Sprintf("g%d", rnd.IntN(4)), int64(rnd.IntN(100))
		}
		out = append(out, r)
	}
	return out
}

// TestGroupChangesMatchAggregate runs a table's changes through the
// in-process Aggregate and through its two halves (GroupChanges, the
// encoded changes, ApplyChanges): with one ApplyChanges the emitted rows
// are the same sequence; with the changes spread over four (by group
// key, as a repartition topic does) the final table is the same.
func TestGroupChangesMatchAggregate(t *testing.T) {
	queries := []string{
		`CREATE TABLE A AS SELECT G, COUNT(*) AS C, SUM(N) AS S, COLLECT_LIST(N) AS L, HISTOGRAM(ID) AS H, AVG(N) AS M FROM T GROUP BY G;`,
		`CREATE TABLE A AS SELECT G, COUNT(*) AS C, SUM(N) AS S FROM T GROUP BY G HAVING SUM(N) > 120;`,
		`CREATE TABLE A WITH (key_format='JSON') AS SELECT G, N % 3 AS R, COUNT(ID) AS C FROM T GROUP BY G, N % 3 HAVING COUNT(ID) >= 2;`,
	}
	for qi, query := range queries {
		t.Run(fmt.Sprint(qi), func(t *testing.T) {
			agg := tableAgg(t, query)
			rows := tableChanges(400, uint64(qi))
			plain, err := NewAggregate(agg, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := newAggRunner(t, plain)
			for _, r := range rows {
				want.push(t, r)
			}

			out, err := agg.WithChildren(agg.Input.(*planner.Repartition).Input)
			if err != nil {
				t.Fatal(err)
			}
			gc, err := NewGroupChanges(&GroupChangesNode{out.(*planner.Aggregate)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			src := ChangeSource("C", "c", 4)
			in, err := agg.WithChildren(ChangeScan(src))
			if err != nil {
				t.Fatal(err)
			}
			changes := newAggRunner(t, gc)
			var appliers [5]*aggRunner // [0]: one partition; [1:]: four
			for i := range appliers {
				ac, err := NewApplyChanges(&ApplyChangesNode{in.(*planner.Aggregate)}, nil)
				if err != nil {
					t.Fatal(err)
				}
				appliers[i] = newAggRunner(t, ac)
			}
			kinds := map[ChangeKind]int{}
			for _, r := range rows {
				for _, c := range changes.push(t, r) {
					k, v := c.Vals[0].([]byte), c.Vals[1].([]byte)
					kinds[ChangeKind(v[1])]++
					if c.Rowtime != r.Rowtime || c.Partition != r.Partition || c.Offset != r.Offset {
						t.Fatalf("change %+v lost its source row's time or position %+v", c, r)
					}
					appliers[0].push(t, c)
					appliers[1+int(k[len(k)-1])%4].push(t, Row{Vals: []sqltypes.Value{k, v},
						Rowtime: c.Rowtime, Partition: c.Partition, Offset: c.Offset})
				}
			}
			tombstones := 0
			for _, r := range want.out {
				if r.NullValue {
					tombstones++
				}
			}
			t.Logf("changes %v, %d results, %d HAVING tombstones", kinds, len(want.out), tombstones)
			if kinds[ChangeAdd] == 0 || kinds[ChangeSubtract] == 0 || kinds[ChangeReplace] == 0 || (agg.Having != nil && tombstones == 0) {
				t.Fatalf("the input does not exercise every kind of change and HAVING tombstones: %v, %d tombstones", kinds, tombstones)
			}
			if len(want.out) == 0 || !reflect.DeepEqual(appliers[0].out, want.out) {
				t.Fatalf("one partition: %d rows, the in-process aggregate %d\n got %v\nwant %v",
					len(appliers[0].out), len(want.out), appliers[0].out, want.out)
			}
			if len(want.logs) != len(changes.logs)+len(appliers[0].logs) {
				t.Errorf("processing log: %d + %d entries, the in-process aggregate %d", len(changes.logs), len(appliers[0].logs), len(want.logs))
			}
			final := func(rs ...[]Row) map[string][]sqltypes.Value {
				m := map[string][]sqltypes.Value{}
				for _, out := range rs {
					for _, r := range out {
						k := fmt.Sprint(r.Vals[:len(agg.GroupBy)])
						if r.NullValue {
							delete(m, k)
						} else {
							m[k] = r.Vals
						}
					}
				}
				return m
			}
			w := final(want.out)
			if g := final(appliers[1].out, appliers[2].out, appliers[3].out, appliers[4].out); !reflect.DeepEqual(g, w) {
				t.Errorf("four partitions: final table\n got %v\nwant %v", g, w)
			}
		})
	}
}

// TestApplyChangesSkipsBadRecords: a record that is no change of the
// aggregation is logged, not applied, and does not fail the operator.
func TestApplyChangesSkipsBadRecords(t *testing.T) {
	agg := tableAgg(t, `CREATE TABLE A AS SELECT G, COUNT(*) AS C FROM T GROUP BY G;`)
	in, err := agg.WithChildren(ChangeScan(ChangeSource("C", "c", 1)))
	if err != nil {
		t.Fatal(err)
	}
	ac, err := NewApplyChanges(&ApplyChangesNode{in.(*planner.Aggregate)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := newAggRunner(t, ac)
	twoKeys, _ := AppendChange(nil, &Change{Kind: ChangeAdd, Group: []sqltypes.Value{"a", "b"}, Args: [][]sqltypes.Value{{}}})
	noArgs, _ := AppendChange(nil, &Change{Kind: ChangeAdd, Group: []sqltypes.Value{"a"}})
	for _, v := range [][]byte{[]byte(`{"G":"a"}`), twoKeys, noArgs} {
		if out := r.push(t, Row{Vals: []sqltypes.Value{[]byte("k"), v}}); len(out) != 0 {
			t.Errorf("%q emitted %v", v, out)
		}
	}
	if len(r.logs) != 3 {
		t.Errorf("logged %d entries, want 3: %v", len(r.logs), r.logs)
	}
}
