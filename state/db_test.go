package state

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rql/rql/rqlerr"
)

func openTest(t testing.TB) *DB {
	t.Helper()
	d, err := Open(filepath.Join(t.TempDir(), "db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// put commits one write (test helper).
func put(t testing.TB, d *DB, table, key, val string) {
	t.Helper()
	b := d.NewBatch()
	b.Put(table, []byte(key), []byte(val))
	if err := d.Commit(b, nil); err != nil {
		t.Fatal(err)
	}
}

func mustGet(t *testing.T, d *DB, table, key string) (string, bool) {
	t.Helper()
	v, ok, err := d.Get(table, []byte(key), nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(v), ok
}

// collect drains it into "k=v" strings.
func collect(t *testing.T, it Iterator) []string {
	t.Helper()
	defer it.Close()
	var out []string
	for ; it.Valid(); it.Next() {
		out = append(out, string(it.Key())+"="+string(it.Value()))
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGetPutDelete(t *testing.T) {
	d := openTest(t)
	if _, ok := mustGet(t, d, "t", "a"); ok {
		t.Fatal("found a key in an empty DB")
	}
	put(t, d, "t", "a", "1")
	put(t, d, "t", "b", "")
	put(t, d, "u", "a", "other table")
	if v, ok := mustGet(t, d, "t", "a"); !ok || v != "1" {
		t.Fatalf("get a = %q %v", v, ok)
	}
	if v, ok := mustGet(t, d, "t", "b"); !ok || v != "" {
		t.Fatalf("empty value: %q %v", v, ok)
	}
	if v, _ := mustGet(t, d, "u", "a"); v != "other table" {
		t.Fatalf("tables overlap: %q", v)
	}
	// Get appends to dst.
	v, _, _ := d.Get("t", []byte("a"), []byte("x:"))
	if string(v) != "x:1" {
		t.Fatalf("append to dst: %q", v)
	}
	b := d.NewBatch()
	b.Delete("t", []byte("a"))
	if err := d.Commit(b, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok := mustGet(t, d, "t", "a"); ok {
		t.Fatal("deleted key still there")
	}
	if v, _ := mustGet(t, d, "u", "a"); v != "other table" {
		t.Fatal("delete crossed tables")
	}
}

func TestTablesDoNotOverlap(t *testing.T) {
	// "a" || "b..." must not be confused with table "ab".
	d := openTest(t)
	put(t, d, "a", "bkey", "in a")
	put(t, d, "ab", "key", "in ab")
	if got := collect(t, d.Range("a", nil, nil)); len(got) != 1 || got[0] != "bkey=in a" {
		t.Fatalf("table a: %v", got)
	}
	if got := collect(t, d.Range("ab", nil, nil)); len(got) != 1 || got[0] != "key=in ab" {
		t.Fatalf("table ab: %v", got)
	}
	if v, ok := mustGet(t, d, "a", "bkey"); !ok || v != "in a" {
		t.Fatal(v)
	}
}

func TestRangePrefixReverse(t *testing.T) {
	d := openTest(t)
	b := d.NewBatch()
	for _, k := range []string{"b2", "a", "b1", "b", "c", "b\xff", "\xff\xff"} {
		b.Put("t", []byte(k), []byte("v"+k))
	}
	b.Put("t0", []byte("zz"), []byte("other"))
	b.Put("s", []byte("0"), []byte("other"))
	if err := d.Commit(b, nil); err != nil {
		t.Fatal(err)
	}
	keys := func(it Iterator) string {
		var out []string
		for _, kv := range collect(t, it) {
			out = append(out, kv[:bytes.IndexByte([]byte(kv), '=')])
		}
		return fmt.Sprintf("%q", out)
	}
	tests := []struct {
		name string
		it   Iterator
		want string
	}{
		{"all", d.Range("t", nil, nil), `["a" "b" "b1" "b2" "b\xff" "c" "\xff\xff"]`},
		{"half-open", d.Range("t", []byte("b"), []byte("b2")), `["b" "b1"]`},
		{"from", d.Range("t", []byte("b1"), nil), `["b1" "b2" "b\xff" "c" "\xff\xff"]`},
		{"to", d.Range("t", nil, []byte("b")), `["a"]`},
		{"empty", d.Range("t", []byte("c"), []byte("c")), `[]`},
		{"prefix", d.Prefix("t", []byte("b")), `["b" "b1" "b2" "b\xff"]`},
		{"prefix ff", d.Prefix("t", []byte("\xff")), `["\xff\xff"]`},
		{"prefix none", d.Prefix("t", []byte("d")), `[]`},
		{"prefix all", d.Prefix("t", nil), `["a" "b" "b1" "b2" "b\xff" "c" "\xff\xff"]`},
		{"reverse all", d.Reverse("t", nil, nil), `["\xff\xff" "c" "b\xff" "b2" "b1" "b" "a"]`},
		{"reverse range", d.Reverse("t", []byte("b"), []byte("b2")), `["b1" "b"]`},
		{"other table", d.Range("t0", nil, nil), `["zz"]`},
	}
	for _, tc := range tests {
		if got := keys(tc.it); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestCommitOffsetsReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	d, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if offs, err := d.Offsets(); err != nil || len(offs) != 0 {
		t.Fatalf("new DB offsets %v %v", offs, err)
	}
	b := d.NewBatch()
	b.Put("t", []byte("k1"), []byte("v1"))
	b.Put("t", []byte("k2"), []byte("v2"))
	if err := d.Commit(b, Offsets{"in/0": 10, "cl/0": 3}); err != nil {
		t.Fatal(err)
	}
	if b.Len() != 0 {
		t.Fatal("commit did not reset the batch")
	}
	b.Delete("t", []byte("k1"))
	if err := d.Commit(b, Offsets{"in/0": 12, "in/1": -1}); err != nil {
		t.Fatal(err)
	}
	// Offsets only.
	if err := d.Commit(nil, Offsets{"cl/0": 5}); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal("second close:", err)
	}
	d, err = Open(dir, Options{MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	offs, err := d.Offsets()
	if err != nil {
		t.Fatal(err)
	}
	want := Offsets{"in/0": 12, "in/1": -1, "cl/0": 5}
	if fmt.Sprint(offs) != fmt.Sprint(want) {
		t.Fatalf("offsets %v, want %v", offs, want)
	}
	if got := collect(t, d.Range("t", nil, nil)); fmt.Sprint(got) != "[k2=v2]" {
		t.Fatalf("data after reopen: %v", got)
	}
}

func TestBatchReadYourWrites(t *testing.T) {
	d := openTest(t)
	put(t, d, "t", "committed", "old")
	put(t, d, "t", "gone", "old")
	b := d.NewBatch()
	key := []byte("k")
	b.Put("t", key, []byte("v1"))
	key[0] = 'X' // Put copied the key
	b.Put("t", []byte("k"), []byte("v2"))
	b.Put("t", []byte("committed"), []byte("new"))
	b.Delete("t", []byte("gone"))
	b.Put("u", []byte("k"), []byte("other"))

	tests := []struct {
		table, key string
		batch      Op
		bval       string
		through    string
		found      bool
	}{
		{"t", "k", OpPut, "v2", "v2", true},
		{"t", "committed", OpPut, "new", "new", true},
		{"t", "gone", OpDelete, "", "", false},
		{"t", "absent", OpNone, "", "", false},
		{"u", "k", OpPut, "other", "other", true},
	}
	for _, tc := range tests {
		v, op := b.Get(tc.table, []byte(tc.key))
		if op != tc.batch || string(v) != tc.bval {
			t.Errorf("batch get %s/%s = %q %v", tc.table, tc.key, v, op)
		}
		v, ok, err := d.GetThrough(b, tc.table, []byte(tc.key), nil)
		if err != nil || ok != tc.found || string(v) != tc.through {
			t.Errorf("get through %s/%s = %q %v %v", tc.table, tc.key, v, ok, err)
		}
	}
	// The DB itself sees only committed data.
	if v, _ := mustGet(t, d, "t", "committed"); v != "old" {
		t.Fatalf("uncommitted write visible: %q", v)
	}
	if _, ok := mustGet(t, d, "t", "k"); ok {
		t.Fatal("uncommitted put visible")
	}
	if b.Len() != 4 {
		t.Fatalf("one entry per key: len %d", b.Len())
	}
	var each []string
	b.Each(func(table string, key, val []byte, op Op) error {
		each = append(each, fmt.Sprintf("%s/%s=%s(%d)", table, key, val, op))
		return nil
	})
	if got := fmt.Sprint(each); got != "[t/k=v2(1) t/committed=new(1) t/gone=(2) u/k=other(1)]" {
		t.Fatalf("each: %s", got)
	}
	if err := d.Commit(b, nil); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, d.Range("t", nil, nil)); fmt.Sprint(got) != "[committed=new k=v2]" {
		t.Fatalf("after commit: %v", got)
	}
}

func TestBatchDeleteThenPut(t *testing.T) {
	d := openTest(t)
	put(t, d, "t", "k", "old")
	b := d.NewBatch()
	b.Delete("t", []byte("k"))
	b.Put("t", []byte("k"), []byte("new"))
	b.Put("t", []byte("j"), []byte("x"))
	b.Delete("t", []byte("j"))
	if err := d.Commit(b, nil); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, d.Range("t", nil, nil)); fmt.Sprint(got) != "[k=new]" {
		t.Fatal(got)
	}
}

func TestBatchReuseAfterReset(t *testing.T) {
	// Map keys alias the arena: Reset and reuse must not corrupt lookups.
	b := NewBatch()
	for round := 0; round < 3; round++ {
		for i := 0; i < 1000; i++ {
			b.Put("t", []byte(fmt.Sprintf("k%04d", i)), []byte(fmt.Sprintf("r%d-%d", round, i)))
		}
		for i := 0; i < 1000; i++ {
			v, op := b.Get("t", []byte(fmt.Sprintf("k%04d", i)))
			if op != OpPut || string(v) != fmt.Sprintf("r%d-%d", round, i) {
				t.Fatalf("round %d key %d: %q %v", round, i, v, op)
			}
		}
		if b.Len() != 1000 {
			t.Fatal(b.Len())
		}
		b.Reset()
		if _, op := b.Get("t", []byte("k0001")); op != OpNone {
			t.Fatal("reset batch still has entries")
		}
	}
}

func TestInvalidTable(t *testing.T) {
	d := openTest(t)
	long := string(make([]byte, 256))
	for _, table := range []string{"", long} {
		if _, _, err := d.Get(table, []byte("k"), nil); !errors.Is(err, rqlerr.StateTable) {
			t.Errorf("get %q: %v", table[:min(len(table), 3)], err)
		}
		it := d.Range(table, nil, nil)
		if it.Valid() || !errors.Is(it.Err(), rqlerr.StateTable) {
			t.Errorf("range: %v", it.Err())
		}
		it.Close()
		b := d.NewBatch()
		b.Put(table, []byte("k"), nil)
		if err := d.Commit(b, nil); !errors.Is(err, rqlerr.StateTable) {
			t.Errorf("commit: %v", err)
		}
	}
	// The reserved offsets table cannot be reached as a user table.
	if err := d.Commit(nil, Offsets{"x": 1}); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, d.Range("\x01", nil, nil)); len(got) != 0 {
		t.Fatal(got)
	}
}

func TestClosed(t *testing.T) {
	d := openTest(t)
	put(t, d, "t", "a", "1")
	put(t, d, "t", "b", "2")
	it := d.Range("t", nil, nil) // left open: Close must release it
	if !it.Valid() {
		t.Fatal("iterator not valid")
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if it.Valid() || !errors.Is(it.Err(), rqlerr.StateClosed) {
		t.Fatalf("iterator after close: %v", it.Err())
	}
	it.Close()
	if _, _, err := d.Get("t", []byte("a"), nil); !errors.Is(err, rqlerr.StateClosed) {
		t.Fatalf("get after close: %v", err)
	}
	if err := d.Commit(d.NewBatch(), Offsets{"a": 1}); !errors.Is(err, rqlerr.StateClosed) {
		t.Fatalf("commit after close: %v", err)
	}
	if it := d.Prefix("t", nil); it.Valid() || !errors.Is(it.Err(), rqlerr.StateClosed) {
		t.Fatal("prefix after close")
	}
}

func TestDestroy(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "q1")
	d, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	put(t, d, "t", "a", "1")
	if err := d.Destroy(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("directory still there: %v", err)
	}
	if err := DestroyDir(dir); err != nil {
		t.Fatal("destroying a missing dir:", err)
	}
	if _, err := Open(dir, Options{MustExist: true}); !errors.Is(err, rqlerr.StateIO) {
		t.Fatalf("open destroyed with MustExist: %v", err)
	}
	// DestroyDir on a closed DB.
	d, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	put(t, d, "t", "a", "1")
	d.Close()
	if err := DestroyDir(dir); err != nil {
		t.Fatal(err)
	}
	d, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, ok := mustGet(t, d, "t", "a"); ok {
		t.Fatal("data survived DestroyDir")
	}
}

func TestLockedDir(t *testing.T) {
	d := openTest(t)
	if _, err := Open(d.Dir(), Options{}); !errors.Is(err, rqlerr.StateIO) {
		t.Fatalf("second open of a locked dir: %v", err)
	}
}

func TestDropTableAndUsage(t *testing.T) {
	d := openTest(t)
	b := d.NewBatch()
	for i := 0; i < 1000; i++ {
		b.Put("t", []byte(fmt.Sprintf("k%d", i)), bytes.Repeat([]byte("v"), 100))
		b.Put("u", []byte(fmt.Sprintf("k%d", i)), []byte("u"))
	}
	if err := d.Commit(b, Offsets{"x/0": 7}); err != nil {
		t.Fatal(err)
	}
	if u := d.Usage(); u.Memtables == 0 {
		t.Fatalf("usage before flush: %+v", u)
	}
	if err := d.Flush(); err != nil {
		t.Fatal(err)
	}
	if u := d.Usage(); u.SSTFiles == 0 {
		t.Fatalf("usage after flush: %+v", u)
	}
	if err := d.DropTable("t"); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, d.Range("t", nil, nil)); len(got) != 0 {
		t.Fatalf("dropped table has %d entries", len(got))
	}
	if got := collect(t, d.Range("u", nil, nil)); len(got) != 1000 {
		t.Fatalf("other table has %d entries", len(got))
	}
	if offs, _ := d.Offsets(); offs["x/0"] != 7 {
		t.Fatal("drop touched offsets")
	}
}

func TestReadOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	d, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	put(t, d, "t", "a", "1")
	d.Close()
	r, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if v, ok := mustGet(t, r, "t", "a"); !ok || v != "1" {
		t.Fatal(v, ok)
	}
	if err := r.Commit(nil, Offsets{"a": 1}); err == nil {
		t.Fatal("commit on a read-only DB succeeded")
	}
}
