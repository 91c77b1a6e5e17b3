package fkjoin

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/sqltypes"
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

// TestTransportRetractions: in an inner join run as two halves, a left
// row deleted, or set to a NULL foreign key, is retracted by the left half
// at once (not by an answer of the right half, which could come back after
// later changes made it stale and so never retract anything). Cases: a
// deletion followed by a re-creation under a foreign key with no right
// row, and a NULL foreign key followed by a deletion, both before any
// answer comes back.
func TestTransportRetractions(t *testing.T) {
	h := openHalves(t, `CREATE TABLE PV AS SELECT P.ID, N, NAME FROM P JOIN M ON P.M = M.ID;`)
	h.right.merchant(t, "m1", "A", 1)
	h.left.product(t, "p1", "m1", 1, 2)
	h.left.product(t, "p2", "m1", 1, 2)
	h.deliverSubs(t, 2)
	h.deliverResps(t, 2)
	if got := strings.Join(h.left.take(), "; "); got != "p1 {1 A} @2; p2 {1 A} @2" {
		t.Fatalf("join: got %q", got)
	}
	h.left.product(t, "p1", "", -1, 3)  // delete
	h.left.product(t, "p1", "m2", 2, 4) // created again, m2 has no row
	h.left.product(t, "p2", "", 2, 5)   // NULL foreign key
	h.left.product(t, "p2", "", -1, 6)  // then deleted
	if got := strings.Join(h.left.take(), "; "); got != "p1 <tombstone> @3; p2 <tombstone> @5" {
		t.Errorf("retractions: got %q", got)
	}
	h.right.merchant(t, "m1", "B", 7) // answers nobody: both unsubscribed
	h.deliverSubs(t, len(h.subs))
	h.deliverResps(t, len(h.resps))
	if got := strings.Join(h.left.take(), "; "); got != "" {
		t.Errorf("after the answers: got %q, want nothing", got)
	}
	if subs := h.right.subscriptions(t); subs != "m2→p1:PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE" {
		t.Errorf("subscriptions %q", subs)
	}
}

// Joined rows name the record whose change produced them (Topic,
// Partition, Offset, and Seq among the rows of that record): a left row's
// own change, or the right change that re-emitted it — in process and
// through the two halves' messages alike — so that successive results of
// one left row are told apart (enrichment idempotency keys).
func TestRowsNameTheirOrigin(t *testing.T) {
	const query = `CREATE TABLE PV AS SELECT P.ID, N, NAME FROM P JOIN M ON P.M = M.ID;`
	at := func(r exec.Row, topic string, off int64) exec.Row {
		r.Topic, r.Partition, r.Offset = topic, 0, off
		return r
	}
	origins := func(rows []exec.Row) string {
		var s []string
		for _, r := range rows {
			s = append(s, fmt.Sprintf("%v<-%s/%d/%d/%d", r.Vals[0], r.Topic, r.Partition, r.Offset, r.Seq))
		}
		return strings.Join(s, " ")
	}
	want := "p1<-p/0/0/0 p2<-p/0/1/0 p1<-m/0/1/0 p2<-m/0/1/1"
	t.Run("in process", func(t *testing.T) {
		o := openJoin(t, query)
		o.push(t, 1, at(row(o.j.n.Right, 1, false, map[string]sqltypes.Value{"ID": "m1", "NAME": "A"}), "m", 0))
		o.push(t, 0, at(row(o.j.n.Left, 2, false, map[string]sqltypes.Value{"ID": "p1", "M": "m1", "N": int32(1)}), "p", 0))
		o.push(t, 0, at(row(o.j.n.Left, 3, false, map[string]sqltypes.Value{"ID": "p2", "M": "m1", "N": int32(2)}), "p", 1))
		o.push(t, 1, at(row(o.j.n.Right, 4, false, map[string]sqltypes.Value{"ID": "m1", "NAME": "B"}), "m", 1))
		if got := origins(o.out); got != want {
			t.Fatalf("origins %s, want %s", got, want)
		}
	})
	t.Run("two halves", func(t *testing.T) {
		h := openHalves(t, query)
		h.right.push(t, 1, at(row(h.right.j.n.Right, 1, false, map[string]sqltypes.Value{"ID": "m1", "NAME": "A"}), "m", 0))
		h.left.push(t, 0, at(row(h.left.j.n.Left, 2, false, map[string]sqltypes.Value{"ID": "p1", "M": "m1", "N": int32(1)}), "p", 0))
		h.left.push(t, 0, at(row(h.left.j.n.Left, 3, false, map[string]sqltypes.Value{"ID": "p2", "M": "m1", "N": int32(2)}), "p", 1))
		h.deliverSubs(t, 2)
		h.deliverResps(t, 2)
		h.right.push(t, 1, at(row(h.right.j.n.Right, 4, false, map[string]sqltypes.Value{"ID": "m1", "NAME": "B"}), "m", 1))
		h.deliverResps(t, 2)
		if got := origins(h.left.out); got != want {
			t.Fatalf("origins %s, want %s", got, want)
		}
	})
}

// Messages of version 1 (no origin), left in the internal topics by an
// earlier version, are still read.
func TestVersion1MessagesStillRead(t *testing.T) {
	s, err := decodeSubscription(Message{Key: []byte("fk"), Value: []byte{msgVersion1, byte(PropagateOnlyIfValue), 0, 'p', 'k'}})
	if err != nil || string(s.pk) != "pk" || s.instr != PropagateOnlyIfValue || s.origin.set {
		t.Fatalf("v1 subscription: %+v, %v", s, err)
	}
	r, err := decodeResponse(Message{Key: []byte("pk"), Value: []byte{msgVersion1, 0, 0}})
	if err != nil || string(r.pk) != "pk" || r.right != nil || r.origin.set {
		t.Fatalf("v1 response: %+v, %v", r, err)
	}
	if _, err := decodeResponse(Message{Key: []byte("pk"), Value: []byte{msgVersion, 0, 0}}); err == nil {
		t.Fatal("a v2 response without its origin was read")
	}
}
