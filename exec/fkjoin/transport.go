package fkjoin

import (
	"context"
	"encoding/binary"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/state"
)

// Sides of a distributed foreign-key join (Transport.Side).
const (
	// LeftSide is sub-topology 1: it reads the left table and the response
	// topic, sends subscriptions and emits the join's result.
	LeftSide = 0
	// RightSide is sub-topology 2: it reads the right table and the
	// subscription topic and sends responses.
	RightSide = 1
)

// Transport puts the join's two internal topics between its halves, for
// a runtime that runs each half in its own sub-topology (the Kafka
// engine). Without one (the driver) both halves run in one operator and
// messages are direct calls.
//
// Messages are opaque bytes: a subscription is keyed by the encoded
// foreign key (exec.EncodeKey of its value), a response by the encoded
// left primary key (exec.EncodeKey of its columns); the runtime decodes the
// key to choose the partition (co-partitioned with the right table for
// subscriptions, with the left table for responses), writes the message to
// the topic with timestamp ts, and hands what it consumes back to
// Subscriptions (right side) or Responses (left side), in order.
//
// With a transport, an inner join retracts the result of a left row that
// is deleted or gets a NULL foreign key on the left side at once, and
// only unsubscribes (DeleteNoPropagate): an answer to DeleteAndPropagate
// could arrive after a later change of the row made it stale.
type Transport struct {
	// Side is LeftSide or RightSide: which half this operator runs. A
	// half writes, and declares (Tables), only its own stores: the left
	// the left rows, the right the right rows and the subscriptions.
	Side int
	// Subscribe sends a subscription (left side).
	Subscribe func(fk, msg []byte, ts int64) error
	// Respond sends a response (right side).
	Respond func(pk, msg []byte, ts int64) error
}

// Message is one consumed subscription or response.
type Message struct {
	Key, Value []byte
	Timestamp  int64
}

// SetTransport makes j one half of a distributed join (see Transport).
// Call it before the first Process.
func (j *Join) SetTransport(t *Transport) { j.tr = t }

// Plan returns the plan node the operator runs.
func (j *Join) Plan() *planner.Join { return j.n }

// sideTables are the stores the operator's half writes.
func (j *Join) sideTables() []state.TableSpec {
	all := []state.TableSpec{{Name: exec.StateName(j.env, j.n.LeftStore, j)},
		{Name: exec.StateName(j.env, j.n.RightStore, j)}, {Name: exec.StateName(j.env, j.n.SubscriptionStore, j)}}
	switch {
	case j.tr == nil:
		return all
	case j.tr.Side == LeftSide:
		return all[:1]
	}
	return all[1:]
}

// Subscriptions is the right side's processor of the subscription topic:
// it stores each subscription and answers it (through Transport.Respond).
func (j *Join) Subscriptions(msgs []Message) error {
	if j.tr == nil || j.tr.Side != RightSide {
		return rqlerr.Bug("fkjoin: subscriptions delivered to a join that is not the right side")
	}
	for _, m := range msgs {
		s, err := decodeSubscription(m)
		if err != nil {
			return err
		}
		j.batch = j.db.NewBatch()
		if err := j.receiveSubscription(s); err != nil {
			return err
		}
		if err := j.db.Commit(j.batch, nil); err != nil {
			return err
		}
	}
	j.batch = nil
	return nil
}

// Responses is the left side's processor of the response topic: it drops
// stale responses and pushes the joined rows (or tombstones) to out.
func (j *Join) Responses(ctx context.Context, msgs []Message, out exec.Collector) error {
	if j.tr == nil || j.tr.Side != LeftSide {
		return rqlerr.Bug("fkjoin: responses delivered to a join that is not the left side")
	}
	j.out.Rows = j.out.Rows[:0]
	j.batch = j.db.NewBatch()
	for _, m := range msgs {
		rs, err := decodeResponse(m)
		if err != nil {
			return err
		}
		if err := j.resolve(rs); err != nil {
			return err
		}
	}
	if err := j.db.Commit(j.batch, nil); err != nil { // resolve may drop a deletion marker
		return err
	}
	j.batch = nil
	if len(j.out.Rows) == 0 {
		return nil
	}
	return out.Collect(ctx, &j.out)
}

