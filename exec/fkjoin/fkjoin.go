package fkjoin

import (
	"bytes"
	"context"
	"encoding/binary"
	"sync/atomic"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/state"
)

// Instruction tells the right side what to do with a subscription
// (Kafka Streams' SubscriptionWrapper.Instruction).
type Instruction byte

const (
	// DeleteNoPropagate removes the subscription and answers nothing: the
	// left row moved to another foreign key, whose answer will follow.
	DeleteNoPropagate Instruction = iota
	// DeleteAndPropagate removes the subscription and answers with no
	// right value: the left row is gone (a tombstone results).
	DeleteAndPropagate
	// PropagateNullIfNoValue stores the subscription and answers with the
	// right row, or with no value when there is none (left joins; inner
	// joins whose foreign key changed, to retract the previous result).
	PropagateNullIfNoValue
	// PropagateOnlyIfValue stores the subscription and answers only when
	// the right row exists (a new left row of an inner join).
	PropagateOnlyIfValue
)

var instructionNames = [...]string{"DELETE_KEY_NO_PROPAGATE", "DELETE_KEY_AND_PROPAGATE",
	"PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE", "PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE"}

func (i Instruction) String() string { return instructionNames[i] }

// subscription is a message of the subscription topic: keyed by the
// foreign key, it carries the left primary key, the hash of the left value
// it was sent for (nil for a deleted row) and the instruction.
type subscription struct {
	fk     []byte
	pk     []byte
	hash   *Hash
	instr  Instruction
	ts     int64
	origin origin
}

// response is a message of the response topic: keyed by the left primary
// key, it carries the hash it answers and the right row (nil: none).
type response struct {
	pk     []byte
	hash   *Hash
	right  *exec.Row
	ts     int64
	origin origin
}

// origin names the input record whose change a message answers — the
// left record for a subscription and its answer, the right record for the
// answers to a right change — and the message's place among those of that
// record (seq). The joined row of a response takes it as its Topic,
// Partition, Offset and Seq, so that rows re-emitted by successive changes
// are told apart (enrichment idempotency keys, processing log). set is
// false for messages of version 1, which carry none.
type origin struct {
	topic string
	part  int32
	off   int64
	seq   int32
	set   bool
}

// Join is the foreign-key table-table join operator (planner.Join of kind
// JoinForeignKey): the subscription / response algorithm of KIP-213.
//
// Input 0 is the left table (it holds the foreign key), input 1 the right
// table. State (names from the plan):
//
//	LeftStore          left pk               → left row
//	RightStore         foreign key           → right row
//	SubscriptionStore  len32(fk) ‖ fk ‖ pk   → hash ‖ instruction
//
// A left change sends subscriptions keyed by the foreign key (an
// unsubscribe to the old key when it changed); the right side stores them
// and answers with the right row; a right change prefix-scans the
// subscriptions of its key and answers each subscriber. Back on the left,
// an answer whose hash differs from the current left row's is stale and
// dropped; otherwise the joined row (or a tombstone) is emitted, keyed by
// the left primary key. Times follow Kafka Streams: an answer to a
// subscription carries the larger of the left and right rows' times, an
// answer to a right change the right row's time.
//
// A left row of an inner join whose foreign key is NULL joins nothing: it
// is skipped with a processing-log entry ("Skipping record due to null
// foreign key", Kafka Streams' warning, counted in its dropped-records
// metric) and counted (NullForeignKeys).
//
// In process the two internal topics are direct hops: messages are handled
// in the order they are sent, within the Process call that sent them. A
// distributed runtime runs each half in its own sub-topology and puts
// SubscriptionTopic between sendSubscription and receiveSubscription and
// ResponseTopic between respond and resolve (SetTransport).
type Join struct {
	n      *planner.Join
	env    *exec.Env
	fk     *exec.Evaluator
	layout exec.JoinLayout
	leftPK []int
	left   bool // LEFT JOIN (else INNER)

	db                     state.Store
	batch                  *state.Batch
	leftT, rightT, subT    string
	out                    exec.Batch
	stale, nullFK, dropped atomic.Int64
	// tr, when set, carries the internal topics (see Transport).
	tr *Transport
}

