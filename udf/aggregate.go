package udf

import (
	"strings"
	"sync/atomic"
	"time"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// Acc is the accumulator of one group of an aggregation: a sqltypes.Value
// of the Aggregator's AccType (ksqlDB's "intermediate type"), never an
// opaque Go value, so the state store can serialize it with the format
// package and restore it. Like every Value it is immutable.
type Acc = sqltypes.Value

// Aggregator folds the rows of a group into an Acc for one resolved call of
// an aggregate function (one column of one query). It is built once per
// query by NewAggregator and is safe for concurrent use by the tasks of the
// query; the state of a group lives only in its Acc.
//
// Contract for every method taking an Acc:
//   - the Acc is one the same Aggregator produced (Init, Add, Undo, Merge),
//     possibly after a round trip through the state store;
//   - it is never modified: the method returns a new Acc or the same one
//     when nothing changed (sub-values may be shared, they are immutable);
//     callers must still not share one Acc between two groups (keys or
//     windows) because of limits that depend on the group's history;
//   - args are the values of the call's column arguments (the init
//     arguments, see AggregateSpec.Literals, are not repeated), one per
//     argument, converted to Resolved.ArgTypes; NULLs are passed and each
//     function treats them as ksqlDB does (most ignore them);
//   - an error means the row could not be aggregated: the caller keeps the
//     previous Acc and reports the error to the processing log.
type Aggregator interface {
	// AccType is the SQL type of the accumulator.
	AccType() *sqltypes.Type
	// ReturnType is the SQL type of Result (Resolved.Return).
	ReturnType() *sqltypes.Type
	// Init returns the accumulator of an empty group.
	Init() Acc
	// Add folds one row into acc.
	Add(acc Acc, args []sqltypes.Value) (Acc, error)
	// CanUndo reports whether Undo is supported, i.e. whether the function
	// may aggregate a TABLE (ksqlDB's TableAggregationFunction). The planner
	// rejects the others over a table with TableAggregationError.
	CanUndo() bool
	// Undo removes from acc a row previously added: aggregations over a
	// table undo the old value of a changed row, then add the new one.
	// It fails when CanUndo is false.
	Undo(acc Acc, args []sqltypes.Value) (Acc, error)
	// Merge combines the accumulators of two session windows merged into
	// one (a is the earlier session, or the fresh Init of the merging
	// record, as Kafka Streams merges: Merge(Merge(Init(), s1), s2), then
	// Add of the record).
	Merge(a, b Acc) (Acc, error)
	// Result maps an accumulator to the function's value.
	Result(acc Acc) sqltypes.Value
}

// AggregateSpec is the aggregate side of a Variant of an Aggregate
// function.
type AggregateSpec struct {
	// Literals is the number of trailing parameters that are initialization
	// arguments (TOPK's k, EARLIEST_BY_OFFSET's n and ignoreNulls): the call
	// must pass literal constants there (AggregateLiteralError otherwise)
	// and their values reach New, not Add. When the variant is Variadic,
	// the repeated parameter is the last one before these trailing literal
	// parameters (TOPK(col, other..., k)). ResolveAggregate knows this.
	Literals int
	// New builds the Aggregator of one call.
	New func(call *AggregateCall) (Aggregator, error)
}

// AggregateCall describes one resolved call to AggregateSpec.New.
type AggregateCall struct {
	// Name is the function's name (upper case).
	Name string
	// ArgTypes are the types of the column arguments (after conversion),
	// one per argument Add receives.
	ArgTypes []*sqltypes.Type
	// Literals are the values of the init arguments, converted to their
	// parameter types.
	Literals []sqltypes.Value
	// Return is the resolved result type.
	Return *sqltypes.Type
	// Eval gives the query's properties (ksql.functions.collect_list.limit,
	// ...); may be nil.
	Eval *EvalContext
	// Seq, when set, returns increasing sequence numbers for the functions
	// that order rows by arrival (EARLIEST_BY_OFFSET, LATEST_BY_OFFSET:
	// the sequence is kept in their Acc to merge session windows). When nil
	// the Aggregator counts from the wall clock in nanoseconds at its
	// creation, which keeps the order across restarts as long as fewer
	// than 10^9 rows a second are aggregated.
	Seq func() int64
}

// AggregateLiterals returns the number of trailing arguments of a resolved
// aggregate call that are init arguments (0 for other functions).
func (r *Resolved) AggregateLiterals() int {
	if r == nil || r.Variant == nil || r.Variant.Aggregate == nil {
		return 0
	}
	return r.Variant.Aggregate.Literals
}

// NewAggregator builds the Aggregator of a call resolved by ResolveAggregate.
// literals holds the values of the trailing AggregateLiterals() arguments,
// already converted to their Resolved.ArgTypes; seq may be nil (see
// AggregateCall.Seq).
func NewAggregator(res *Resolved, literals []sqltypes.Value, ec *EvalContext, seq func() int64) (Aggregator, error) {
	if res == nil || res.Def == nil || res.Variant == nil || res.Variant.Aggregate == nil {
		name := ""
		if res != nil && res.Def != nil {
			name = res.Def.Name
		}
		return nil, rqlerr.New(rqlerr.BindInvalid, "%s is not an aggregate function", name)
	}
	spec := res.Variant.Aggregate
	n := len(res.ArgTypes) - spec.Literals
	if n < 0 || len(literals) != spec.Literals {
		return nil, rqlerr.Bug("aggregate %s: %d literal arguments for %d init parameters",
			res.Def.Name, len(literals), spec.Literals)
	}
	for i, l := range literals {
		if l == nil {
			return nil, rqlerr.New(rqlerr.BindFunctionArgs,
				"Parameter %d passed to function %s must not be null", n+i+1, res.Def.Name)
		}
	}
	return spec.New(&AggregateCall{
		Name:     res.Def.Name,
		ArgTypes: res.ArgTypes[:n],
		Literals: literals,
		Return:   res.Return,
		Eval:     ec,
		Seq:      seq,
	})
}

// AggregateLiteralError is ksqlDB's error for a non-literal init argument:
// argIndex counts from 1, expr is the argument's SQL text.
func AggregateLiteralError(fn string, argIndex int, expr string) error {
	return rqlerr.New(rqlerr.BindFunctionArgs,
		"Parameter %d passed to function %s must be a literal constant, but was expression: '%s'",
		argIndex, strings.ToUpper(fn), expr)
}

// TableAggregationError is ksqlDB's error for aggregate functions that
// cannot undo (CanUndo false) applied to a table: names are the distinct
// function names in query order.
func TableAggregationError(names []string) error {
	s := ""
	if len(names) != 1 {
		s = "s"
	}
	return rqlerr.New(rqlerr.BindInvalid,
		"The aggregation function%s %s cannot be applied to a table source, only to a stream source.",
		s, joinAnd(names))
}

// joinAnd joins names as ksqlDB's GrammaticalJoiner.and: "A, B and C".
func joinAnd(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// aggSeq returns the call's sequence source, or a counter seeded from the
// wall clock.
func aggSeq(call *AggregateCall) func() int64 {
	if call.Seq != nil {
		return call.Seq
	}
	c := &atomic.Int64{}
	c.Store(time.Now().UnixNano())
	return func() int64 { return c.Add(1) }
}

// aggErr is a run-time error of an aggregate function.
func aggErr(format string, args ...any) error {
	return rqlerr.New(rqlerr.ExecFunction, format, args...)
}

// errNoUndo is Undo's error for functions that only aggregate streams.
func errNoUndo(name string) error {
	return aggErr("the aggregation function %s cannot undo: it only applies to streams", name)
}

// catAgg is the SHOW FUNCTIONS category of the aggregate functions.
const catAgg = "AGGREGATE"

// aggDef builds an aggregate FuncDef; display is ksqlDB's declared name.
func aggDef(name, display, desc string, vs ...*Variant) *FuncDef {
	for _, v := range vs {
		if v.Description == "" {
			v.Description = desc
		}
	}
	return &FuncDef{Name: name, DisplayName: display, Kind: Aggregate, Category: catAgg, Description: desc, Variants: vs}
}

// aggVariant builds a variant whose last literals parameters are init
// arguments; ret may use the generics of params.
func aggVariant(ret *sqltypes.Type, literals int, newFn func(*AggregateCall) (Aggregator, error), params ...Param) *Variant {
	return &Variant{Params: params, Return: ret, PassNulls: true,
		Aggregate: &AggregateSpec{Literals: literals, New: newFn}}
}

// registerAggregates registers ksqlDB's built-in aggregate functions.
func registerAggregates(r *Registry) {
	r.MustRegister(aggBasicDefs()...)
	r.MustRegister(aggCollectDefs()...)
	r.MustRegister(aggOffsetDefs()...)
	r.MustRegister(aggTopKDefs()...)
	r.MustRegister(aggStatsDefs()...)
}

// aggProp returns the int property name, or def when unset, invalid or
// negative (ksqlDB: a negative limit means no limit).
func aggLimitProp(ec *EvalContext, name string) int {
	const unlimited = int(^uint(0) >> 1)
	v := strings.TrimSpace(ec.Prop(name))
	if v == "" {
		return unlimited
	}
	n := 0
	neg := false
	for i, c := range v {
		switch {
		case c == '-' && i == 0:
			neg = true
		case c >= '0' && c <= '9':
			if n > unlimited/10 {
				return unlimited
			}
			n = n*10 + int(c-'0')
		default:
			return unlimited
		}
	}
	if neg {
		return unlimited
	}
	return n
}
