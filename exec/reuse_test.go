package exec

import (
	"context"
	"fmt"
	"testing"

	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
)

// TestOutputsSurviveLaterBatches checks the buffers the hot path reuses or
// shares (row slabs, the sink's byte arena, boxed values): records emitted
// by earlier batches keep their bytes while later batches run, and growing
// one record's bytes never touches another's.
func TestOutputsSurviveLaterBatches(t *testing.T) {
	var out []Record
	var logs []LogEntry
	src, next := pipeline(t, &out, &logs)
	ctx := context.Background()
	const batches, per = 40, 50
	for b := 0; b < batches; b++ {
		recs := make([]Record, per)
		for i := range recs {
			n := b*per + i
			recs[i] = Record{Topic: "s", Offset: int64(n), Key: []byte(fmt.Sprintf("k%d", n)),
				Value: []byte(fmt.Sprintf(`{"A": %d, "B": "b%d"}`, n+2, n))}
		}
		if err := src.Ingest(ctx, recs, next); err != nil {
			t.Fatal(err)
		}
		clear(recs) // the input is gone: outputs must not depend on it
	}
	if len(out) != batches*per || len(logs) != 0 {
		t.Fatalf("%d records, logs %v", len(out), logs)
	}
	for i := range out {
		_ = append(out[i].Key, "XXXX"...)
		_ = append(out[i].Value, "XXXX"...)
	}
	for n, r := range out {
		if want := fmt.Sprintf("k%d", n); string(r.Key) != want {
			t.Fatalf("record %d: key %q, want %q", n, r.Key, want)
		}
		if want := fmt.Sprintf(`{"A10":%d}`, (n+2)*10); string(r.Value) != want {
			t.Fatalf("record %d: value %q, want %q", n, r.Value, want)
		}
	}
}

// TestEvaluatorResultsAreIndependent evaluates expressions whose results
// are boxed into shared blocks and whose calls reuse argument slices: every
// result kept from an earlier row must keep its value.
func TestEvaluatorResultsAreIndependent(t *testing.T) {
	mul := &planner.Arith{Op: planner.ArithMul, L: col(0, sqltypes.Bigint), R: lit(int64(1000), sqltypes.Bigint), T: sqltypes.Bigint}
	half := &planner.Arith{Op: planner.ArithDiv, L: col(1, sqltypes.Double), R: lit(2.0, sqltypes.Double), T: sqltypes.Double}
	ev1, err := Compile(mul, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev2, err := Compile(half, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got1, got2 []sqltypes.Value
	for i := 0; i < 500; i++ {
		row := &Row{Vals: []sqltypes.Value{int64(i), float64(i) + 0.5}}
		v1, err1 := ev1.Eval(row)
		v2, err2 := ev2.Eval(row)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		got1, got2 = append(got1, v1), append(got2, v2)
	}
	for i := range got1 {
		if got1[i] != sqltypes.Value(int64(i)*1000) || got2[i] != sqltypes.Value((float64(i)+0.5)/2) {
			t.Fatalf("row %d: %#v %#v", i, got1[i], got2[i])
		}
	}
}
