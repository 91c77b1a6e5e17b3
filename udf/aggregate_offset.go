package udf

import (
	"sort"

	"github.com/rql/rql/sqltypes"
)

// EARLIEST_BY_OFFSET and LATEST_BY_OFFSET keep each value with the sequence
// number of its arrival, STRUCT<SEQ BIGINT, VAL T> (an ARRAY of them for
// the N variants), so that session windows merge by arrival order.

func aggOffsetDefs() []*FuncDef {
	tT := sqltypes.Generic("T")
	arrT := sqltypes.ArrayOf(tT)
	variants := func(earliest bool) []*Variant {
		nf := func(n, ign int) func(*AggregateCall) (Aggregator, error) {
			return func(call *AggregateCall) (Aggregator, error) { return newByOffset(call, earliest, n, ign) }
		}
		word := "latest"
		if earliest {
			word = "earliest"
		}
		vs := []*Variant{
			aggVariant(tT, 0, nf(-1, -1), pa("col", tT)),
			aggVariant(tT, 1, nf(-1, 0), pa("col", tT), pa("ignoreNulls", tBool)),
			aggVariant(arrT, 1, nf(0, -1), pa("col", tT), pa(word+"N", tInt)),
			aggVariant(arrT, 2, nf(0, 1), pa("col", tT), pa(word+"N", tInt), pa("ignoreNulls", tBool)),
		}
		vs[0].Description = "Returns the " + word + " non-NULL value of the column, by offset."
		vs[1].Description = "Returns the " + word + " value of the column, by offset; ignoreNulls (a literal) says whether NULLs are skipped."
		vs[2].Description = "Returns the " + word + " N (a literal) non-NULL values of the column, by offset, oldest first."
		vs[3].Description = "Returns the " + word + " N values of the column, by offset, oldest first; ignoreNulls says whether NULLs are skipped."
		return vs
	}
	return []*FuncDef{
		aggDef("EARLIEST_BY_OFFSET", "EARLIEST_BY_OFFSET",
			"Returns the oldest value(s) of the column, computed by offset. Streams only.", variants(true)...),
		aggDef("LATEST_BY_OFFSET", "LATEST_BY_OFFSET",
			"Returns the latest value(s) of the column, computed by offset. Streams only.", variants(false)...),
	}
}

// newByOffset builds one of the eight variants. nIdx and ignIdx are the
// indexes of the N and ignoreNulls literals (-1: absent; N absent means the
// single-value variant, ignoreNulls absent means true).
func newByOffset(call *AggregateCall, earliest bool, nIdx, ignIdx int) (Aggregator, error) {
	t := firstArgType(call)
	entryT := sqltypes.StructOf(sqltypes.Field{Name: "SEQ", Type: tBig}, sqltypes.Field{Name: "VAL", Type: t})
	ignoreNulls := true
	if ignIdx >= 0 {
		b, ok := literalBool(call, ignIdx)
		if !ok {
			return nil, aggErr("%s: ignoreNulls must be a BOOLEAN literal", call.Name)
		}
		ignoreNulls = b
	}
	seq := aggSeq(call)
	entry := func(v sqltypes.Value) Acc { return &sqltypes.Struct{Vals: []sqltypes.Value{seq(), v}} }
	if nIdx < 0 {
		if earliest {
			return earliestOne(call.Name, t, entryT, ignoreNulls, entry), nil
		}
		return latestOne(call.Name, t, entryT, ignoreNulls, entry), nil
	}
	n, ok := literalInt(call, nIdx)
	word := "latestN"
	if earliest {
		word = "earliestN"
	}
	if !ok || n <= 0 {
		return nil, aggErr("%s must be 1 or greater", word)
	}
	return byOffsetN(call.Name, t, entryT, earliest, n, ignoreNulls, entry), nil
}

func entrySeq(e sqltypes.Value) int64 {
	if f := accStruct(e); len(f) == 2 {
		return asI64(f[0])
	}
	return 0
}

func entryVal(e sqltypes.Value) sqltypes.Value {
	if f := accStruct(e); len(f) == 2 {
		return f[1]
	}
	return nil
}

// earliestOne: the accumulator is NULL until the first (non-NULL when
// ignoring NULLs) value arrives.
func earliestOne(name string, t, entryT *sqltypes.Type, ignoreNulls bool, entry func(sqltypes.Value) Acc) Aggregator {
	return &aggImpl{
		name: name, accType: entryT, retType: t,
		init: func() Acc { return nil },
		add: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if acc != nil || (args[0] == nil && ignoreNulls) {
				return acc, nil
			}
			return entry(args[0]), nil
		},
		merge: func(a, b Acc) (Acc, error) {
			switch {
			case a == nil:
				return b, nil
			case b == nil:
				return a, nil
			case entrySeq(a) < entrySeq(b):
				return a, nil
			}
			return b, nil
		},
		resultFn: entryVal,
	}
}

// latestOne: Init draws a sequence number too, so a merge with a fresh
// accumulator prefers the fresh NULL unless NULLs are ignored, as ksqlDB.
func latestOne(name string, t, entryT *sqltypes.Type, ignoreNulls bool, entry func(sqltypes.Value) Acc) Aggregator {
	cmp := func(a, b Acc) int {
		if ignoreNulls {
			va, vb := entryVal(a), entryVal(b)
			switch {
			case va == nil && vb == nil:
				return 0
			case va == nil:
				return -1
			case vb == nil:
				return 1
			}
		}
		sa, sb := entrySeq(a), entrySeq(b)
		switch {
		case sa < sb:
			return -1
		case sa > sb:
			return 1
		}
		return 0
	}
	return &aggImpl{
		name: name, accType: entryT, retType: t,
		init: func() Acc { return entry(nil) },
		add: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if args[0] == nil && ignoreNulls {
				return acc, nil
			}
			return entry(args[0]), nil
		},
		merge: func(a, b Acc) (Acc, error) {
			if cmp(a, b) >= 0 {
				return a, nil
			}
			return b, nil
		},
		resultFn: entryVal,
	}
}

// byOffsetN keeps at most n entries, oldest first: the first n for
// EARLIEST, the last n for LATEST. A merge keeps the n earliest (latest)
// entries of both by sequence.
func byOffsetN(name string, t, entryT *sqltypes.Type, earliest bool, n int, ignoreNulls bool,
	entry func(sqltypes.Value) Acc) Aggregator {
	return &aggImpl{
		name: name, accType: sqltypes.ArrayOf(entryT), retType: sqltypes.ArrayOf(t),
		init: func() Acc { return []sqltypes.Value{} },
		add: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if args[0] == nil && ignoreNulls {
				return acc, nil
			}
			l := accList(acc)
			if earliest {
				if len(l) >= n {
					return acc, nil
				}
				return withAppended(l, entry(args[0])), nil
			}
			out := withAppended(l, entry(args[0]))
			if len(out) > n {
				out = out[len(out)-n:]
			}
			return out, nil
		},
		merge: func(a, b Acc) (Acc, error) {
			out := withAppended(accList(a), accList(b)...)
			sort.SliceStable(out, func(i, j int) bool { return entrySeq(out[i]) < entrySeq(out[j]) })
			if len(out) > n {
				if earliest {
					out = out[:n]
				} else {
					out = out[len(out)-n:]
				}
			}
			return out, nil
		},
		resultFn: func(acc Acc) sqltypes.Value {
			l := accList(acc)
			out := make([]sqltypes.Value, len(l))
			for i, e := range l {
				out[i] = entryVal(e)
			}
			return out
		},
	}
}
