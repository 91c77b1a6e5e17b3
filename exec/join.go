package exec

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/state"
)

// Helpers shared by the join operators (join_stream_table.go,
// join_table_table.go, join_stream_stream.go) and exported for package
// exec/fkjoin: the row layout of planner.Join and the state encoding of
// remembered input rows.

// JoinLayout assembles a join's output rows (see planner.Join for the
// layout): key columns, left columns, left pseudo columns, right columns,
// right pseudo columns.
type JoinLayout struct {
	NKey, LeftWidth, RightWidth, LeftMeta, RightMeta int
}

// NewJoinLayout returns the layout of n's output rows.
func NewJoinLayout(n *planner.Join) JoinLayout {
	return JoinLayout{NKey: n.KeyWidth(), LeftWidth: n.LeftWidth(), RightWidth: n.RightWidth(),
		LeftMeta: n.LeftMeta, RightMeta: n.RightMeta}
}

// Width is the number of columns of an output row.
func (l JoinLayout) Width() int {
	return l.NKey + l.LeftWidth + l.LeftMeta + l.RightWidth + l.RightMeta
}

// Row builds an output row from the key values and the matching rows of
// each side (nil: that side's columns are NULL). Metadata (time, partition,
// offset) is left to the caller.
func (l JoinLayout) Row(key []sqltypes.Value, left, right *Row) Row {
	vals := make([]sqltypes.Value, l.Width())
	copy(vals, key)
	off := l.NKey
	fill := func(r *Row, width, meta int) {
		if r != nil {
			copy(vals[off:off+width], r.Vals)
			if meta > 0 {
				m := []sqltypes.Value{r.Rowtime, r.Partition, r.Offset, r.WindowStart, r.WindowEnd}
				copy(vals[off+width:off+width+meta], m[:meta])
			}
		}
		off += width + meta
	}
	fill(left, l.LeftWidth, l.LeftMeta)
	fill(right, l.RightWidth, l.RightMeta)
	return Row{Vals: vals}
}

// EncodeRow appends the state encoding of r (values, time, partition,
// offset, window) to dst.
func EncodeRow(dst []byte, r *Row) ([]byte, error) {
	dst, err := appendValues(dst, r.Vals)
	if err != nil {
		return nil, err
	}
	for _, v := range []int64{r.Rowtime, int64(r.Partition), r.Offset, r.WindowStart, r.WindowEnd} {
		dst = binary.BigEndian.AppendUint64(dst, uint64(v))
	}
	return dst, nil
}

// DecodeRow reads what EncodeRow wrote.
func DecodeRow(p []byte) (*Row, error) {
	vals, rest, err := readValues(p)
	if err != nil {
		return nil, err
	}
	if len(rest) != 40 {
		return nil, errCodec
	}
	u := func(i int) int64 { return int64(binary.BigEndian.Uint64(rest[8*i:])) }
	return &Row{Vals: vals, Rowtime: u(0), Partition: int32(u(1)), Offset: u(2), WindowStart: u(3), WindowEnd: u(4)}, nil
}

// EncodeKey appends the state encoding of key values to dst; equal values
// of one type encode to equal bytes.
func EncodeKey(dst []byte, vals ...sqltypes.Value) ([]byte, error) { return appendValues(dst, vals) }

// DecodeKey reads what EncodeKey wrote.
func DecodeKey(p []byte) ([]sqltypes.Value, error) {
	vals, _, err := readValues(p)
	return vals, err
}

// StateName replaces the query placeholder of a plan's state table name
// with the operator's query id (transient queries without one get a name
// unique to owner).
func StateName(env *Env, name string, owner any) string {
	id := ""
	if env != nil {
		id = env.QueryID
	}
	if id == "" {
		id = fmt.Sprintf("transient-%p", owner)
	}
	return strings.Replace(name, "<query>", id, 1)
}

// DropTables deletes state tables (transient queries' state on Close).
func DropTables(db state.Store, tables ...string) {
	type dropper interface{ DropTable(string) error }
	if d, ok := db.(dropper); ok {
		for _, t := range tables {
			if t != "" {
				_ = d.DropTable(t)
			}
		}
	}
}

// LogRow reports a processing-log entry against row r.
func (e *Env) LogRow(r *Row, reason string) { e.log(r, reason) }

// joinBase is what the primary-key join operators share: the key
// evaluators of both sides, the layout and the state store.
type joinBase struct {
	base
	n       *planner.Join
	keys    [2]*Evaluator
	layout  JoinLayout
	db      state.Store
	batch   *state.Batch
	tables  []string
	windows [2]bool
	out     Batch
	// The record of the previous emitted row and its Seq (rowSeq).
	seqTopic string
	seqPart  int32
	seqOff   int64
	seq      int32
	seqAny   bool
}

