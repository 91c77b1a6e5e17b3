package fkjoin

import (
	"reflect"
	"testing"

	"github.com/rql/rql/exec"
)

const (
	innerQuery = `CREATE TABLE O AS SELECT P.ID, N, NAME FROM P JOIN M ON P.M = M.ID;`
	leftQuery  = `CREATE TABLE O AS SELECT P.ID, N, NAME FROM P LEFT JOIN M ON P.M = M.ID;`
)

// step is one input and what must follow: the output rows and the
// subscription store afterwards.
type step struct {
	what      string
	left      bool // a product (else a merchant)
	id, fk    string
	n         int32 // product: N (< 0: tombstone)
	name      string
	ts        int64
	out       []string
	subs      string
	nullFKs   int64
	processLg int
}

// TestInstructions walks every instruction of the algorithm for inner and
// left joins and checks, after each input, the rows emitted and the
// subscription store (fk→pk:instruction of the stored subscription).
func TestInstructions(t *testing.T) {
	tests := []struct {
		name  string
		query string
		steps []step
	}{
		{"inner", innerQuery, []step{
			{what: "insert without right row: PROPAGATE_ONLY_IF answers nothing", left: true, id: "p1", fk: "m1", n: 1, ts: 10,
				subs: "m1→p1:PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE"},
			{what: "right insert answers the subscriber at the right row's time", id: "m1", name: "one", ts: 20,
				out: []string{"p1 {1 one} @20"}, subs: "m1→p1:PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE"},
			{what: "insert with right row: joined at the larger time", left: true, id: "p2", fk: "m1", n: 2, ts: 15,
				out:  []string{"p2 {2 one} @20"},
				subs: "m1→p1:PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE m1→p2:PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE"},
			{what: "update, same foreign key: PROPAGATE_NULL_IF", left: true, id: "p1", fk: "m1", n: 11, ts: 30,
				out:  []string{"p1 {11 one} @30"},
				subs: "m1→p1:PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE m1→p2:PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE"},
			{what: "right update fans out to every subscriber", id: "m1", name: "uno", ts: 40,
				out:  []string{"p1 {11 uno} @40", "p2 {2 uno} @40"},
				subs: "m1→p1:PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE m1→p2:PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE"},
			{what: "foreign key change to a missing row: DELETE_KEY_NO_PROPAGATE to m1, the answer from m2 retracts", left: true, id: "p1", fk: "m2", n: 11, ts: 50,
				out:  []string{"p1 <tombstone> @50"},
				subs: "m1→p2:PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE m2→p1:PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE"},
			{what: "the old right row no longer answers p1", id: "m1", name: "one again", ts: 60,
				out:  []string{"p2 {2 one again} @60"},
				subs: "m1→p2:PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE m2→p1:PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE"},
			{what: "the new right row answers p1", id: "m2", name: "two", ts: 70,
				out:  []string{"p1 {11 two} @70"},
				subs: "m1→p2:PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE m2→p1:PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE"},
			{what: "foreign key becomes NULL: DELETE_KEY_AND_PROPAGATE retracts, skipped and counted", left: true, id: "p1", n: 12, ts: 80,
				out:  []string{"p1 <tombstone> @80"},
				subs: "m1→p2:PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE", nullFKs: 1, processLg: 1},
			{what: "new row with NULL foreign key: nothing, skipped and counted", left: true, id: "p3", n: 3, ts: 85,
				subs: "m1→p2:PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE", nullFKs: 2, processLg: 2},
			{what: "right delete retracts every subscriber", id: "m1", ts: 90,
				out: []string{"p2 <tombstone> @90"}, subs: "m1→p2:PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE", nullFKs: 2, processLg: 2},
			{what: "left delete: DELETE_KEY_AND_PROPAGATE answers a tombstone", left: true, id: "p2", n: -1, ts: 95,
				out: []string{"p2 <tombstone> @95"}, nullFKs: 2, processLg: 2},
			{what: "deleting a row that never was: nothing", left: true, id: "p9", n: -1, ts: 96, nullFKs: 2, processLg: 2},
		}},
		{"left", leftQuery, []step{
			{what: "insert without right row: NULLs", left: true, id: "p1", fk: "m1", n: 1, ts: 10,
				out: []string{"p1 {1 <nil>} @10"}, subs: "m1→p1:PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE"},
			{what: "right insert answers", id: "m1", name: "one", ts: 20,
				out: []string{"p1 {1 one} @20"}, subs: "m1→p1:PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE"},
			{what: "NULL foreign key: NULLs at once, counted, not logged", left: true, id: "p2", n: 2, ts: 25,
				out: []string{"p2 {2 <nil>} @25"}, subs: "m1→p1:PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE", nullFKs: 1},
			{what: "NULL foreign key becomes m1: subscribes", left: true, id: "p2", fk: "m1", n: 2, ts: 26,
				out:  []string{"p2 {2 one} @26"},
				subs: "m1→p1:PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE m1→p2:PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE", nullFKs: 1},
			{what: "foreign key change: NULLs from the missing m2", left: true, id: "p1", fk: "m2", n: 1, ts: 30,
				out:  []string{"p1 {1 <nil>} @30"},
				subs: "m1→p2:PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE m2→p1:PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE", nullFKs: 1},
			{what: "right delete: NULLs for its subscriber", id: "m1", ts: 40,
				out: []string{"p2 {2 <nil>} @40"}, subs: "m1→p2:PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE m2→p1:PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE", nullFKs: 1},
			{what: "foreign key becomes NULL: unsubscribes, NULLs", left: true, id: "p2", n: 3, ts: 50,
				out: []string{"p2 {3 <nil>} @50"}, subs: "m2→p1:PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE", nullFKs: 2},
			{what: "left delete: unsubscribes, tombstone", left: true, id: "p1", n: -1, ts: 60,
				out: []string{"p1 <tombstone> @60"}, nullFKs: 2},
			{what: "delete of a row with a NULL foreign key: tombstone", left: true, id: "p2", n: -1, ts: 70,
				out: []string{"p2 <tombstone> @70"}, nullFKs: 2},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := openJoin(t, tt.query)
			for _, s := range tt.steps {
				if s.left {
					o.product(t, s.id, s.fk, s.n, s.ts)
				} else {
					o.merchant(t, s.id, s.name, s.ts)
				}
				if got := o.take(); !reflect.DeepEqual(got, s.out) {
					t.Errorf("%s: output %q, want %q", s.what, got, s.out)
				}
				if got := o.subscriptions(t); got != s.subs {
					t.Errorf("%s: subscriptions %q, want %q", s.what, got, s.subs)
				}
				if got := o.j.NullForeignKeys(); got != s.nullFKs {
					t.Errorf("%s: NullForeignKeys %d, want %d", s.what, got, s.nullFKs)
				}
				if len(o.logs) != s.processLg {
					t.Errorf("%s: %d processing-log entries, want %d: %v", s.what, len(o.logs), s.processLg, o.logs)
				}
			}
			if o.j.StaleResponses() != 0 {
				t.Errorf("in-process hops are synchronous: %d stale responses", o.j.StaleResponses())
			}
		})
	}
}

