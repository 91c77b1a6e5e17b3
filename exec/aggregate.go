package exec

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"sync/atomic"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/state"
	"github.com/rql/rql/udf"
)

// Aggregate is the operator of planner.Aggregate: it folds rows into
// per-group accumulators kept in the state store (Env.State) and emits the
// group's new result for every input row (see planner.Aggregate for the
// changelog semantics). Windowed aggregations are in window.go and
// session.go; the table (upsert) input path in aggregate_table.go, and its
// split into two tasks of a partitioned runtime (NewGroupChanges,
// NewApplyChanges) in aggregate_change.go.
//
// State layout (tables named after the plan's StateTable):
//
//	<state>        group key (or window key)  → entry: max rowtime, HAVING flag, accumulators
//	<state>-input  input key                  → group key values and aggregate arguments (tables)
//	<state>-final  ts(window end/start)‖key  → "" (EMIT FINAL: windows not yet emitted)
//	<state>-meta   "st" / "seq"               → stream time, sequence counter
//
// Every Process call stages its writes (Commit on Env.State: a state.Txn
// in the runtime, durable only once the cycle's transaction commits) and
// stores the stream time and sequence in the -meta table, which Init reads
// back (after an aborted cycle the runtime rebuilds the operator).
type Aggregate struct {
	base
	n       *planner.Aggregate
	props   map[string]string
	groupBy []*Evaluator
	args    [][]*Evaluator
	aggs    []udf.Aggregator
	having  *Evaluator
	inKey   []int
	upsert  bool
	// changesOut and changesIn split a table input's processing between
	// two tasks of a partitioned runtime (aggregate_change.go): the first
	// keeps only the -input store and emits signed changes, the second
	// keeps the accumulators (and -meta) and folds those changes.
	changesOut, changesIn bool

	db                                    state.Store
	batch                                 *state.Batch
	table, inTable, finalTable, metaTable string
	transient                             bool

	// streamTime is the largest rowtime seen (per task); seq numbers rows
	// for the order-sensitive aggregate functions.
	streamTime int64
	seq        int64
	late       atomic.Int64

	out Batch
	buf []byte
}

var _ Operator = (*Aggregate)(nil)

// NewAggregate compiles n's expressions and builds its aggregators.
func NewAggregate(n *planner.Aggregate, props map[string]string) (*Aggregate, error) {
	a := &Aggregate{n: n, props: props, streamTime: math.MinInt64}
	for _, g := range n.GroupBy {
		e, err := Compile(g, props)
		if err != nil {
			return nil, err
		}
		a.groupBy = append(a.groupBy, e)
	}
	seq := func() int64 { a.seq++; return a.seq }
	for _, c := range n.Aggs {
		var evs []*Evaluator
		for _, x := range c.Args {
			e, err := Compile(x, props)
			if err != nil {
				return nil, err
			}
			evs = append(evs, e)
		}
		a.args = append(a.args, evs)
		ag, err := udf.NewAggregator(c.Fn, c.Literals, &udf.EvalContext{Props: props}, seq)
		if err != nil {
			return nil, err
		}
		a.aggs = append(a.aggs, ag)
	}
	if n.Having != nil {
		e, err := Compile(n.Having, props)
		if err != nil {
			return nil, err
		}
		a.having = e
	}
	in := n.Input.Props()
	a.upsert = in.Mode == planner.Upsert && n.Window == nil
	a.inKey = in.Key
	return a, nil
}

// Tables declares the operator's state tables.
func (a *Aggregate) Tables() []state.TableSpec {
	kind := state.KeyValue
	if w := a.n.Window; w != nil {
		kind = state.Window
		if w.Kind == parser.WindowSession {
			kind = state.Session
		}
	}
	if a.changesOut {
		return []state.TableSpec{{Name: a.tableName(a.n.StateTable) + "-input"}}
	}
	specs := []state.TableSpec{{Name: a.tableName(a.n.StateTable), Kind: kind}, {Name: a.tableName(a.n.StateTable) + "-meta"}}
	if a.upsert {
		specs = append(specs, state.TableSpec{Name: a.tableName(a.n.StateTable) + "-input"})
	}
	if a.n.EmitFinal {
		specs = append(specs, state.TableSpec{Name: a.tableName(a.n.StateTable) + "-final"})
	}
	return specs
}

// LateRecords is the number of records dropped because their windows had
// closed (grace period passed).
func (a *Aggregate) LateRecords() int64 { return a.late.Load() }

func (a *Aggregate) tableName(s string) string {
	id := ""
	if a.env != nil {
		id = a.env.QueryID
	}
	if id == "" {
		id = fmt.Sprintf("transient-%p", a)
	}
	return strings.Replace(s, "<query>", id, 1)
}

