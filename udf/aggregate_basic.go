package udf

import (
	"math/big"

	"github.com/rql/rql/sqltypes"
)

// aggBasicDefs: COUNT, SUM, SUM_LIST, AVG, MIN, MAX, ATTR and
// COUNT_DISTINCT.
func aggBasicDefs() []*FuncDef {
	tAnyT := sqltypes.Generic("T")
	var sums, mins, maxs, avgs, sumLists []*Variant
	for _, t := range []*sqltypes.Type{tInt, tBig, tDbl, tAnyDec} {
		v := aggVariant(t, 0, newSum, pa("col", t))
		if t.Kind == sqltypes.KindDecimal {
			v.ReturnFn = sameAsFirst
		}
		sums = append(sums, v)
	}
	for _, t := range []*sqltypes.Type{tInt, tBig, tDbl} {
		avgs = append(avgs, aggVariant(tDbl, 0, newAvg, pa("col", t)))
		sumLists = append(sumLists, aggVariant(t, 0, newSumList, pa("list", sqltypes.ArrayOf(t))))
	}
	for _, t := range []*sqltypes.Type{tInt, tBig, tDbl, tAnyDec, sqltypes.DateT, sqltypes.TimeT,
		sqltypes.TimestampT, tStr, tBytes} {
		mn := aggVariant(t, 0, newMinMax(-1), pa("col", t))
		mx := aggVariant(t, 0, newMinMax(1), pa("col", t))
		if t.Kind == sqltypes.KindDecimal {
			mn.ReturnFn, mx.ReturnFn = sameAsFirst, sameAsFirst
		}
		mins, maxs = append(mins, mn), append(maxs, mx)
	}
	return []*FuncDef{
		aggDef("COUNT", "COUNT", "Counts the rows whose argument is not NULL (COUNT(*) and COUNT() count ROWTIME, i.e. every row).",
			aggVariant(tBig, 0, newCount, pa("col", sqltypes.Any))),
		aggDef("SUM", "SUM", "Sums the column's non-NULL values; the result has the column's type (DECIMAL keeps its precision and scale and fails on overflow).", sums...),
		aggDef("SUM_LIST", "sum_list", "Sums the non-NULL elements of each row's array.", sumLists...),
		aggDef("AVG", "avg", "Returns the average of the column's non-NULL values as a DOUBLE (0.0 for no values).", avgs...),
		aggDef("MIN", "MIN", "Returns the minimum non-NULL value of the column. Streams only.", mins...),
		aggDef("MAX", "MAX", "Returns the maximum non-NULL value of the column. Streams only.", maxs...),
		aggDef("ATTR", "ATTR", "Returns the column's value when every row of the group has the same value (NULL included), else NULL.",
			aggVariant(tAnyT, 0, newAttr, pa("col", tAnyT))),
		aggDef("COUNT_DISTINCT", "COUNT_DISTINCT", "Returns the approximate number of distinct non-NULL values (HyperLogLog, standard error below 1%). Streams only.",
			aggVariant(tBig, 0, newCountDistinct, pa("col", tAnyT))),
	}
}

func newCount(call *AggregateCall) (Aggregator, error) {
	step := func(d int64) func(Acc, []sqltypes.Value) (Acc, error) {
		return func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if args[0] == nil {
				return acc, nil
			}
			return asI64(acc) + d, nil
		}
	}
	return &aggImpl{
		name: call.Name, accType: tBig, retType: tBig,
		init: func() Acc { return int64(0) },
		add:  step(1), undo: step(-1),
		merge: func(a, b Acc) (Acc, error) { return asI64(a) + asI64(b), nil },
	}, nil
}

// numOps is the arithmetic of one numeric type for SUM, AVG and SUM_LIST,
// with Java's semantics (INT and BIGINT wrap around).
type numOps struct {
	typ  *sqltypes.Type
	zero sqltypes.Value
	add  func(a, b sqltypes.Value) (sqltypes.Value, error)
	sub  func(a, b sqltypes.Value) sqltypes.Value
	f64  func(v sqltypes.Value) float64
}