// TestStaleResponse delivers responses out of band, as a distributed
// runtime may: an answer from the old merchant that arrives after the
// product moved to another one is dropped (the KIP-213 race), while an
// answer carrying the current hash is joined.
func TestStaleResponse(t *testing.T) {
	for _, query := range []string{innerQuery, leftQuery} {
		o := openJoin(t, query)
		o.merchant(t, "m1", "one", 1)
		o.merchant(t, "m2", "two", 2)
		o.product(t, "p1", "m1", 1, 10)
		o.take()
		pk, err := exec.EncodeKey(nil, "p1")
		if err != nil {
			t.Fatal(err)
		}
		// The answer m1 sent for the first version of p1, still in flight.
		m1 := row(o.j.n.Right, 1, false, map[string]any{"ID": "m1", "NAME": "one"})
		inFlight := o.response(t, pk, &m1, 10)
		// p1 moves to m2; m2's answer arrives at once.
		o.product(t, "p1", "m2", 1, 20)
		if got, want := o.take(), []string{"p1 {1 two} @20"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("after the move: %q, want %q", got, want)
		}
		// Then the old answer arrives: its hash is not p1's any more.
		o.deliver(t, inFlight)
		if got := o.take(); len(got) != 0 || o.j.StaleResponses() != 1 {
			t.Errorf("stale response emitted %q (stale count %d)", got, o.j.StaleResponses())
		}
		// An answer carrying the current hash is joined.
		m2 := row(o.j.n.Right, 2, false, map[string]any{"ID": "m2", "NAME": "two"})
		o.deliver(t, o.response(t, pk, &m2, 21))
		if got, want := o.take(), []string{"p1 {1 two} @21"}; !reflect.DeepEqual(got, want) {
			t.Errorf("current response: %q, want %q", got, want)
		}
		// An answer for a deleted row (no hash) is stale once it is back.
		gone := response{pk: pk, right: &m2, ts: 22}
		o.product(t, "p1", "m2", 2, 30)
		o.take()
		o.deliver(t, gone)
		if got := o.take(); len(got) != 0 || o.j.StaleResponses() != 2 {
			t.Errorf("answer to a delete after re-insert emitted %q (stale count %d)", got, o.j.StaleResponses())
		}
	}
}

// response is the answer the right side would send now for the current
// version of left row pk.
func (o *opened) response(t *testing.T, pk []byte, right *exec.Row, ts int64) response {
	t.Helper()
	cur, err := o.j.load(o.j.leftT, pk)
	if err != nil || cur == nil {
		t.Fatalf("left row: %v %v", cur, err)
	}
	h, err := hashOf(cur)
	if err != nil {
		t.Fatal(err)
	}
	return response{pk: pk, hash: h, right: right, ts: ts}
}

// deliver hands a response to the left side's response processor, as the
// consumer of the response topic does.
func (o *opened) deliver(t *testing.T, rs response) {
	t.Helper()
	o.j.batch = o.db.NewBatch()
	o.j.out.Rows = o.j.out.Rows[:0]
	if err := o.j.resolve(rs); err != nil {
		t.Fatal(err)
	}
	if err := o.db.Commit(o.j.batch, nil); err != nil {
		t.Fatal(err)
	}
	o.out = append(o.out, o.j.out.Rows...)
}
