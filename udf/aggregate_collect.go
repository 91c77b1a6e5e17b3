package udf

import (
	"github.com/rql/rql/sqltypes"
)

// Property names of the collection limits.
const (
	PropCollectListLimit = "ksql.functions.collect_list.limit"
	PropCollectSetLimit  = "ksql.functions.collect_set.limit"
)

// histogramLimit bounds HISTOGRAM's distinct values, as ksqlDB does.
const histogramLimit = 1000

// aggCollectDefs: COLLECT_LIST, COLLECT_SET, HISTOGRAM.
func aggCollectDefs() []*FuncDef {
	tT := sqltypes.Generic("T")
	arrT := sqltypes.ArrayOf(tT)
	return []*FuncDef{
		aggDef("COLLECT_LIST", "collect_list",
			"Gathers the values of the column (NULLs included) into an array, in arrival order, at most "+
				PropCollectListLimit+" entries.",
			aggVariant(arrT, 0, newCollectList, pa("col", tT))),
		aggDef("COLLECT_SET", "collect_set",
			"Gathers the distinct values of the column (NULL included) into an array, in first-arrival order, at most "+
				PropCollectSetLimit+" entries. Streams only.",
			aggVariant(arrT, 0, newCollectSet, pa("col", tT))),
		aggDef("HISTOGRAM", "histogram",
			"Returns a map of each distinct non-NULL string to the number of times it occurs (at most 1000 entries).",
			aggVariant(sqltypes.MapOf(tStr, tBig), 0, newHistogram, pa("col", tStr))),
	}
}

func newCollectList(call *AggregateCall) (Aggregator, error) {
	t := sqltypes.ArrayOf(firstArgType(call))
	limit := aggLimitProp(call.Eval, PropCollectListLimit)
	return &aggImpl{
		name: call.Name, accType: t, retType: t,
		init: func() Acc { return []sqltypes.Value{} },
		add: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			l := accList(acc)
			if len(l) >= limit {
				return acc, nil
			}
			return withAppended(l, args[0]), nil
		},
		// ksqlDB removes the last occurrence of the value: the position of
		// the row that added it is not tracked.
		undo: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			l := accList(acc)
			for i := len(l) - 1; i >= 0; i-- {
				if ValuesEqual(l[i], args[0]) {
					out := make([]sqltypes.Value, 0, len(l)-1)
					out = append(out, l[:i]...)
					return append(out, l[i+1:]...), nil
				}
			}
			return acc, nil
		},
		merge: func(a, b Acc) (Acc, error) {
			la, lb := accList(a), accList(b)
			room := limit - len(la)
			if room <= 0 || len(lb) == 0 {
				return a, nil
			}
			if room > len(lb) {
				room = len(lb)
			}
			return withAppended(la, lb[:room]...), nil
		},
	}, nil
}

func newCollectSet(call *AggregateCall) (Aggregator, error) {
	t := sqltypes.ArrayOf(firstArgType(call))
	limit := aggLimitProp(call.Eval, PropCollectSetLimit)
	contains := func(l []sqltypes.Value, v sqltypes.Value) bool {
		for _, e := range l {
			if ValuesEqual(e, v) {
				return true
			}
		}
		return false
	}
	return &aggImpl{
		name: call.Name, accType: t, retType: t,
		init: func() Acc { return []sqltypes.Value{} },
		add: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			l := accList(acc)
			if len(l) >= limit || contains(l, args[0]) {
				return acc, nil
			}
			return withAppended(l, args[0]), nil
		},
		merge: func(a, b Acc) (Acc, error) {
			out := accList(a)
			copied := false
			for _, v := range accList(b) {
				if len(out) >= limit {
					break
				}
				if contains(out, v) {
					continue
				}
				if !copied {
					out, copied = withAppended(out), true
				}
				out = append(out, v)
			}
			return out, nil
		},
	}, nil
}

// newHistogram keeps MAP<STRING, BIGINT> in first-arrival order. NULLs are
// ignored (ksqlDB would count them under a null key, which no format can
// write).
func newHistogram(call *AggregateCall) (Aggregator, error) {
	t := sqltypes.MapOf(tStr, tBig)
	bump := func(acc Acc, k sqltypes.Value, d int64) Acc {
		m, _ := acc.(*sqltypes.Map)
		if m == nil {
			m = &sqltypes.Map{}
		}
		i := collMapIndex(m, k)
		if i < 0 {
			if d <= 0 || len(m.Keys) >= histogramLimit {
				return acc
			}
			return &sqltypes.Map{Keys: withAppended(m.Keys, k), Vals: withAppended(m.Vals, d)}
		}
		n := asI64(m.Vals[i]) + d
		if n < 1 {
			keys := make([]sqltypes.Value, 0, len(m.Keys)-1)
			vals := make([]sqltypes.Value, 0, len(m.Keys)-1)
			keys = append(append(keys, m.Keys[:i]...), m.Keys[i+1:]...)
			vals = append(append(vals, m.Vals[:i]...), m.Vals[i+1:]...)
			return &sqltypes.Map{Keys: keys, Vals: vals}
		}
		vals := withAppended(m.Vals)
		vals[i] = n
		return &sqltypes.Map{Keys: m.Keys, Vals: vals}
	}
	return &aggImpl{
		name: call.Name, accType: t, retType: t,
		init: func() Acc { return &sqltypes.Map{} },
		add: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if args[0] == nil {
				return acc, nil
			}
			return bump(acc, args[0], 1), nil
		},
		undo: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if args[0] == nil {
				return acc, nil
			}
			return bump(acc, args[0], -1), nil
		},
		merge: func(a, b Acc) (Acc, error) {
			out := a
			if mb, ok := b.(*sqltypes.Map); ok {
				for i, k := range mb.Keys {
					out = bump(out, k, asI64(mb.Vals[i]))
				}
			}
			return out, nil
		},
	}, nil
}
