package exec

import (
	"context"
	"encoding/binary"
	"math"

	"github.com/rql/rql/planner"
	"github.com/rql/rql/state"
)

// StreamStreamJoin is the operator of a stream-stream planner.Join, after
// Kafka Streams' KStreamKStreamJoin. Each side's rows are kept in a
// segmented window store (LeftStore, RightStore: state.SegmentKey(segment,
// join key, time) ‖ sequence, so duplicates are kept in arrival order) for
// the window's retention (before + after + grace; without GRACE PERIOD at
// least DefaultGrace), measured against the side's own observed stream
// time: older rows are neither stored nor found. Segments span
// max(retention/2, 60 s) of event time (Kafka Streams' default); once a
// side's stream time passes a segment's end plus the retention, the whole
// segment is dropped with one range delete, so each store holds at most
// the rows of retention + one segment of event time. The drop is not a
// changelog record: a window store's changelog expires by time
// (cleanup.policy compact,delete with retention.ms ≥ the retention), and
// rows restored from it that have expired meanwhile are invisible and
// dropped at the next purge.
//
// A row at time t of the left side matches right rows of its key in
// [t-Before, t+After] (a right row: left rows in [t-After, t+Before]);
// every match is emitted at once with the larger of both times. A row
// without a match on a preserved side (LEFT: left, RIGHT: right, FULL:
// both):
//
//   - without GRACE PERIOD is emitted at once with NULLs for the other side
//     (ksqlDB's legacy eager semantics);
//   - with GRACE PERIOD is held in OuterStore until its window closes
//     (t + after-of-its-side + grace < stream time; the shared stream time
//     is the largest time seen on either side) and emitted then, unless a
//     later row of the other side matched it; a row whose window has
//     already closed when it arrives is emitted at once. Closed windows are
//     swept before each row that does not move stream time backwards.
//
// Rows with a NULL value or join key are dropped.
type StreamStreamJoin struct {
	joinBase
	stores        [2]string
	outer, meta   string
	before, after int64
	grace         int64
	retention     int64
	hasGrace      bool
	// segment is the span of a store segment (ms of event time); purged
	// is, per side, the first segment not yet dropped.
	segment int64
	purged  [2]int64
	// streamTime is the shared stream time, observed each side's own.
	streamTime int64
	observed   [2]int64
	seq        uint64
	buf        []byte
}

var _ Operator = (*StreamStreamJoin)(nil)

// NewStreamStreamJoin compiles n's key expressions.
func NewStreamStreamJoin(n *planner.Join, props map[string]string) (*StreamStreamJoin, error) {
	jb, err := newJoinBase(n, props)
	if err != nil {
		return nil, err
	}
	w := n.Window
	return &StreamStreamJoin{joinBase: jb, before: w.Before, after: w.After, grace: w.Grace,
		hasGrace: w.HasGrace, retention: w.Retention(),
		segment: SegmentInterval(w.Retention()), purged: [2]int64{math.MinInt64, math.MinInt64},
		streamTime: math.MinInt64, observed: [2]int64{math.MinInt64, math.MinInt64}}, nil
}

// MinSegmentInterval is the smallest span of a window store segment.
const MinSegmentInterval = 60_000

// SegmentInterval is the segment span of a window store with the given
// retention: max(retention/2, MinSegmentInterval), as Kafka Streams.
func SegmentInterval(retention int64) int64 {
	return max(retention/2, MinSegmentInterval)
}

// Tables declares the window stores, the outer store and the meta table.
func (j *StreamStreamJoin) Tables() []state.TableSpec {
	specs := []state.TableSpec{
		{Name: StateName(j.env, j.n.LeftStore, j), Kind: state.Window, Retention: j.retention},
		{Name: StateName(j.env, j.n.RightStore, j), Kind: state.Window, Retention: j.retention},
		{Name: StateName(j.env, j.n.LeftStore, j) + "-meta"},
	}
	if j.n.OuterStore != "" {
		specs = append(specs, state.TableSpec{Name: StateName(j.env, j.n.OuterStore, j)})
	}
	return specs
}