// Init opens the operator's state: it restores stream time and the
// sequence counter.
func (a *Aggregate) Init(ctx context.Context, env *Env) error {
	a.ctx, a.env = ctx, env
	if env == nil || env.State == nil {
		return rqlerr.Bug("aggregation without a state store")
	}
	a.db = env.State
	a.transient = env.Transient || env.QueryID == ""
	a.table = a.tableName(a.n.StateTable)
	a.inTable = a.table + "-input"
	a.finalTable = a.table + "-final"
	a.metaTable = a.table + "-meta"
	initEvals(env, a.groupBy...)
	initEvals(env, a.having)
	for _, evs := range a.args {
		initEvals(env, evs...)
	}
	if a.changesOut {
		return nil // no -meta table (see Tables)
	}
	if v, ok, err := a.db.Get(a.metaTable, []byte("st"), nil); err != nil {
		return err
	} else if ok && len(v) == 8 {
		a.streamTime = int64(binary.BigEndian.Uint64(v))
	}
	if v, ok, err := a.db.Get(a.metaTable, []byte("seq"), nil); err != nil {
		return err
	} else if ok && len(v) == 8 {
		a.seq = int64(binary.BigEndian.Uint64(v))
	}
	return nil
}

// Process aggregates b and emits the changed results.
func (a *Aggregate) Process(ctx context.Context, _ int, b *Batch, out Collector) error {
	a.out.Rows = a.out.Rows[:0]
	a.batch = a.db.NewBatch()
	for i := range b.Rows {
		if err := a.processRow(&b.Rows[i]); err != nil {
			return err
		}
	}
	var err error
	if a.changesOut {
		err = a.db.Commit(a.batch, nil) // no stream time nor sequence: no -meta table
	} else {
		err = a.commit()
	}
	if err != nil {
		return err
	}
	if len(a.out.Rows) == 0 {
		return nil
	}
	return out.Collect(ctx, &a.out)
}

func (a *Aggregate) processRow(r *Row) error {
	switch {
	case a.changesOut:
		return a.processChangeOut(r)
	case a.changesIn:
		return a.processChangeIn(r)
	case a.n.Window == nil && a.upsert:
		return a.processTableRow(r)
	case a.n.Window == nil:
		if r.NullValue {
			return nil
		}
		gk, ok := a.groupKey(r)
		if !ok {
			return nil
		}
		return a.update(gk, a.evalArgs(r), false, r)
	case a.n.Window.Kind == parser.WindowSession:
		return a.processSession(r)
	}
	return a.processTimeWindow(r)
}

// commit writes the stream time and sequence, then commits the batch.
func (a *Aggregate) commit() error {
	a.batch.Put(a.metaTable, []byte("st"), binary.BigEndian.AppendUint64(nil, uint64(a.streamTime)))
	a.batch.Put(a.metaTable, []byte("seq"), binary.BigEndian.AppendUint64(nil, uint64(a.seq)))
	return a.db.Commit(a.batch, nil)
}

// groupKey evaluates the grouping expressions; ok is false when a key
// column is NULL (the row is excluded, as in ksqlDB).
func (a *Aggregate) groupKey(r *Row) ([]sqltypes.Value, bool) {
	vals := make([]sqltypes.Value, len(a.groupBy))
	for i, g := range a.groupBy {
		v, err := g.Eval(r)
		if err != nil {
			a.env.log(r, "Error computing GROUP BY expression "+g.Expr.String()+": "+err.Error())
			return nil, false
		}
		if v == nil {
			return nil, false
		}
		vals[i] = v
	}
	return vals, true
}

// evalArgs evaluates every aggregate call's column arguments over r.
func (a *Aggregate) evalArgs(r *Row) [][]sqltypes.Value {
	out := make([][]sqltypes.Value, len(a.args))
	for i, evs := range a.args {
		vals := make([]sqltypes.Value, len(evs))
		for j, e := range evs {
			v, err := e.Eval(r)
			if err != nil {
				a.env.log(r, "Error computing aggregate argument "+e.Expr.String()+": "+err.Error())
			}
			vals[j] = v
		}
		out[i] = vals
	}
	return out
}

// entry is a group's stored state.
type entry struct {
	// maxTime is the latest rowtime of a window; for unwindowed groups the
	// rowtime of the last update (the result's timestamp).
	maxTime int64
	passed  bool
	accs    []udf.Acc
}

func (a *Aggregate) encodeEntry(e *entry) ([]byte, error) {
	buf := binary.BigEndian.AppendUint64(nil, uint64(e.maxTime))
	flag := byte(0)
	if e.passed {
		flag = 1
	}
	return appendValues(append(buf, flag), e.accs)
}

func (a *Aggregate) decodeEntry(p []byte) (*entry, error) {
	if len(p) < 9 {
		return nil, errCodec
	}
	accs, _, err := readValues(p[9:])
	if err != nil {
		return nil, err
	}
	if len(accs) != len(a.aggs) {
		return nil, rqlerr.New(rqlerr.StateCorrupt, "aggregate state has %d accumulators, the query %d", len(accs), len(a.aggs))
	}
	return &entry{maxTime: int64(binary.BigEndian.Uint64(p)), passed: p[8] == 1, accs: accs}, nil
}

