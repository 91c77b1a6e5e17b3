package asyncio

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/rql/rql/sqltypes"
)

// gate is a Func whose calls complete when the test releases their offset.
type gate struct {
	mu sync.Mutex
	ch map[int64]chan struct{}
}

func newGate() *gate { return &gate{ch: map[int64]chan struct{}{}} }

func (g *gate) c(off int64) chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch[off] == nil {
		g.ch[off] = make(chan struct{})
	}
	return g.ch[off]
}

func (g *gate) release(offs ...int64) {
	for _, o := range offs {
		close(g.c(o))
	}
}

func (g *gate) fn(ctx context.Context, in *Input) (sqltypes.Value, error) {
	select {
	case <-g.c(in.Offset):
		return in.Offset, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// settle polls until n results have been emitted in total.
func settle(t *testing.T, op *Operator, got *[]int64, n int) {
	t.Helper()
	emit := func(r *Result) error { *got = append(*got, r.In.Offset); return nil }
	for len(*got) < n {
		if _, err := op.Poll(emit); err != nil {
			t.Fatal(err)
		}
		if len(*got) < n {
			<-op.Ready()
		}
	}
	if _, err := op.Poll(emit); err != nil || len(*got) != n {
		t.Fatalf("emitted %v, want %d results", *got, n)
	}
}

func submitOffsets(t *testing.T, op *Operator, offs ...int64) {
	t.Helper()
	for _, o := range offs {
		in := &Input{Partition: 0, Offset: o, Key: fmt.Sprint(o % 2), Args: []sqltypes.Value{o}}
		if err := op.Submit(context.Background(), in, func(*Result) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCommitOffsets checks the lowest unfinished offset, the checkpoint,
// and a restart that re-consumes from the commit offset without emitting
// anything twice.
func TestCommitOffsets(t *testing.T) {
	t.Run("unordered", func(t *testing.T) {
		g := newGate()
		op := newOp(t, g.fn, map[string]any{"workers": int64(10), "order": "unordered"})
		submitOffsets(t, op, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)
		if c := op.CommitOffsets()[0]; c != 0 {
			t.Fatalf("commit %d before any result", c)
		}
		var got []int64
		g.release(0, 1, 2, 5, 6)
		settle(t, op, &got, 5)
		cp := op.Checkpoint()
		if cp[0].Commit != 3 || !reflect.DeepEqual(cp[0].Done, []int64{5, 6}) || len(cp[0].InFlight) != 5 {
			t.Fatalf("checkpoint %+v", cp[0])
		}
		// Restart: a new operator restored from the checkpoint re-consumes
		// from offset 3; 5 and 6 are skipped, the rest are re-issued.
		g2 := newGate()
		op2 := newOp(t, g2.fn, map[string]any{"workers": int64(10), "order": "unordered"})
		op2.Restore(cp)
		submitOffsets(t, op2, 3, 4, 5, 6, 7)
		g2.release(3, 7)
		var got2 []int64
		settle(t, op2, &got2, 2)
		// 4 is in flight; 8 and 9 not consumed yet: 5 and 6 must stay done.
		cp2 := op2.Checkpoint()
		if cp2[0].Commit != 4 || !reflect.DeepEqual(cp2[0].Done, []int64{5, 6, 7}) {
			t.Fatalf("checkpoint after restart %+v", cp2[0])
		}
		submitOffsets(t, op2, 8, 9)
		g2.release(4, 8, 9)
		settle(t, op2, &got2, 5)
		if c := op2.CommitOffsets()[0]; c != 10 {
			t.Errorf("commit %d after everything, want 10", c)
		}
		all := append(append([]int64{}, got...), got2...)
		seen := map[int64]int{}
		for _, o := range all {
			seen[o]++
		}
		for o := int64(0); o < 10; o++ {
			if seen[o] != 1 {
				t.Errorf("offset %d emitted %d times across the restart (%v + %v)", o, seen[o], got, got2)
			}
		}
		if st := op2.Stats(); st.Skipped != 2 {
			t.Errorf("skipped %d", st.Skipped)
		}
	})
	t.Run("ordered", func(t *testing.T) {
		g := newGate()
		op := newOp(t, g.fn, map[string]any{"workers": int64(10)})
		submitOffsets(t, op, 10, 11, 11, 12)
		g.release(11, 12)
		var got []int64
		if n, _ := op.Poll(func(r *Result) error { got = append(got, r.In.Offset); return nil }); n != 0 {
			t.Fatalf("ordered mode emitted %v before offset 10", got)
		}
		g.release(10)
		settle(t, op, &got, 4)
		if !reflect.DeepEqual(got, []int64{10, 11, 11, 12}) || op.CommitOffsets()[0] != 13 {
			t.Errorf("emitted %v, commit %d", got, op.CommitOffsets()[0])
		}
	})
	t.Run("key", func(t *testing.T) {
		g := newGate()
		op := newOp(t, g.fn, map[string]any{"workers": int64(10), "order": "key"})
		submitOffsets(t, op, 0, 1, 2, 3) // keys 0,1,0,1
		g.release(2, 1)                  // 2 waits behind 0 (same key); 1 completes
		var got []int64
		settle(t, op, &got, 1)
		g.release(0)
		settle(t, op, &got, 3)
		if !reflect.DeepEqual(got, []int64{1, 0, 2}) || op.CommitOffsets()[0] != 3 {
			t.Errorf("emitted %v, commit %d", got, op.CommitOffsets()[0])
		}
		g.release(3)
		settle(t, op, &got, 4)
	})
}

func TestDrainEmitsEverything(t *testing.T) {
	g := newGate()
	op := newOp(t, g.fn, map[string]any{"workers": int64(4), "order": "unordered"})
	submitOffsets(t, op, 0, 1, 2)
	go g.release(2, 0, 1)
	n := 0
	if err := op.Drain(context.Background(), func(*Result) error { n++; return nil }); err != nil || n != 3 {
		t.Fatalf("drain: %d, %v", n, err)
	}
	if op.InFlight() != 0 || op.CommitOffsets()[0] != 3 {
		t.Errorf("after drain: %d in flight, commit %d", op.InFlight(), op.CommitOffsets()[0])
	}
}