// Init opens the state and restores the stream times.
func (j *StreamStreamJoin) Init(ctx context.Context, env *Env) error {
	if err := j.init(ctx, env); err != nil {
		return err
	}
	j.stores = [2]string{StateName(env, j.n.LeftStore, j), StateName(env, j.n.RightStore, j)}
	j.meta = j.stores[0] + "-meta"
	if j.n.OuterStore != "" {
		j.outer = StateName(env, j.n.OuterStore, j)
	}
	j.tables = []string{j.stores[0], j.stores[1], j.meta, j.outer}
	if v, ok, err := j.db.Get(j.meta, []byte("t"), nil); err != nil {
		return err
	} else if ok && len(v) == 32 {
		j.streamTime = int64(binary.BigEndian.Uint64(v))
		j.observed[0] = int64(binary.BigEndian.Uint64(v[8:]))
		j.observed[1] = int64(binary.BigEndian.Uint64(v[16:]))
		j.seq = binary.BigEndian.Uint64(v[24:])
	}
	return nil
}

// Process joins a batch of rows of input side; every row is committed
// before the next is processed (window scans read committed state).
func (j *StreamStreamJoin) Process(ctx context.Context, input int, b *Batch, out Collector) error {
	j.out.Rows = j.out.Rows[:0]
	for i := range b.Rows {
		j.batch = j.db.NewBatch()
		if err := j.processRow(input, &b.Rows[i]); err != nil {
			return err
		}
		meta := binary.BigEndian.AppendUint64(nil, uint64(j.streamTime))
		meta = binary.BigEndian.AppendUint64(meta, uint64(j.observed[0]))
		meta = binary.BigEndian.AppendUint64(meta, uint64(j.observed[1]))
		meta = binary.BigEndian.AppendUint64(meta, j.seq)
		j.batch.Put(j.meta, []byte("t"), meta)
		if err := j.db.Commit(j.batch, nil); err != nil {
			return err
		}
		if err := j.purge(input); err != nil {
			return err
		}
	}
	j.batch = nil
	return j.flushOut(ctx, out)
}

// purge drops side's store segments whose every row has expired: a
// segment s ends before s+1's start, and a row at ts has expired when
// ts <= observed - retention, so every segment before the one holding
// observed - retention + 1 goes, with one range delete.
func (j *StreamStreamJoin) purge(side int) error {
	obs := j.observed[side]
	if obs == math.MinInt64 || obs-j.retention+1 > obs {
		return nil
	}
	live := state.Segment(obs-j.retention+1, j.segment)
	if live <= j.purged[side] {
		return nil
	}
	if err := state.DeleteRangeOf(j.db, j.stores[side], nil, state.SegmentStart(nil, live)); err != nil {
		return err
	}
	j.purged[side] = live
	return nil
}

// window returns side's match interval around t: [t-before, t+after] for
// the left side, mirrored for the right, never below 0.
func (j *StreamStreamJoin) window(side int, t int64) (int64, int64) {
	b, a := j.before, j.after
	if side == 1 {
		b, a = a, b
	}
	return max(0, t-b), max(0, t+a)
}

// live reports whether a row at time ts is within side's retention.
func (j *StreamStreamJoin) live(side int, ts int64) bool {
	return j.observed[side] == math.MinInt64 || ts > j.observed[side]-j.retention
}

