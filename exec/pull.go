package exec

import (
	"context"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/state"
	"github.com/rql/rql/udf"
)

// Pull answers a pull query (planner.PullPlan on a table) from st: it reads
// the table's rows as p.Lookup says, keeps those p.Filter accepts, computes
// p.Exprs, and returns at most p.Limit result rows in p.Out's column order.
// Rows come in store order (per key for key lookups, in the order of the
// keys, each key once). It reads committed state only.
//
// The stores it reads (see planner.PullStore):
//
//   - StoreRows: a Materialize table (materialize.go's layout).
//   - StoreAggregate: an Aggregate's state table (aggregate.go's layout):
//     each entry's accumulators give the group's results, the stored HAVING
//     flag hides groups whose last result did not pass, and the CTAS
//     projection (p.Store.View) turns the aggregate row into the table's.
//     Windowed stores yield one row per window, with WINDOWSTART and
//     WINDOWEND.
func Pull(ctx context.Context, p *planner.PullPlan, st state.Store, props map[string]string) ([][]sqltypes.Value, error) {
	if p.Store == nil || p.Lookup == nil {
		return nil, rqlerr.Bug("pull query without a store")
	}
	if st == nil {
		return nil, rqlerr.New(rqlerr.StateIO, "no state store to answer the pull query on %s", p.Source.Name)
	}
	r := &puller{p: p, st: st, out: [][]sqltypes.Value{}}
	var err error
	if p.Filter != nil {
		if r.filter, err = Compile(p.Filter, props); err != nil {
			return nil, err
		}
	}
	for _, e := range p.Exprs {
		ev, err := Compile(e, props)
		if err != nil {
			return nil, err
		}
		r.exprs = append(r.exprs, ev)
	}
	if p.Store.Kind == planner.StoreAggregate {
		if r.agg, err = NewAggregate(p.Store.Aggregate, props); err != nil {
			return nil, err
		}
		for _, e := range p.Store.View {
			ev, err := Compile(e, props)
			if err != nil {
				return nil, err
			}
			r.view = append(r.view, ev)
		}
	}
	if p.Limit == 0 {
		return r.out, nil
	}
	if err := r.run(ctx); err != nil && err != errPullDone {
		return nil, err
	}
	return r.out, nil
}

// errPullDone stops the iteration once LIMIT rows are out.
var errPullDone = rqlerr.New(rqlerr.ExecEval, "pull query limit reached")

type puller struct {
	p      *planner.PullPlan
	st     state.Store
	agg    *Aggregate
	view   []*Evaluator
	filter *Evaluator
	exprs  []*Evaluator
	out    [][]sqltypes.Value
}

func (r *puller) run(ctx context.Context) error {
	if r.p.Lookup.Kind != planner.LookupKeys {
		return r.scan(ctx)
	}
	keys, err := r.lookupKeys()
	if err != nil {
		return err
	}
	if r.agg != nil && !r.groupKeysKnown() {
		return r.scan(ctx)
	}
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.lookup(k); err != nil {
			return err
		}
	}
	return nil
}

// lookupKeys evaluates the key constants, converted to the key columns'
// types, dropping duplicates.
func (r *puller) lookupKeys() ([][]sqltypes.Value, error) {
	var out [][]sqltypes.Value
	seen := map[string]bool{}
	for _, exprs := range r.p.Lookup.Keys {
		vals := make([]sqltypes.Value, len(exprs))
		for i, e := range exprs {
			ev, err := Compile(e, nil)
			if err != nil {
				return nil, err
			}
			v, err := ev.Eval(&Row{})
			if err != nil {
				return nil, err
			}
			if v == nil {
				return nil, rqlerr.At(rqlerr.ExecEval, e.Pos(), "Primary key columns can not be NULL: %s", e)
			}
			kt := r.p.Lookup.KeyTypes[i]
			cv, err := udf.Coerce(v, e.Type(), kt)
			if err != nil || cv == nil {
				return nil, rqlerr.At(rqlerr.ExecEval, e.Pos(), "'%s' can not be converted to the type of the key column: %s KEY", udf.ValueText(v, e.Type()), keyColumnText(r.p.Source.Schema, i))
			}
			vals[i] = cv
		}
		enc, err := appendValues(nil, vals)
		if err != nil {
			return nil, err
		}
		if seen[string(enc)] {
			continue
		}
		seen[string(enc)] = true
		out = append(out, vals)
	}
	return out, nil
}