// Message layouts (version 2; version 1, without the origin, is still
// read):
//
//	subscription value: 2 ‖ instruction ‖ hasHash ‖ [hash 16] ‖ origin ‖ left pk
//	response value:     2 ‖ hasHash ‖ [hash 16] ‖ origin ‖ hasRight ‖ [exec.EncodeRow(right)]
//	origin:             partition 4 ‖ offset 8 ‖ seq 4 ‖ len(topic) 2 ‖ topic
//
// (version 1: the same without the origin). The subscription's key is the
// encoded foreign key, the response's the encoded left primary key; the
// record timestamp is the message's time; integers are big-endian.
const (
	msgVersion1 = 1
	msgVersion  = 2
)

func appendOrigin(dst []byte, o origin) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(o.part))
	dst = binary.BigEndian.AppendUint64(dst, uint64(o.off))
	dst = binary.BigEndian.AppendUint32(dst, uint32(o.seq))
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(o.topic)))
	return append(dst, o.topic...)
}

func readOrigin(p []byte) (origin, []byte, bool) {
	if len(p) < 18 {
		return origin{}, nil, false
	}
	n := int(binary.BigEndian.Uint16(p[16:]))
	if len(p) < 18+n {
		return origin{}, nil, false
	}
	return origin{part: int32(binary.BigEndian.Uint32(p)), off: int64(binary.BigEndian.Uint64(p[4:])),
		seq: int32(binary.BigEndian.Uint32(p[12:])), topic: string(p[18 : 18+n]), set: true}, p[18+n:], true
}

func appendHash(dst []byte, h *Hash) []byte {
	if h == nil {
		return append(dst, 0)
	}
	return append(append(dst, 1), h[:]...)
}

func readHash(p []byte) (*Hash, []byte, bool) {
	if len(p) < 1 {
		return nil, nil, false
	}
	if p[0] == 0 {
		return nil, p[1:], true
	}
	if len(p) < 17 {
		return nil, nil, false
	}
	var h Hash
	copy(h[:], p[1:17])
	return &h, p[17:], true
}

func encodeSubscription(s subscription) []byte {
	v := []byte{msgVersion, byte(s.instr)}
	v = appendHash(v, s.hash)
	v = appendOrigin(v, s.origin)
	return append(v, s.pk...)
}

func decodeSubscription(m Message) (subscription, error) {
	p := m.Value
	bad := rqlerr.New(rqlerr.FormatDeserialize, "fkjoin: malformed subscription message")
	if len(p) < 3 || (p[0] != msgVersion && p[0] != msgVersion1) || p[1] > byte(PropagateOnlyIfValue) {
		return subscription{}, bad
	}
	instr := Instruction(p[1])
	h, rest, ok := readHash(p[2:])
	if !ok {
		return subscription{}, bad
	}
	var o origin
	if p[0] == msgVersion {
		if o, rest, ok = readOrigin(rest); !ok {
			return subscription{}, bad
		}
	}
	return subscription{fk: m.Key, pk: append([]byte(nil), rest...), hash: h, instr: instr, ts: m.Timestamp, origin: o}, nil
}

func encodeResponse(r response) ([]byte, error) {
	v := appendHash([]byte{msgVersion}, r.hash)
	v = appendOrigin(v, r.origin)
	if r.right == nil {
		return append(v, 0), nil
	}
	return exec.EncodeRow(append(v, 1), r.right)
}

func decodeResponse(m Message) (response, error) {
	p := m.Value
	bad := rqlerr.New(rqlerr.FormatDeserialize, "fkjoin: malformed response message")
	if len(p) < 3 || (p[0] != msgVersion && p[0] != msgVersion1) {
		return response{}, bad
	}
	h, rest, ok := readHash(p[1:])
	if !ok {
		return response{}, bad
	}
	var o origin
	if p[0] == msgVersion {
		if o, rest, ok = readOrigin(rest); !ok {
			return response{}, bad
		}
	}
	if len(rest) < 1 {
		return response{}, bad
	}
	rs := response{pk: append([]byte(nil), m.Key...), hash: h, ts: m.Timestamp, origin: o}
	if rest[0] == 1 {
		row, err := exec.DecodeRow(rest[1:])
		if err != nil {
			return response{}, err
		}
		rs.right = row
	}
	return rs, nil
}

// sendSubscription delivers a subscription to the right side: directly in
// process, else through the transport.
func (j *Join) sendSubscription(s subscription) error {
	if j.tr == nil {
		return j.receiveSubscription(s)
	}
	return j.tr.Subscribe(s.fk, encodeSubscription(s), s.ts)
}

// respond delivers a response to the left side: directly in process, else
// through the transport.
func (j *Join) respond(r response) error {
	if j.tr == nil {
		return j.resolve(r)
	}
	msg, err := encodeResponse(r)
	if err != nil {
		return err
	}
	return j.tr.Respond(r.pk, msg, r.ts)
}