func (j *StreamStreamJoin) processRow(side int, r *Row) error {
	if r.NullValue {
		return nil
	}
	kv, k, ok := j.key(side, r)
	if !ok {
		return nil
	}
	t := r.Rowtime
	j.streamTime = max(j.streamTime, t)
	j.observed[side] = max(j.observed[side], t)
	if j.live(side, t) {
		j.seq++
		key := binary.BigEndian.AppendUint64(state.SegmentKey(nil, state.Segment(t, j.segment), k, t), j.seq)
		if err := j.store(j.stores[side], key, r); err != nil {
			return err
		}
	}
	if j.outer != "" && t == j.streamTime {
		if err := j.sweep(r); err != nil {
			return err
		}
	}
	from, to := j.window(side, t)
	matched := false
	for seg := state.Segment(from, j.segment); seg <= state.Segment(to, j.segment); seg++ {
		m, err := j.matchSegment(side, seg, kv, k, r, from, to)
		if err != nil {
			return err
		}
		matched = matched || m
	}
	if matched || !j.n.Outer(side) {
		return nil
	}
	if j.outer == "" || to < j.streamTime {
		j.emitOuter(side, kv, r, t, r)
		return nil
	}
	v, err := EncodeRow(nil, r)
	if err != nil {
		return err
	}
	j.batch.Put(j.outer, j.outerKey(side, k, t), append(appendBlob(nil, mustKey(kv)), v...))
	return nil
}

// matchSegment joins r (of side, at key k) with the other side's rows of
// segment seg in [from, to] and reports whether any matched.
func (j *StreamStreamJoin) matchSegment(side int, seg int64, kv any, k []byte, r *Row, from, to int64) (bool, error) {
	other := 1 - side
	t := r.Rowtime
	lo, hi := state.SegmentRange(nil, seg, k, from, to+1)
	it := j.db.Range(j.stores[other], lo, hi)
	defer it.Close()
	matched := false
	for ; it.Valid(); it.Next() {
		_, _, ots, err := state.DecodeSegmentKey(it.Key(), 8)
		if err != nil {
			return false, err
		}
		if !j.live(other, ots) {
			continue
		}
		o, err := DecodeRow(it.Value())
		if err != nil {
			return false, err
		}
		matched = true
		if j.outer != "" {
			j.batch.Delete(j.outer, j.outerKey(other, k, ots))
		}
		if side == 0 {
			j.emit(kv, r, o, max(t, ots), r)
		} else {
			j.emit(kv, o, r, max(t, ots), r)
		}
	}
	return matched, it.Err()
}

// outerKey orders held outer rows by time, then side, then key.
func (j *StreamStreamJoin) outerKey(side int, k []byte, ts int64) []byte {
	b := binary.BigEndian.AppendUint64(nil, uint64(ts)^(1<<63))
	return append(append(b, byte(1-side)), k...)
}

func mustKey(kv any) []byte {
	b, _ := appendValue(nil, kv)
	return b
}

// emitOuter emits an unmatched row of side with NULLs for the other side.
func (j *StreamStreamJoin) emitOuter(side int, kv any, r *Row, ts int64, src *Row) {
	if side == 0 {
		j.emit(kv, r, nil, ts, src)
	} else {
		j.emit(kv, nil, r, ts, src)
	}
}

// sweep emits and forgets the held outer rows whose window has closed.
func (j *StreamStreamJoin) sweep(src *Row) error {
	it := j.db.Range(j.outer, nil, nil)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		key := it.Key()
		if len(key) < 9 {
			continue
		}
		ts := int64(binary.BigEndian.Uint64(key) ^ (1 << 63))
		side := 1 - int(key[8])
		look := j.after
		if side == 1 {
			look = j.before
		}
		if ts+look+j.grace >= j.streamTime {
			continue
		}
		if op := j.batchOp(key); op == state.OpDelete {
			continue
		}
		kb, rest, err := readBlob(it.Value())
		if err != nil {
			return err
		}
		kv, _, err := readValue(kb)
		if err != nil {
			return err
		}
		r, err := DecodeRow(rest)
		if err != nil {
			return err
		}
		j.emitOuter(side, kv, r, ts, src)
		j.batch.Delete(j.outer, append([]byte(nil), key...))
	}
	return it.Err()
}

func (j *StreamStreamJoin) batchOp(key []byte) state.Op {
	_, op := j.batch.Get(j.outer, key)
	return op
}