var _ exec.Operator = (*Join)(nil)

// New compiles n's foreign-key expression.
func New(n *planner.Join, props map[string]string) (*Join, error) {
	if n.Kind != planner.JoinForeignKey {
		return nil, rqlerr.Bug("fkjoin: not a foreign-key join")
	}
	fk, err := exec.Compile(n.LeftKey, props)
	if err != nil {
		return nil, err
	}
	return &Join{n: n, fk: fk, layout: exec.NewJoinLayout(n), leftPK: n.Left.Props().Key,
		left: n.Type == parser.JoinLeft}, nil
}

// Tables declares the three stores (a half of a distributed join: its
// own; see Transport).
func (j *Join) Tables() []state.TableSpec { return j.sideTables() }

// StaleResponses counts responses dropped because the left row changed
// after their subscription was sent.
func (j *Join) StaleResponses() int64 { return j.stale.Load() }

// NullForeignKeys counts left rows whose foreign key was NULL (an inner
// join drops them; a left join emits them with NULLs).
func (j *Join) NullForeignKeys() int64 { return j.nullFK.Load() }

// Init opens the state.
func (j *Join) Init(_ context.Context, env *exec.Env) error {
	if env == nil || env.State == nil {
		return rqlerr.Bug("foreign-key join without a state store")
	}
	j.env, j.db = env, env.State
	j.leftT = exec.StateName(env, j.n.LeftStore, j)
	j.rightT = exec.StateName(env, j.n.RightStore, j)
	j.subT = exec.StateName(env, j.n.SubscriptionStore, j)
	return nil
}

// Process handles a batch of left (0) or right (1) table changes. Each row
// is committed before the next (prefix scans read committed state).
func (j *Join) Process(ctx context.Context, input int, b *exec.Batch, out exec.Collector) error {
	j.out.Rows = j.out.Rows[:0]
	for i := range b.Rows {
		j.batch = j.db.NewBatch()
		var err error
		if input == 0 {
			err = j.leftChange(&b.Rows[i])
		} else {
			err = j.rightChange(&b.Rows[i])
		}
		if err != nil {
			return err
		}
		if err := j.db.Commit(j.batch, nil); err != nil {
			return err
		}
	}
	j.batch = nil
	if len(j.out.Rows) == 0 {
		return nil
	}
	return out.Collect(ctx, &j.out)
}

// OnWatermark forwards the watermark.
func (j *Join) OnWatermark(ctx context.Context, wm exec.Watermark, out exec.Collector) error {
	return out.EmitWatermark(ctx, wm)
}

// Flush has nothing to do: every Process call commits.
func (j *Join) Flush(context.Context) error { return nil }

// Close drops a transient query's state.
func (j *Join) Close(context.Context) error {
	if j.db != nil && j.env != nil && (j.env.Transient || j.env.QueryID == "") {
		exec.DropTables(j.db, j.leftT, j.rightT, j.subT)
	}
	j.db = nil
	return nil
}

// load reads a remembered row through the pending batch (nil: absent).
func (j *Join) load(table string, key []byte) (*exec.Row, error) {
	v, ok, err := j.db.GetThrough(j.batch, table, key, nil)
	if err != nil || !ok {
		return nil, err
	}
	return exec.DecodeRow(v)
}

func (j *Join) put(table string, key []byte, r *exec.Row) error {
	v, err := exec.EncodeRow(nil, r)
	if err != nil {
		return err
	}
	j.batch.Put(table, key, v)
	return nil
}

// hashOf hashes a left row's values (nil for no row).
func hashOf(r *exec.Row) (*Hash, error) {
	if r == nil {
		return nil, nil
	}
	enc, err := exec.EncodeKey(nil, r.Vals...)
	if err != nil {
		return nil, err
	}
	h := murmur3(enc)
	return &h, nil
}

// foreignKey evaluates and encodes the foreign key of a left row (nil for
// no row or a NULL key).
func (j *Join) foreignKey(r *exec.Row) []byte {
	if r == nil {
		return nil
	}
	v, err := j.fk.Eval(r)
	if err != nil {
		j.env.LogRow(r, "Error computing foreign key "+j.fk.Expr.String()+": "+err.Error())
		return nil
	}
	if v == nil {
		return nil
	}
	enc, err := exec.EncodeKey(nil, v)
	if err != nil {
		return nil
	}
	return enc
}