func numOpsFor(t *sqltypes.Type) (*numOps, error) {
	switch t.Kind {
	case sqltypes.KindInt:
		i32 := func(v sqltypes.Value) int32 { x, _ := v.(int32); return x }
		return &numOps{typ: t, zero: int32(0),
			add: func(a, b sqltypes.Value) (sqltypes.Value, error) { return i32(a) + i32(b), nil },
			sub: func(a, b sqltypes.Value) sqltypes.Value { return i32(a) - i32(b) },
			f64: func(v sqltypes.Value) float64 { return float64(i32(v)) }}, nil
	case sqltypes.KindBigint:
		return &numOps{typ: t, zero: int64(0),
			add: func(a, b sqltypes.Value) (sqltypes.Value, error) { return asI64(a) + asI64(b), nil },
			sub: func(a, b sqltypes.Value) sqltypes.Value { return asI64(a) - asI64(b) },
			f64: func(v sqltypes.Value) float64 { return float64(asI64(v)) }}, nil
	case sqltypes.KindDouble:
		return &numOps{typ: t, zero: float64(0),
			add: func(a, b sqltypes.Value) (sqltypes.Value, error) { return asF64(a) + asF64(b), nil },
			sub: func(a, b sqltypes.Value) sqltypes.Value { return asF64(a) - asF64(b) },
			f64: asF64}, nil
	case sqltypes.KindDecimal:
		scale := int32(t.Scale)
		digits := t.Precision - t.Scale
		limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)
		dec := func(v sqltypes.Value) sqltypes.Decimal { return asDec(v).Rescale(scale) }
		return &numOps{typ: t, zero: sqltypes.NewDecimal(0, scale),
			add: func(a, b sqltypes.Value) (sqltypes.Value, error) {
				s := dec(a).Add(dec(b))
				if t.Precision > 0 && new(big.Int).Abs(s.Unscaled).Cmp(new(big.Int).Mul(limit, pow10Big(scale))) >= 0 {
					return nil, aggErr("Numeric field overflow: A field with precision %d and scale %d "+
						"must round to an absolute value less than 10^%d. Got %s", t.Precision, t.Scale, digits, s.String())
				}
				return s, nil
			},
			sub: func(a, b sqltypes.Value) sqltypes.Value { return dec(a).Sub(dec(b)) },
			f64: func(v sqltypes.Value) float64 { return asDec(v).Float64() }}, nil
	}
	return nil, aggErr("no aggregate function with %s argument type exists", t.SQL())
}

func pow10Big(n int32) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

func newSum(call *AggregateCall) (Aggregator, error) {
	ops, err := numOpsFor(firstArgType(call))
	if err != nil {
		return nil, err
	}
	return &aggImpl{
		name: call.Name, accType: ops.typ, retType: ops.typ,
		init: func() Acc { return ops.zero },
		add: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if args[0] == nil {
				return acc, nil
			}
			return ops.add(acc, args[0])
		},
		undo: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if args[0] == nil {
				return acc, nil
			}
			return ops.sub(acc, args[0]), nil
		},
		merge: func(a, b Acc) (Acc, error) { return ops.add(a, b) },
	}, nil
}

func newSumList(call *AggregateCall) (Aggregator, error) {
	at := firstArgType(call)
	if at.Kind != sqltypes.KindArray {
		return nil, aggErr("sum_list expects an ARRAY, got %s", at.SQL())
	}
	ops, err := numOpsFor(at.Elem)
	if err != nil {
		return nil, err
	}
	sumOf := func(l sqltypes.Value) (sqltypes.Value, error) {
		s := ops.zero
		for _, e := range accList(l) {
			if e == nil {
				continue
			}
			var err error
			if s, err = ops.add(s, e); err != nil {
				return nil, err
			}
		}
		return s, nil
	}
	return &aggImpl{
		name: call.Name, accType: ops.typ, retType: ops.typ,
		init: func() Acc { return ops.zero },
		add: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if args[0] == nil {
				return acc, nil
			}
			s, err := sumOf(args[0])
			if err != nil {
				return acc, err
			}
			return ops.add(acc, s)
		},
		undo: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if args[0] == nil {
				return acc, nil
			}
			s, err := sumOf(args[0])
			if err != nil {
				return acc, err
			}
			return ops.sub(acc, s), nil
		},
		merge: func(a, b Acc) (Acc, error) { return ops.add(a, b) },
	}, nil
}

