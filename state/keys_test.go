package state

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/rql/rql/rqlerr"
)

func TestWindowKeyRoundTrip(t *testing.T) {
	tests := []struct {
		key   string
		start int64
	}{
		{"", 0}, {"a", 0}, {"a", -1}, {"user\x00\xff", 1_700_000_000_000},
		{"k", math.MinInt64}, {"k", math.MaxInt64},
	}
	for _, tc := range tests {
		enc := WindowKey([]byte("pre"), []byte(tc.key), tc.start)[3:]
		k, s, err := DecodeWindowKey(enc)
		if err != nil || string(k) != tc.key || s != tc.start {
			t.Errorf("window %q %d: got %q %d %v", tc.key, tc.start, k, s, err)
		}
		enc = SessionKey(nil, []byte(tc.key), tc.start, tc.start+5)
		k, s, e, err := DecodeSessionKey(enc)
		if err != nil || string(k) != tc.key || s != tc.start || e != tc.start+5 {
			t.Errorf("session %q %d: got %q %d %d %v", tc.key, tc.start, k, s, e, err)
		}
	}
	for _, bad := range []string{"", "\x00\x00\x00", "\x00\x00\x00\x05ab12345678", "\x00\x00\x00\x00123456789"} {
		if _, _, err := DecodeWindowKey([]byte(bad)); !errors.Is(err, rqlerr.StateKey) {
			t.Errorf("decode %q: %v", bad, err)
		}
	}
}

func TestWindowKeyOrder(t *testing.T) {
	// Each list is in the order the encoding must sort.
	windows := []struct {
		key   string
		start int64
	}{
		{"", 5},
		{"a", math.MinInt64}, {"a", -10}, {"a", -1}, {"a", 0}, {"a", 1}, {"a", 256}, {"a", math.MaxInt64},
		{"b", -5}, {"b", 3},
		{"aa", 0}, // longer keys sort after: length first
		{"ab", -100},
	}
	for i := 1; i < len(windows); i++ {
		p, c := windows[i-1], windows[i]
		if bytes.Compare(WindowKey(nil, []byte(p.key), p.start), WindowKey(nil, []byte(c.key), c.start)) >= 0 {
			t.Errorf("window (%q,%d) does not sort before (%q,%d)", p.key, p.start, c.key, c.start)
		}
	}
	sessions := []struct {
		key        string
		start, end int64
	}{
		{"a", 0, 10}, {"a", 5, 10}, {"a", -20, 11}, {"a", 11, 11}, {"a", 0, 100},
		{"b", -1, -1}, {"b", 0, 0},
	}
	for i := 1; i < len(sessions); i++ {
		p, c := sessions[i-1], sessions[i]
		if bytes.Compare(SessionKey(nil, []byte(p.key), p.start, p.end), SessionKey(nil, []byte(c.key), c.start, c.end)) >= 0 {
			t.Errorf("session %v does not sort before %v", p, c)
		}
	}
}

// TestWindowKeyOrderRandom: for random (key, start) pairs, byte order of
// the encodings equals (len(key), key, start) order, and a prefix never
// matches another key's windows.
func TestWindowKeyOrderRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	type w struct {
		key        []byte
		start, end int64
	}
	gen := func() w {
		k := make([]byte, r.IntN(4))
		for i := range k {
			k[i] = []byte{0, 1, 0x7f, 0x80, 0xff, 'a'}[r.IntN(6)]
		}
		ts := []int64{math.MinInt64, -1 << 40, -1, 0, 1, 255, 256, 1 << 40, math.MaxInt64}
		s := ts[r.IntN(len(ts))] + int64(r.IntN(3)) - 1
		return w{k, s, s + int64(r.IntN(1000))}
	}
	cmpW := func(a, b w) int {
		if len(a.key) != len(b.key) {
			return len(a.key) - len(b.key)
		}
		if c := bytes.Compare(a.key, b.key); c != 0 {
			return c
		}
		switch {
		case a.start < b.start:
			return -1
		case a.start > b.start:
			return 1
		}
		return 0
	}
	for i := 0; i < 20000; i++ {
		a, b := gen(), gen()
		want := cmpW(a, b)
		got := bytes.Compare(WindowKey(nil, a.key, a.start), WindowKey(nil, b.key, b.start))
		if sign(got) != sign(want) {
			t.Fatalf("window order of %v and %v: got %d want %d", a, b, got, want)
		}
		if !bytes.Equal(a.key, b.key) && bytes.HasPrefix(WindowKey(nil, a.key, a.start), WindowPrefix(nil, b.key)) {
			t.Fatalf("prefix of %q matches a window of %q", b.key, a.key)
		}
		// Sessions: (len, key, end, start).
		ws := want
		if ws == 0 || (bytes.Equal(a.key, b.key) && a.end != b.end) {
			ws = cmpInt(a.end, b.end)
			if ws == 0 {
				ws = cmpInt(a.start, b.start)
			}
		}
		got = bytes.Compare(SessionKey(nil, a.key, a.start, a.end), SessionKey(nil, b.key, b.start, b.end))
		if sign(got) != sign(ws) {
			t.Fatalf("session order of %v and %v: got %d want %d", a, b, got, ws)
		}
	}
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sign(x int) int { return cmpInt(int64(x), 0) }