// primaryKey encodes a left row's primary key columns.
func (j *Join) primaryKey(r *exec.Row) ([]byte, error) {
	vals := make([]sqltypes.Value, len(j.leftPK))
	for i, k := range j.leftPK {
		vals[i] = r.Vals[k]
	}
	return exec.EncodeKey(nil, vals...)
}

// leftChange is the left side's subscription sender.
func (j *Join) leftChange(r *exec.Row) error {
	pk, err := j.primaryKey(r)
	if err != nil {
		return err
	}
	old, err := j.load(j.leftT, pk)
	if err != nil {
		return err
	}
	var cur *exec.Row
	if r.NullValue {
		if old == nil {
			return nil // deleting a row that never was
		}
		j.batch.Delete(j.leftT, pk)
	} else {
		cur = r
		if err := j.put(j.leftT, pk, r); err != nil {
			return err
		}
	}
	hash, err := hashOf(cur)
	if err != nil {
		return err
	}
	oldFK, newFK := j.foreignKey(old), j.foreignKey(cur)
	if cur != nil && newFK == nil {
		j.nullFK.Add(1)
		if !j.left {
			j.env.LogRow(r, "Skipping record due to null foreign key ("+j.fk.Expr.String()+")")
		}
	}
	var seq int32
	next := func() origin { // one per message this change may be answered by
		o := origin{topic: r.Topic, part: r.Partition, off: r.Offset, seq: seq, set: true}
		seq++
		return o
	}
	send := func(fk []byte, instr Instruction) error {
		return j.sendSubscription(subscription{fk: fk, pk: pk, hash: hash, instr: instr, ts: r.Rowtime, origin: next()})
	}
	if oldFK != nil && !bytes.Equal(oldFK, newFK) {
		instr := DeleteNoPropagate
		if newFK == nil && !j.left {
			if j.tr != nil {
				// Distributed halves: a deleted row, or one without a
				// foreign key, has no inner join result; retract it at
				// once. (An answer to DeleteAndPropagate could come back
				// after a later change of the row made it stale, and the
				// result would never be retracted.)
				if err := send(oldFK, DeleteNoPropagate); err != nil {
					return err
				}
				return j.retract(pk, r)
			}
			instr = DeleteAndPropagate // nothing else will retract the result
		}
		if err := send(oldFK, instr); err != nil {
			return err
		}
	}
	switch {
	case newFK == nil && j.left && (cur != nil || old != nil):
		// No foreign key: nothing to subscribe to; answer at once.
		return j.resolve(response{pk: pk, hash: hash, ts: r.Rowtime, origin: next()})
	case newFK == nil:
		return nil
	case old != nil || j.left:
		return send(newFK, PropagateNullIfNoValue)
	}
	return send(newFK, PropagateOnlyIfValue)
}

// subKey is the subscription store key: len32(fk) ‖ fk ‖ pk.
func subKey(fk, pk []byte) []byte {
	k := binary.BigEndian.AppendUint32(nil, uint32(len(fk)))
	return append(append(k, fk...), pk...)
}

// subValueLen is the length of a subscription store value.
const subValueLen = 17

// subValue is the subscription store value: the hash (zero for none) and
// the instruction. The composite key carries the rest.
func subValue(s subscription) []byte {
	v := make([]byte, subValueLen)
	if s.hash != nil {
		copy(v, s.hash[:])
	}
	v[16] = byte(s.instr)
	return v
}

// receiveSubscription is the right side's subscription processor: it
// updates the subscription store, then answers per the instruction.
func (j *Join) receiveSubscription(s subscription) error {
	key := subKey(s.fk, s.pk)
	switch s.instr {
	case DeleteNoPropagate, DeleteAndPropagate:
		j.batch.Delete(j.subT, key)
	default:
		j.batch.Put(j.subT, key, subValue(s))
	}
	right, err := j.load(j.rightT, s.fk)
	if err != nil {
		return err
	}
	ts := s.ts
	if right != nil && right.Rowtime > ts {
		ts = right.Rowtime
	}
	switch s.instr {
	case DeleteAndPropagate:
		return j.respond(response{pk: s.pk, hash: s.hash, ts: ts, origin: s.origin})
	case PropagateNullIfNoValue:
		return j.respond(response{pk: s.pk, hash: s.hash, right: right, ts: ts, origin: s.origin})
	case PropagateOnlyIfValue:
		if right != nil {
			return j.respond(response{pk: s.pk, hash: s.hash, right: right, ts: ts, origin: s.origin})
		}
	}
	return nil
}

