package fkjoin

import (
	"context"
	"strings"
	"testing"

	"github.com/rql/rql/exec"
)

// halves is a foreign-key join split in two operators over their own
// stores, as a distributed runtime runs it: messages wait in queues until
// the test delivers them.
type halves struct {
	left, right *opened
	subs, resps []Message
}

func openHalves(t *testing.T, query string) *halves {
	h := &halves{left: openJoin(t, query), right: openJoin(t, query)}
	h.left.j.SetTransport(&Transport{Side: LeftSide, Subscribe: func(fk, msg []byte, ts int64) error {
		h.subs = append(h.subs, Message{Key: fk, Value: msg, Timestamp: ts})
		return nil
	}})
	h.right.j.SetTransport(&Transport{Side: RightSide, Respond: func(pk, msg []byte, ts int64) error {
		h.resps = append(h.resps, Message{Key: pk, Value: msg, Timestamp: ts})
		return nil
	}})
	return h
}

// deliver hands the first n queued subscriptions to the right half, then
// the first m queued responses to the left half.
func (h *halves) deliverSubs(t *testing.T, n int) {
	t.Helper()
	if err := h.right.j.Subscriptions(h.subs[:n]); err != nil {
		t.Fatal(err)
	}
	h.subs = h.subs[n:]
}

func (h *halves) deliverResps(t *testing.T, n int) {
	t.Helper()
	err := h.left.j.Responses(context.Background(), h.resps[:n], exec.CollectFunc(func(_ context.Context, b *exec.Batch) error {
		h.left.out = append(h.left.out, b.Rows...)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	h.resps = h.resps[n:]
}

// TestTransportDeleteRecreateRace: an inner join's left row is deleted and
// created again under a foreign key with no right row before the
// deletion's retraction comes back. The late retraction is stale (the row
// exists again), so the new row's subscription must retract the old
// result itself: the final output is a tombstone.
func TestTransportDeleteRecreateRace(t *testing.T) {
	h := openHalves(t, `CREATE TABLE PV AS SELECT P.ID, N, NAME FROM P JOIN M ON P.M = M.ID;`)
	h.right.merchant(t, "m1", "A", 1)
	h.left.product(t, "p1", "m1", 1, 2)
	h.deliverSubs(t, 1)
	h.deliverResps(t, 1)
	if got := strings.Join(h.left.take(), "; "); got != "p1 {1 A} @2" {
		t.Fatalf("join: got %q", got)
	}
	h.left.product(t, "p1", "", -1, 3)  // delete: DeleteAndPropagate to m1
	h.left.product(t, "p1", "m2", 2, 4) // created again, m2 has no row
	if len(h.subs) != 2 {
		t.Fatalf("%d subscriptions queued, want 2", len(h.subs))
	}
	h.deliverSubs(t, 2)
	if len(h.resps) != 2 {
		t.Fatalf("%d responses queued, want 2 (the new row must be answered without a right row)", len(h.resps))
	}
	h.deliverResps(t, 2)
	if got := strings.Join(h.left.take(), "; "); got != "p1 <tombstone> @4" {
		t.Errorf("after delete and re-create: got %q, want the old result retracted once", got)
	}
	if h.left.j.StaleResponses() != 1 {
		t.Errorf("%d stale responses, want 1 (the deletion's)", h.left.j.StaleResponses())
	}
	// A plain deletion: its retraction removes the marker.
	h.left.product(t, "p1", "", -1, 5)
	h.deliverSubs(t, len(h.subs))
	h.deliverResps(t, len(h.resps))
	h.left.take()
	if _, pending, err := h.left.j.loadLeft(mustPK(t, h, "p1")); err != nil || pending {
		t.Errorf("deletion marker left behind (pending %v, err %v)", pending, err)
	}
}

func mustPK(t *testing.T, h *halves, id string) []byte {
	pk, err := exec.EncodeKey(nil, id)
	if err != nil {
		t.Fatal(err)
	}
	return pk
}