func keyColumnText(s *sqltypes.Schema, i int) string {
	n := 0
	for _, c := range s.Columns {
		if c.NS == sqltypes.NSKey {
			if n == i {
				return c.Name + " " + c.Type.String()
			}
			n++
		}
	}
	return "?"
}

func (r *puller) groupKeysKnown() bool {
	for _, g := range r.p.Store.GroupKeys {
		if g < 0 {
			return false
		}
	}
	return true
}

// lookup reads the rows of one key of the table.
func (r *puller) lookup(key []sqltypes.Value) error {
	s := r.p.Store
	if r.agg == nil {
		k, err := appendValues(nil, key)
		if err != nil {
			return err
		}
		v, ok, err := r.st.Get(s.Table, k, nil)
		if err != nil || !ok {
			return err
		}
		row, err := decodeMaterializedRow(v)
		if err != nil {
			return err
		}
		return r.emit(&row)
	}
	// The group key, from the table's key columns.
	keyPos := map[int]int{}
	n := 0
	for i, c := range r.p.Source.Schema.Columns {
		if c.NS == sqltypes.NSKey {
			keyPos[i] = n
			n++
		}
	}
	gk := make([]sqltypes.Value, len(s.GroupKeys))
	for i, col := range s.GroupKeys {
		gk[i] = key[keyPos[col]]
	}
	gkb, err := appendValues(nil, gk)
	if err != nil {
		return err
	}
	if s.Aggregate.Window == nil {
		v, ok, err := r.st.Get(s.Table, gkb, nil)
		if err != nil || !ok {
			return err
		}
		return r.aggEntry(gk, v, 0, 0)
	}
	it := r.st.Prefix(s.Table, state.WindowPrefix(nil, gkb))
	defer it.Close()
	for ; it.Valid(); it.Next() {
		if err := r.windowEntry(it.Key(), it.Value()); err != nil {
			return err
		}
	}
	return it.Err()
}

// scan reads every row of the table.
func (r *puller) scan(ctx context.Context) error {
	s := r.p.Store
	it := r.st.Range(s.Table, nil, nil)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		switch {
		case r.agg == nil:
			var row Row
			if row, err = decodeMaterializedRow(it.Value()); err == nil {
				err = r.emit(&row)
			}
		case s.Aggregate.Window == nil:
			var gk []sqltypes.Value
			if gk, _, err = readValues(it.Key()); err == nil {
				err = r.aggEntry(gk, it.Value(), 0, 0)
			}
		default:
			err = r.windowEntry(it.Key(), it.Value())
		}
		if err != nil {
			return err
		}
	}
	return it.Err()
}

// windowEntry decodes a window or session key and its entry.
func (r *puller) windowEntry(key, val []byte) error {
	w := r.p.Store.Aggregate.Window
	var gkb []byte
	var start, end int64
	var err error
	if w.Kind == parser.WindowSession {
		gkb, start, end, err = state.DecodeSessionKey(key)
	} else {
		gkb, start, err = state.DecodeWindowKey(key)
		end = start + w.Size
	}
	if err != nil {
		return err
	}
	gk, _, err := readValues(gkb)
	if err != nil {
		return err
	}
	return r.aggEntry(gk, val, start, end)
}

// aggEntry turns a group's accumulators into the table's row.
func (r *puller) aggEntry(gk []sqltypes.Value, val []byte, wstart, wend int64) error {
	e, err := r.agg.decodeEntry(val)
	if err != nil {
		return err
	}
	if !e.passed {
		return nil // HAVING rejected the group's last result: no row
	}
	aggRow := r.agg.resultRow(gk, e, e.maxTime, wstart, wend, &Row{})
	row := Row{Vals: make([]sqltypes.Value, len(r.view)), Rowtime: e.maxTime, WindowStart: wstart, WindowEnd: wend}
	for i, ev := range r.view {
		v, err := ev.Eval(&aggRow)
		if err != nil {
			return err
		}
		row.Vals[i] = v
	}
	return r.emit(&row)
}

// emit filters a table row and appends its result row.
func (r *puller) emit(row *Row) error {
	if r.filter != nil {
		v, err := r.filter.Eval(row)
		if err != nil {
			return err
		}
		if ok, _ := v.(bool); !ok {
			return nil
		}
	}
	vals := make([]sqltypes.Value, len(r.exprs))
	for i, ev := range r.exprs {
		v, err := ev.Eval(row)
		if err != nil {
			return err
		}
		vals[i] = v
	}
	r.out = append(r.out, vals)
	if r.p.Limit >= 0 && int64(len(r.out)) >= r.p.Limit {
		return errPullDone
	}
	return nil
}