// rightChange is the right side's table processor: it stores the change
// and answers every subscriber of its key.
func (j *Join) rightChange(r *exec.Row) error {
	fkv := r.Vals[keyIndex(j.n.RightKey)]
	if fkv == nil {
		return nil
	}
	fk, err := exec.EncodeKey(nil, fkv)
	if err != nil {
		return err
	}
	old, err := j.load(j.rightT, fk)
	if err != nil {
		return err
	}
	var cur *exec.Row
	if r.NullValue {
		if old == nil {
			return nil
		}
		j.batch.Delete(j.rightT, fk)
	} else {
		cur = r
		if err := j.put(j.rightT, fk, r); err != nil {
			return err
		}
	}
	prefix := binary.BigEndian.AppendUint32(nil, uint32(len(fk)))
	prefix = append(prefix, fk...)
	it := j.db.Prefix(j.subT, prefix)
	defer it.Close()
	var resps []response
	for ; it.Valid(); it.Next() {
		v := it.Value()
		if len(v) < subValueLen {
			continue
		}
		var h Hash
		copy(h[:], v[:16])
		pk := append([]byte(nil), it.Key()[len(prefix):]...)
		resps = append(resps, response{pk: pk, hash: &h, right: cur, ts: r.Rowtime,
			origin: origin{topic: r.Topic, part: r.Partition, off: r.Offset, seq: int32(len(resps)), set: true}})
	}
	if err := it.Err(); err != nil {
		return err
	}
	for _, rs := range resps {
		if err := j.respond(rs); err != nil {
			return err
		}
	}
	return nil
}

// resolve is the left side's response processor: it drops stale
// responses, then emits the joined row or a tombstone.
func (j *Join) resolve(rs response) error {
	cur, err := j.load(j.leftT, rs.pk)
	if err != nil {
		return err
	}
	curHash, err := hashOf(cur)
	if err != nil {
		return err
	}
	if (curHash == nil) != (rs.hash == nil) || (curHash != nil && *curHash != *rs.hash) {
		j.stale.Add(1)
		return nil
	}
	keyVals, err := exec.DecodeKey(rs.pk)
	if err != nil {
		return err
	}
	src := cur
	if src == nil {
		src = &exec.Row{}
	}
	var row exec.Row
	if rs.right == nil && (!j.left || cur == nil) {
		row = exec.Row{Vals: make([]sqltypes.Value, j.layout.Width()), NullValue: true}
		copy(row.Vals, keyVals)
	} else {
		row = j.layout.Row(keyVals, cur, rs.right)
	}
	row.Rowtime, row.Partition, row.Offset, row.Topic = rs.ts, src.Partition, src.Offset, src.Topic
	if o := rs.origin; o.set {
		row.Topic, row.Partition, row.Offset, row.Seq = o.topic, o.part, o.off, o.seq
	}
	j.out.Rows = append(j.out.Rows, row)
	return nil
}

// retract emits a tombstone of the result keyed by the left primary key
// pk, at the time of the left change r.
func (j *Join) retract(pk []byte, r *exec.Row) error {
	keyVals, err := exec.DecodeKey(pk)
	if err != nil {
		return err
	}
	row := exec.Row{Vals: make([]sqltypes.Value, j.layout.Width()), NullValue: true, Rowtime: r.Rowtime,
		Partition: r.Partition, Offset: r.Offset, Topic: r.Topic}
	copy(row.Vals, keyVals)
	j.out.Rows = append(j.out.Rows, row)
	return nil
}

// keyIndex is the column a right-key expression reads.
func keyIndex(e planner.Expr) int {
	if c, ok := e.(*planner.ColRef); ok {
		return c.Index
	}
	return 0
}