func newJoinBase(n *planner.Join, props map[string]string) (joinBase, error) {
	j := joinBase{n: n, layout: NewJoinLayout(n)}
	for i, e := range []planner.Expr{n.LeftKey, n.RightKey} {
		ev, err := Compile(e, props)
		if err != nil {
			return j, err
		}
		j.keys[i] = ev
	}
	return j, nil
}

func (j *joinBase) init(ctx context.Context, env *Env) error {
	j.ctx, j.env = ctx, env
	if env == nil || env.State == nil {
		return rqlerr.Bug("join without a state store")
	}
	j.db = env.State
	initEvals(env, j.keys[0], j.keys[1])
	return nil
}

// key evaluates input side's join key over r and encodes it (with the
// window of a windowed row). ok is false for a NULL key: such rows never
// match.
func (j *joinBase) key(side int, r *Row) (sqltypes.Value, []byte, bool) {
	v, err := j.keys[side].Eval(r)
	if err != nil {
		j.env.log(r, "Error computing join key "+j.keys[side].Expr.String()+": "+err.Error())
		return nil, nil, false
	}
	if v == nil {
		return nil, nil, false
	}
	enc, err := appendValues(nil, []sqltypes.Value{v})
	if err != nil {
		j.env.log(r, "Error encoding join key: "+err.Error())
		return nil, nil, false
	}
	if r.WindowStart != 0 || r.WindowEnd != 0 {
		enc = binary.BigEndian.AppendUint64(enc, uint64(r.WindowStart))
		enc = binary.BigEndian.AppendUint64(enc, uint64(r.WindowEnd))
	}
	return v, enc, true
}

// rowSeq returns the Seq of the next row emitted for src: 0 for its
// first, one more for each further row of the same record.
func (j *joinBase) rowSeq(src *Row) int32 {
	if j.seqAny && src.Offset == j.seqOff && src.Partition == j.seqPart && src.Topic == j.seqTopic {
		j.seq++
	} else {
		j.seqAny, j.seqTopic, j.seqPart, j.seqOff, j.seq = true, src.Topic, src.Partition, src.Offset, 0
	}
	return j.seq
}

// emit appends an output row with the given metadata.
func (j *joinBase) emit(key sqltypes.Value, l, r *Row, ts int64, src *Row) {
	row := j.layout.Row([]sqltypes.Value{key}, l, r)
	row.Rowtime, row.Partition, row.Offset, row.Topic = ts, src.Partition, src.Offset, src.Topic
	row.Seq = j.rowSeq(src)
	row.WindowStart, row.WindowEnd = src.WindowStart, src.WindowEnd
	j.out.Rows = append(j.out.Rows, row)
}

// tombstone appends a delete of key.
func (j *joinBase) tombstone(key sqltypes.Value, ts int64, src *Row) {
	row := Row{Vals: make([]sqltypes.Value, j.layout.Width()), NullValue: true, Rowtime: ts,
		Partition: src.Partition, Offset: src.Offset, Topic: src.Topic, Seq: j.rowSeq(src),
		WindowStart: src.WindowStart, WindowEnd: src.WindowEnd}
	row.Vals[0] = key
	j.out.Rows = append(j.out.Rows, row)
}

// load reads a remembered row (nil when absent), through the pending batch.
func (j *joinBase) load(table string, key []byte) (*Row, error) {
	v, ok, err := j.db.GetThrough(j.batch, table, key, nil)
	if err != nil || !ok {
		return nil, err
	}
	return DecodeRow(v)
}

func (j *joinBase) store(table string, key []byte, r *Row) error {
	v, err := EncodeRow(nil, r)
	if err != nil {
		return err
	}
	j.batch.Put(table, key, v)
	return nil
}

// flushOut commits the state batch and pushes the output rows.
func (j *joinBase) flushOut(ctx context.Context, out Collector) error {
	if j.batch != nil {
		if err := j.db.Commit(j.batch, nil); err != nil {
			return err
		}
	}
	if len(j.out.Rows) == 0 {
		return nil
	}
	return out.Collect(ctx, &j.out)
}

// Close drops a transient query's state.
func (j *joinBase) Close(context.Context) error {
	if j.db == nil {
		return nil
	}
	if j.env != nil && (j.env.Transient || j.env.QueryID == "") {
		DropTables(j.db, j.tables...)
	}
	j.db = nil
	return nil
}

func maxTime(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}
