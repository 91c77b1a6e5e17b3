package state

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"
)

// TestTxnMatchesModel drives a Txn over a DB with random puts, deletes,
// applies and discards, and checks every read (Get, Range, Reverse,
// Prefix) against a map model of committed and pending state.
func TestTxnMatchesModel(t *testing.T) {
	db, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx := NewTxn(db)
	rng := rand.New(rand.NewSource(1))
	committed := map[string]string{}
	pending := map[string]*string{} // nil: pending delete
	view := func() map[string]string {
		out := map[string]string{}
		for k, v := range committed {
			out[k] = v
		}
		for k, v := range pending {
			if v == nil {
				delete(out, k)
			} else {
				out[k] = *v
			}
		}
		return out
	}
	key := func() string { return fmt.Sprintf("k%02d", rng.Intn(40)) }
	check := func(step int) {
		v := view()
		var keys []string
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range []string{key(), key()} {
			got, ok, err := tx.Get("t", []byte(k), nil)
			want, wok := v[k]
			if err != nil || ok != wok || string(got) != want {
				t.Fatalf("step %d: Get(%s) = %q %v %v, want %q %v", step, k, got, ok, err, want, wok)
			}
		}
		lo, hi := key(), key()
		if lo > hi {
			lo, hi = hi, lo
		}
		var want []string
		for _, k := range keys {
			if k >= lo && k < hi {
				want = append(want, k+"="+v[k])
			}
		}
		if got := collectKV(tx.Range("t", []byte(lo), []byte(hi))); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("step %d: Range(%s, %s) = %v, want %v", step, lo, hi, got, want)
		}
		rev := make([]string, len(want))
		for i, x := range want {
			rev[len(want)-1-i] = x
		}
		if got := collectKV(tx.Reverse("t", []byte(lo), []byte(hi))); fmt.Sprint(got) != fmt.Sprint(rev) {
			t.Fatalf("step %d: Reverse(%s, %s) = %v, want %v", step, lo, hi, got, rev)
		}
		p := key()[:2]
		want = want[:0]
		for _, k := range keys {
			if k[:2] == p {
				want = append(want, k+"="+v[k])
			}
		}
		if got := collectKV(tx.Prefix("t", []byte(p))); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("step %d: Prefix(%s) = %v, want %v", step, p, got, want)
		}
		// Another table is never seen.
		if got := collectKV(tx.Range("u", nil, nil)); len(got) != 1 {
			t.Fatalf("step %d: table u = %v", step, got)
		}
	}
	tx.NewBatch().Put("u", []byte("x"), []byte("1"))
	if err := tx.Apply(nil); err != nil {
		t.Fatal(err)
	}
	for step := 0; step < 3000; step++ {
		switch r := rng.Intn(100); {
		case r < 50:
			k, v := key(), fmt.Sprint(step)
			tx.NewBatch().Put("t", []byte(k), []byte(v))
			pending[k] = &v
		case r < 75:
			k := key()
			tx.NewBatch().Delete("t", []byte(k))
			pending[k] = nil
		case r < 80:
			// A foreign batch staged through Commit.
			b := NewBatch()
			k, v := key(), "f"+fmt.Sprint(step)
			b.Put("t", []byte(k), []byte(v))
			if err := tx.Commit(b, Offsets{"c/0": int64(step)}); err != nil {
				t.Fatal(err)
			}
			pending[k] = &v
		case r < 85:
			if err := tx.Apply(Offsets{"x/0": int64(step)}); err != nil {
				t.Fatal(err)
			}
			committed = view()
			clear(pending)
			offs, _ := db.Offsets()
			if offs["x/0"] != int64(step) {
				t.Fatalf("offset not applied: %v", offs)
			}
		case r < 88:
			tx.Discard()
			clear(pending)
		}
		check(step)
	}
}

func collectKV(it Iterator) []string {
	defer it.Close()
	var out []string
	for ; it.Valid(); it.Next() {
		out = append(out, string(it.Key())+"="+string(it.Value()))
	}
	return out
}

// TestTxnMutationDuringScan: writes made while an iterator is open (as the
// EMIT FINAL sweep deletes the entries it visits) do not disturb it.
func TestTxnMutationDuringScan(t *testing.T) {
	tx := NewTxn(nil)
	b := tx.NewBatch()
	for i := 0; i < 10; i++ {
		b.Put("t", []byte{byte(i)}, []byte{byte(i)})
	}
	it := tx.Range("t", nil, nil)
	n := 0
	for ; it.Valid(); it.Next() {
		k := append([]byte(nil), it.Key()...)
		b.Delete("t", k)
		b.Put("t", []byte{byte(100 + n)}, nil)
		n++
	}
	it.Close()
	if n != 10 {
		t.Fatalf("visited %d, want 10", n)
	}
	if got := collectKV(tx.Range("t", nil, []byte{100})); len(got) != 0 {
		t.Fatalf("deleted keys still seen: %v", got)
	}
	if err := tx.DropTable("t"); err != nil || tx.Len() != 0 {
		t.Fatalf("DropTable: %v, %d pending", err, tx.Len())
	}
}