// TestWindowsAndSessionsScan checks the helpers against a brute-force
// filter over random windows and sessions stored in RocksDB.
func TestWindowsAndSessionsScan(t *testing.T) {
	d := openTest(t)
	r := rand.New(rand.NewPCG(3, 4))
	keys := []string{"a", "b", "ab", ""}
	type win struct {
		key        string
		start, end int64
	}
	var wins, sess []win
	b := d.NewBatch()
	for i := 0; i < 400; i++ {
		k := keys[r.IntN(len(keys))]
		s := int64(r.IntN(200) - 50)
		w := win{k, s, s + int64(r.IntN(30))}
		if _, op := b.Get("w", WindowKey(nil, []byte(k), s)); op == OpNone {
			wins = append(wins, w)
		}
		b.Put("w", WindowKey(nil, []byte(k), s), []byte(fmt.Sprint(s)))
		if _, op := b.Get("s", SessionKey(nil, []byte(k), w.start, w.end)); op == OpNone {
			sess = append(sess, w)
		}
		b.Put("s", SessionKey(nil, []byte(k), w.start, w.end), nil)
	}
	if err := d.Commit(b, nil); err != nil {
		t.Fatal(err)
	}
	for q := 0; q < 200; q++ {
		k := keys[r.IntN(len(keys))]
		from := int64(r.IntN(260) - 80)
		to := from + int64(r.IntN(80))
		var want []int64
		for _, w := range wins {
			if w.key == k && w.start >= from && w.start < to {
				want = append(want, w.start)
			}
		}
		sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
		var got []int64
		it := d.Windows("w", []byte(k), from, to)
		for ; it.Valid(); it.Next() {
			gk, s, err := DecodeWindowKey(it.Key())
			if err != nil || string(gk) != k {
				t.Fatalf("windows of %q yielded %q %v", k, gk, err)
			}
			got = append(got, s)
		}
		it.Close()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("windows(%q, %d, %d) = %v, want %v", k, from, to, got, want)
		}

		minEnd, maxStart := from, to
		var wantS []win
		for _, w := range sess {
			if w.key == k && w.end >= minEnd && w.start <= maxStart {
				wantS = append(wantS, w)
			}
		}
		sort.Slice(wantS, func(i, j int) bool {
			if wantS[i].end != wantS[j].end {
				return wantS[i].end < wantS[j].end
			}
			return wantS[i].start < wantS[j].start
		})
		var gotS []win
		it = d.Sessions("s", []byte(k), minEnd, maxStart)
		for ; it.Valid(); it.Next() {
			gk, s, e, err := DecodeSessionKey(it.Key())
			if err != nil {
				t.Fatal(err)
			}
			gotS = append(gotS, win{string(gk), s, e})
		}
		it.Close()
		if fmt.Sprint(gotS) != fmt.Sprint(wantS) {
			t.Fatalf("sessions(%q, %d, %d) = %v, want %v", k, minEnd, maxStart, gotS, wantS)
		}
	}
	// Reverse gives the latest window first.
	lo, hi := WindowRange(nil, []byte("a"), math.MinInt64, math.MaxInt64)
	it := d.Reverse("w", lo, hi)
	defer it.Close()
	var prev int64 = math.MaxInt64
	for ; it.Valid(); it.Next() {
		_, s, _ := DecodeWindowKey(it.Key())
		if s >= prev {
			t.Fatalf("reverse windows out of order: %d after %d", s, prev)
		}
		prev = s
	}
}