// newAvg keeps STRUCT<SUM T, COUNT BIGINT> as ksqlDB does.
func newAvg(call *AggregateCall) (Aggregator, error) {
	ops, err := numOpsFor(firstArgType(call))
	if err != nil {
		return nil, err
	}
	accT := sqltypes.StructOf(sqltypes.Field{Name: "SUM", Type: ops.typ}, sqltypes.Field{Name: "COUNT", Type: tBig})
	mk := func(sum sqltypes.Value, n int64) Acc { return &sqltypes.Struct{Vals: []sqltypes.Value{sum, n}} }
	parts := func(acc Acc) (sqltypes.Value, int64) {
		f := accStruct(acc)
		if len(f) != 2 {
			return ops.zero, 0
		}
		return f[0], asI64(f[1])
	}
	return &aggImpl{
		name: call.Name, accType: accT, retType: tDbl,
		init: func() Acc { return mk(ops.zero, 0) },
		add: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if args[0] == nil {
				return acc, nil
			}
			s, n := parts(acc)
			s2, err := ops.add(s, args[0])
			if err != nil {
				return acc, err
			}
			return mk(s2, n+1), nil
		},
		undo: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if args[0] == nil {
				return acc, nil
			}
			s, n := parts(acc)
			return mk(ops.sub(s, args[0]), n-1), nil
		},
		merge: func(a, b Acc) (Acc, error) {
			s1, n1 := parts(a)
			s2, n2 := parts(b)
			s, err := ops.add(s1, s2)
			if err != nil {
				return a, err
			}
			return mk(s, n1+n2), nil
		},
		resultFn: func(acc Acc) sqltypes.Value {
			s, n := parts(acc)
			if n == 0 {
				return 0.0
			}
			return ops.f64(s) / float64(n)
		},
	}, nil
}

// newMinMax returns MIN (sign -1) or MAX (sign 1): NULLs are ignored, the
// accumulator is the current extreme (NULL for no values).
func newMinMax(sign int) func(call *AggregateCall) (Aggregator, error) {
	return func(call *AggregateCall) (Aggregator, error) {
		t := firstArgType(call)
		pick := func(a, b Acc) (Acc, error) {
			if b == nil {
				return a, nil
			}
			if a == nil {
				return b, nil
			}
			c, err := collCompare(b, a)
			if err != nil {
				return a, aggErr("%s: %v", call.Name, err)
			}
			if c*sign > 0 {
				return b, nil
			}
			return a, nil
		}
		return &aggImpl{
			name: call.Name, accType: t, retType: t,
			init:  func() Acc { return nil },
			add:   func(acc Acc, args []sqltypes.Value) (Acc, error) { return pick(acc, args[0]) },
			merge: pick,
		}, nil
	}
}

// newAttr keeps ARRAY<STRUCT<VALUE T, COUNT INT>>: one entry per distinct
// value (NULL included) with its number of rows.
func newAttr(call *AggregateCall) (Aggregator, error) {
	t := firstArgType(call)
	entryT := sqltypes.StructOf(sqltypes.Field{Name: "VALUE", Type: t}, sqltypes.Field{Name: "COUNT", Type: tInt})
	update := func(acc Acc, v sqltypes.Value, d int32) Acc {
		l := accList(acc)
		out := make([]sqltypes.Value, 0, len(l)+1)
		found := false
		for _, e := range l {
			f := accStruct(e)
			if len(f) == 2 && ValuesEqual(f[0], v) {
				found = true
				n := int32(asI64(f[1])) + d
				if n < 0 {
					n = 0
				}
				e = &sqltypes.Struct{Vals: []sqltypes.Value{f[0], n}}
			}
			out = append(out, e)
		}
		if !found && d > 0 {
			out = append(out, &sqltypes.Struct{Vals: []sqltypes.Value{v, d}})
		}
		return out
	}
	return &aggImpl{
		name: call.Name, accType: sqltypes.ArrayOf(entryT), retType: t,
		init: func() Acc { return []sqltypes.Value{} },
		add:  func(acc Acc, args []sqltypes.Value) (Acc, error) { return update(acc, args[0], 1), nil },
		undo: func(acc Acc, args []sqltypes.Value) (Acc, error) { return update(acc, args[0], -1), nil },
		merge: func(a, b Acc) (Acc, error) {
			out := a
			for _, e := range accList(b) {
				if f := accStruct(e); len(f) == 2 {
					out = update(out, f[0], int32(asI64(f[1])))
				}
			}
			return out, nil
		},
		resultFn: func(acc Acc) sqltypes.Value {
			var only sqltypes.Value
			n := 0
			for _, e := range accList(acc) {
				if f := accStruct(e); len(f) == 2 && asI64(f[1]) > 0 {
					only = f[0]
					n++
				}
			}
			if n != 1 {
				return nil
			}
			return only
		},
	}, nil
}
