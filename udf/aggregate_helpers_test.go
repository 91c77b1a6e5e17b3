package udf

import (
	"math"
	"testing"

	"github.com/rql/rql/sqltypes"
)

// aggCall describes a call for the tests: column argument types, then the
// init literals (typed INT or BOOLEAN by their Go type).
type aggCall struct {
	name     string
	cols     []*sqltypes.Type
	literals []sqltypes.Value
	props    map[string]string
}

func literalType(v sqltypes.Value) *sqltypes.Type {
	switch v.(type) {
	case bool:
		return sqltypes.Boolean
	case int64:
		return sqltypes.Bigint
	case string:
		return sqltypes.String
	}
	return sqltypes.Int
}

// newTestAgg resolves and builds an aggregator with a deterministic
// sequence.
func newTestAgg(t *testing.T, c aggCall) (Aggregator, *Resolved) {
	t.Helper()
	args := make([]Arg, 0, len(c.cols)+len(c.literals))
	for _, ct := range c.cols {
		args = append(args, Arg{Type: ct})
	}
	for _, l := range c.literals {
		args = append(args, Arg{Type: literalType(l), Literal: true})
	}
	res, err := Builtins().ResolveAggregate(c.name, args)
	if err != nil {
		t.Fatalf("resolve %s: %v", c.name, err)
	}
	if got := res.AggregateLiterals(); got != len(c.literals) {
		t.Fatalf("%s: AggregateLiterals = %d, want %d", c.name, got, len(c.literals))
	}
	n := int64(0)
	seq := func() int64 { n++; return n }
	agg, err := NewAggregator(res, c.literals, &EvalContext{Props: c.props}, seq)
	if err != nil {
		t.Fatalf("new %s: %v", c.name, err)
	}
	if !agg.ReturnType().Equal(res.Return) {
		t.Fatalf("%s: ReturnType %s, resolved %s", c.name, agg.ReturnType(), res.Return)
	}
	return agg, res
}

// step is one operation of a sequence: add (default) or undo of a row.
type step struct {
	undo bool
	row  []sqltypes.Value
}

func add(row ...sqltypes.Value) step  { return step{row: row} }
func undo(row ...sqltypes.Value) step { return step{undo: true, row: row} }

// one is a single-argument add.
func adds(vs ...sqltypes.Value) []step {
	out := make([]step, len(vs))
	for i, v := range vs {
		out[i] = add(v)
	}
	return out
}

// runSteps applies steps from Init and returns the result after each one,
// checking that every accumulator fits AccType and that inputs are never
// modified.
func runSteps(t *testing.T, agg Aggregator, steps []step) []sqltypes.Value {
	t.Helper()
	acc := agg.Init()
	checkAcc(t, agg, acc)
	var out []sqltypes.Value
	for i, s := range steps {
		before := ValueText(acc, agg.AccType())
		var err error
		var next Acc
		if s.undo {
			next, err = agg.Undo(acc, s.row)
		} else {
			next, err = agg.Add(acc, s.row)
		}
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if after := ValueText(acc, agg.AccType()); after != before {
			t.Fatalf("step %d modified its input accumulator: %s -> %s", i, before, after)
		}
		acc = next
		checkAcc(t, agg, acc)
		out = append(out, agg.Result(acc))
	}
	return out
}

// accOf folds rows with Add.
func accOf(t *testing.T, agg Aggregator, rows ...[]sqltypes.Value) Acc {
	t.Helper()
	acc := agg.Init()
	for _, r := range rows {
		var err error
		if acc, err = agg.Add(acc, r); err != nil {
			t.Fatal(err)
		}
	}
	return acc
}

func row(vs ...sqltypes.Value) []sqltypes.Value { return vs }

func checkAcc(t *testing.T, agg Aggregator, acc Acc) {
	t.Helper()
	if !fitsType(acc, agg.AccType()) {
		t.Fatalf("accumulator %#v does not fit %s", acc, agg.AccType())
	}
}

// fitsType reports whether v is a value of type t per sqltypes' value model.
func fitsType(v sqltypes.Value, t *sqltypes.Type) bool {
	if v == nil {
		return true
	}
	switch t.Kind {
	case sqltypes.KindBoolean:
		_, ok := v.(bool)
		return ok
	case sqltypes.KindInt:
		_, ok := v.(int32)
		return ok
	case sqltypes.KindBigint:
		_, ok := v.(int64)
		return ok
	case sqltypes.KindDouble:
		_, ok := v.(float64)
		return ok
	case sqltypes.KindDecimal:
		d, ok := v.(sqltypes.Decimal)
		return ok && int(d.Scale) == t.Scale
	case sqltypes.KindString:
		_, ok := v.(string)
		return ok
	case sqltypes.KindBytes:
		_, ok := v.([]byte)
		return ok
	case sqltypes.KindTimestamp:
		_, ok := v.(sqltypes.Timestamp)
		return ok
	case sqltypes.KindDate:
		_, ok := v.(sqltypes.Date)
		return ok
	case sqltypes.KindTime:
		_, ok := v.(sqltypes.Time)
		return ok
	case sqltypes.KindArray:
		l, ok := v.([]sqltypes.Value)
		if !ok {
			return false
		}
		for _, e := range l {
			if !fitsType(e, t.Elem) {
				return false
			}
		}
		return true
	case sqltypes.KindMap:
		m, ok := v.(*sqltypes.Map)
		if !ok || len(m.Keys) != len(m.Vals) {
			return false
		}
		for i := range m.Keys {
			if !fitsType(m.Keys[i], t.Key) || !fitsType(m.Vals[i], t.Elem) {
				return false
			}
		}
		return true
	case sqltypes.KindStruct:
		s, ok := v.(*sqltypes.Struct)
		if !ok || len(s.Vals) != len(t.Fields) {
			return false
		}
		for i, f := range t.Fields {
			if !fitsType(s.Vals[i], f.Type) {
				return false
			}
		}
		return true
	}
	return false
}

// sameResults compares results, doubles within 1e-9 relative (NaN equals
// NaN), everything else with ValuesEqual.
func sameResults(got, want []sqltypes.Value) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !sameValue(got[i], want[i]) {
			return false
		}
	}
	return true
}

func sameValue(g, w sqltypes.Value) bool {
	gf, ok1 := g.(float64)
	wf, ok2 := w.(float64)
	if ok1 && ok2 {
		if math.IsNaN(gf) || math.IsNaN(wf) {
			return math.IsNaN(gf) && math.IsNaN(wf)
		}
		return math.Abs(gf-wf) <= 1e-9*math.Max(1, math.Abs(wf))
	}
	gl, ok1 := g.([]sqltypes.Value)
	wl, ok2 := w.([]sqltypes.Value)
	if ok1 && ok2 {
		return sameResults(gl, wl)
	}
	return ValuesEqual(g, w)
}

func vals(vs ...sqltypes.Value) []sqltypes.Value { return vs }