// newEntry is the entry of an empty group.
func (a *Aggregate) newEntry() *entry {
	e := &entry{maxTime: math.MinInt64, accs: make([]udf.Acc, len(a.aggs))}
	for i, ag := range a.aggs {
		e.accs[i] = ag.Init()
	}
	return e
}

// load reads the entry stored under key in table (nil when absent).
func (a *Aggregate) load(table string, key []byte) (*entry, error) {
	v, ok, err := a.db.GetThrough(a.batch, table, key, nil)
	if err != nil || !ok {
		return nil, err
	}
	return a.decodeEntry(v)
}

func (a *Aggregate) store(table string, key []byte, e *entry) error {
	v, err := a.encodeEntry(e)
	if err != nil {
		return err
	}
	a.batch.Put(table, key, v)
	return nil
}

// fold adds (or, with undo, removes) one row's arguments to e's
// accumulators. A function error keeps that accumulator and is logged.
func (a *Aggregate) fold(e *entry, args [][]sqltypes.Value, undo bool, r *Row) {
	for i, ag := range a.aggs {
		var acc udf.Acc
		var err error
		if undo {
			acc, err = ag.Undo(e.accs[i], args[i])
		} else {
			acc, err = ag.Add(e.accs[i], args[i])
		}
		if err != nil {
			a.env.log(r, "Error aggregating "+a.n.Aggs[i].Text+": "+err.Error())
			continue
		}
		e.accs[i] = acc
	}
}

// update folds a row into the unwindowed group gk and emits the result.
func (a *Aggregate) update(gk []sqltypes.Value, args [][]sqltypes.Value, undo bool, r *Row) error {
	key, err := appendValues(a.buf[:0], gk)
	if err != nil {
		return err
	}
	e, err := a.load(a.table, key)
	if err != nil {
		return err
	}
	if e == nil {
		if undo {
			return nil
		}
		e = a.newEntry()
	}
	a.fold(e, args, undo, r)
	e.maxTime = r.Rowtime // the result's timestamp, read by pull queries
	e.passed = a.emit(gk, e, r.Rowtime, 0, 0, r)
	return a.store(a.table, key, e)
}

// emit appends the output row of a group (keys, then results) unless
// HAVING rejects it; a rejected row whose previous result passed becomes a
// tombstone. It returns whether the row passed HAVING.
func (a *Aggregate) emit(gk []sqltypes.Value, e *entry, ts, wstart, wend int64, src *Row) bool {
	row := a.resultRow(gk, e, ts, wstart, wend, src)
	pass := a.passes(&row)
	switch {
	case pass:
		a.out.Rows = append(a.out.Rows, row)
	case e.passed:
		a.out.Rows = append(a.out.Rows, a.tombstone(gk, ts, wstart, wend, src))
	}
	return pass
}

func (a *Aggregate) resultRow(gk []sqltypes.Value, e *entry, ts, wstart, wend int64, src *Row) Row {
	vals := make([]sqltypes.Value, len(gk)+len(a.aggs))
	copy(vals, gk)
	for i, ag := range a.aggs {
		vals[len(gk)+i] = ag.Result(e.accs[i])
	}
	return Row{Vals: vals, Rowtime: ts, Partition: src.Partition, Offset: src.Offset,
		WindowStart: wstart, WindowEnd: wend}
}

func (a *Aggregate) tombstone(gk []sqltypes.Value, ts, wstart, wend int64, src *Row) Row {
	vals := make([]sqltypes.Value, len(gk)+len(a.aggs))
	copy(vals, gk)
	return Row{Vals: vals, NullValue: true, Rowtime: ts, Partition: src.Partition, Offset: src.Offset,
		WindowStart: wstart, WindowEnd: wend}
}

// passes evaluates HAVING (true without one).
func (a *Aggregate) passes(r *Row) bool {
	if a.having == nil {
		return true
	}
	v, err := a.having.Eval(r)
	if err != nil {
		a.env.log(r, "Error evaluating HAVING "+a.having.Expr.String()+": "+err.Error())
		return false
	}
	ok, _ := v.(bool)
	return ok
}

// Close drops a transient query's state.
func (a *Aggregate) Close(context.Context) error {
	if a.db == nil || !a.transient {
		return nil
	}
	type dropper interface{ DropTable(string) error }
	if d, ok := a.db.(dropper); ok {
		for _, t := range a.Tables() {
			_ = d.DropTable(t.Name)
		}
	}
	a.db = nil
	return nil
}

// Repartition passes rows through: in process there is no internal topic
// to write (a distributed runtime splits the query there).
type Repartition struct{ base }

var _ Operator = (*Repartition)(nil)

// NewRepartition returns the pass-through operator of n.
func NewRepartition(*planner.Repartition) *Repartition { return &Repartition{} }

// Process forwards b.
func (p *Repartition) Process(ctx context.Context, _ int, b *Batch, out Collector) error {
	return out.Collect(ctx, b)
}
