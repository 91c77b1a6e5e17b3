package udf

import (
	"sort"
	"strconv"

	"github.com/rql/rql/sqltypes"
)

// aggTopKDefs: TOPK (plain and with other columns) and TOPKDISTINCT.
func aggTopKDefs() []*FuncDef {
	var topk, distinct []*Variant
	for _, t := range []*sqltypes.Type{tInt, tBig, tDbl, tStr} {
		topk = append(topk, aggVariant(sqltypes.ArrayOf(t), 1, newTopK, pa("col", t), pa("k", tInt)))
		v := aggVariant(sqltypes.ArrayOf(sqltypes.StructOf()), 1, newTopK,
			pa("col", t), pa("other", sqltypes.Any), pa("k", tInt))
		v.Variadic = true
		v.ReturnFn = topKStructType
		v.Description = "Returns the k (a literal) rows with the highest values of col, each as a STRUCT of " +
			"sort_col (col) and col0, col1, ... (the other columns), highest first."
		topk = append(topk, v)
		distinct = append(distinct, aggVariant(sqltypes.ArrayOf(t), 1, newTopKDistinct, pa("col", t), pa("k", tInt)))
	}
	return []*FuncDef{
		aggDef("TOPK", "TOPK", "Returns the k (a literal) highest non-NULL values of the column, highest first. Streams only.", topk...),
		aggDef("TOPKDISTINCT", "TOPKDISTINCT", "Returns the k (a literal) highest distinct non-NULL values of the column, highest first. Streams only.", distinct...),
	}
}

// topKStructType is ARRAY<STRUCT<sort_col T, col0 U0, ...>> for the
// argument types of TOPK(col, other..., k).
func topKStructType(args []*sqltypes.Type) (*sqltypes.Type, error) {
	if len(args) < 2 {
		return nil, aggErr("TOPK expects a column and k")
	}
	fields := []sqltypes.Field{{Name: "sort_col", Type: args[0]}}
	for i, t := range args[1 : len(args)-1] {
		fields = append(fields, sqltypes.Field{Name: "col" + strconv.Itoa(i), Type: t})
	}
	return sqltypes.ArrayOf(sqltypes.StructOf(fields...)), nil
}

func topKSize(call *AggregateCall) (int, error) {
	k, ok := literalInt(call, 0)
	if !ok || k <= 0 {
		return 0, aggErr("%s: k must be a positive INT literal", call.Name)
	}
	return k, nil
}

// newTopK keeps the result itself, highest first; with other columns each
// entry is a STRUCT ordered by its sort_col, earlier rows first on ties.
func newTopK(call *AggregateCall) (Aggregator, error) {
	k, err := topKSize(call)
	if err != nil {
		return nil, err
	}
	var rt *sqltypes.Type
	withCols := len(call.ArgTypes) > 1
	if withCols {
		rt, _ = topKStructType(append(append([]*sqltypes.Type{}, call.ArgTypes...), tInt))
	} else {
		rt = sqltypes.ArrayOf(firstArgType(call))
	}
	key := func(e sqltypes.Value) sqltypes.Value {
		if withCols {
			if f := accStruct(e); len(f) > 0 {
				return f[0]
			}
			return nil
		}
		return e
	}
	cmp := func(a, b sqltypes.Value) int {
		c, _ := collCompare(key(a), key(b))
		return c
	}
	return &aggImpl{
		name: call.Name, accType: rt, retType: rt,
		init: func() Acc { return []sqltypes.Value{} },
		add: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if args[0] == nil {
				return acc, nil
			}
			var e sqltypes.Value = args[0]
			if withCols {
				e = &sqltypes.Struct{Vals: append([]sqltypes.Value{}, args...)}
			}
			l := accList(acc)
			if len(l) >= k && cmp(e, l[len(l)-1]) <= 0 {
				return acc, nil
			}
			var out []sqltypes.Value
			if len(l) >= k {
				out = withAppended(l[:k-1], e)
			} else {
				out = withAppended(l, e)
			}
			sort.SliceStable(out, func(i, j int) bool { return cmp(out[i], out[j]) > 0 })
			return out, nil
		},
		merge: func(a, b Acc) (Acc, error) {
			la, lb := accList(a), accList(b)
			out := make([]sqltypes.Value, 0, k)
			i, j := 0, 0
			for len(out) < k && (i < len(la) || j < len(lb)) {
				if j >= len(lb) || (i < len(la) && cmp(la[i], lb[j]) >= 0) {
					out = append(out, la[i])
					i++
				} else {
					out = append(out, lb[j])
					j++
				}
			}
			return out, nil
		},
	}, nil
}

func newTopKDistinct(call *AggregateCall) (Aggregator, error) {
	k, err := topKSize(call)
	if err != nil {
		return nil, err
	}
	rt := sqltypes.ArrayOf(firstArgType(call))
	cmp := func(a, b sqltypes.Value) int {
		c, _ := collCompare(a, b)
		return c
	}
	return &aggImpl{
		name: call.Name, accType: rt, retType: rt,
		init: func() Acc { return []sqltypes.Value{} },
		add: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			v := args[0]
			if v == nil {
				return acc, nil
			}
			l := accList(acc)
			if len(l) >= k && cmp(v, l[len(l)-1]) <= 0 {
				return acc, nil
			}
			for _, e := range l {
				if cmp(e, v) == 0 {
					return acc, nil
				}
			}
			var out []sqltypes.Value
			if len(l) >= k {
				out = withAppended(l[:k-1], v)
			} else {
				out = withAppended(l, v)
			}
			sort.SliceStable(out, func(i, j int) bool { return cmp(out[i], out[j]) > 0 })
			return out, nil
		},
		merge: func(a, b Acc) (Acc, error) {
			la, lb := accList(a), accList(b)
			out := make([]sqltypes.Value, 0, k)
			i, j := 0, 0
			for len(out) < k && (i < len(la) || j < len(lb)) {
				switch {
				case j >= len(lb) || (i < len(la) && cmp(la[i], lb[j]) > 0):
					out = append(out, la[i])
					i++
				case i >= len(la) || cmp(lb[j], la[i]) > 0:
					out = append(out, lb[j])
					j++
				default:
					out = append(out, la[i])
					i++
					j++
				}
			}
			return out, nil
		},
	}, nil
}
