package state

import (
	"testing"
)

func TestDeleteRange(t *testing.T) {
	db := openTest(t)
	b := db.NewBatch()
	for _, k := range []string{"a", "b", "c", "d"} {
		b.Put("t1", []byte(k), []byte("v"))
		b.Put("t2", []byte(k), []byte("v"))
	}
	if err := db.Commit(b, nil); err != nil {
		t.Fatal(err)
	}
	count := func(table string) int {
		it := db.Range(table, nil, nil)
		defer it.Close()
		n := 0
		for ; it.Valid(); it.Next() {
			n++
		}
		return n
	}
	if err := db.DeleteRange("t1", nil, []byte("c")); err != nil {
		t.Fatal(err)
	}
	if got := count("t1"); got != 2 {
		t.Fatalf("t1 has %d entries after deleting [nil, c), want 2", got)
	}
	if err := db.DeleteRange("t1", []byte("d"), nil); err != nil {
		t.Fatal(err)
	}
	if got := count("t1"); got != 1 {
		t.Fatalf("t1 has %d entries after deleting [d, nil), want 1", got)
	}
	if got := count("t2"); got != 4 {
		t.Fatalf("t2 has %d entries, want 4 (other tables untouched)", got)
	}
	if err := DeleteRangeOf(db, "t2", []byte("b"), []byte("b")); err != nil {
		t.Fatal(err)
	}
	if got := count("t2"); got != 4 {
		t.Fatalf("empty range deleted entries: %d left", got)
	}
}

func TestSegmentKeys(t *testing.T) {
	for _, tc := range []struct{ ts, iv, seg int64 }{{0, 10, 0}, {9, 10, 0}, {10, 10, 1}, {-1, 10, -1}, {-10, 10, -1}, {-11, 10, -2}} {
		if got := Segment(tc.ts, tc.iv); got != tc.seg {
			t.Errorf("Segment(%d, %d) = %d, want %d", tc.ts, tc.iv, got, tc.seg)
		}
	}
	k := SegmentKey(nil, -1, []byte("key"), -5)
	k = append(k, 1, 2)
	seg, key, ts, err := DecodeSegmentKey(k, 2)
	if err != nil || seg != -1 || string(key) != "key" || ts != -5 {
		t.Fatalf("decode: %d %q %d %v", seg, key, ts, err)
	}
	if string(SegmentStart(nil, -1)) >= string(SegmentStart(nil, 0)) {
		t.Fatal("segment -1 sorts after segment 0")
	}
	lo, hi := SegmentRange(nil, 3, []byte("k"), 5, 9)
	if string(lo) >= string(hi) {
		t.Fatal("empty segment range")
	}
}
