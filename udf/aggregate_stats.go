package udf

import (
	"math"

	"github.com/rql/rql/sqltypes"
)

// aggStatsDefs: STDDEV_SAMP, STDDEV_SAMPLE, CORRELATION.
func aggStatsDefs() []*FuncDef {
	var samp, sample []*Variant
	for _, t := range []*sqltypes.Type{tInt, tBig, tDbl} {
		samp = append(samp, aggVariant(tDbl, 0, newStdDev(false), pa("col", t)))
		sample = append(sample, aggVariant(tDbl, 0, newStdDev(true), pa("col", t)))
	}
	return []*FuncDef{
		// ksqlDB's STDDEV_SAMP returns the sample variance (M2 / (n - 1))
		// without the square root; its golden tests expect that.
		aggDef("STDDEV_SAMP", "STDDEV_SAMP",
			"Returns the sample variance of the column (as ksqlDB's STDDEV_SAMP does: no square root); 0.0 below two values.", samp...),
		aggDef("STDDEV_SAMPLE", "STDDEV_SAMPLE",
			"Returns the sample standard deviation of the column; 0.0 below two values.", sample...),
		aggDef("CORRELATION", "correlation",
			"Returns the Pearson correlation coefficient of two columns over the rows where neither is NULL (NaN when undefined).",
			aggVariant(tDbl, 0, newCorrelation, pa("x", tDbl), pa("y", tDbl))),
	}
}

// newStdDev keeps STRUCT<SUM T, COUNT BIGINT, M2 DOUBLE> and updates M2
// with the Youngs-Cramer algorithm, as ksqlDB.
func newStdDev(sqrt bool) func(*AggregateCall) (Aggregator, error) {
	return func(call *AggregateCall) (Aggregator, error) {
		ops, err := numOpsFor(firstArgType(call))
		if err != nil {
			return nil, err
		}
		integral := ops.typ.Kind != sqltypes.KindDouble
		accT := sqltypes.StructOf(sqltypes.Field{Name: "SUM", Type: ops.typ},
			sqltypes.Field{Name: "COUNT", Type: tBig}, sqltypes.Field{Name: "M2", Type: tDbl})
		mk := func(sum sqltypes.Value, n int64, m2 float64) Acc {
			return &sqltypes.Struct{Vals: []sqltypes.Value{sum, n, m2}}
		}
		parts := func(acc Acc) (sqltypes.Value, int64, float64) {
			f := accStruct(acc)
			if len(f) != 3 {
				return ops.zero, 0, 0
			}
			return f[0], asI64(f[1]), asF64(f[2])
		}
		// delta is v·(n+1) − (sum+v) for an accumulator of n values.
		delta := func(sum sqltypes.Value, n int64, v sqltypes.Value) float64 {
			s, _ := ops.add(sum, v)
			return ops.f64(v)*float64(n+1) - ops.f64(s)
		}
		mean := func(sum sqltypes.Value, n int64) float64 {
			if integral && !sqrt {
				// STDDEV_SAMP divides integers as Java's long division.
				return float64(asI64(sum) / n)
			}
			return ops.f64(sum) / float64(n)
		}
		return &aggImpl{
			name: call.Name, accType: accT, retType: tDbl,
			init: func() Acc { return mk(ops.zero, 0, 0) },
			add: func(acc Acc, args []sqltypes.Value) (Acc, error) {
				v := args[0]
				if v == nil {
					return acc, nil
				}
				sum, n, m2 := parts(acc)
				add := 0.0
				if n > 0 {
					d := delta(sum, n, v)
					add = d * d / float64((n+1)*n)
				}
				s, err := ops.add(sum, v)
				if err != nil {
					return acc, err
				}
				return mk(s, n+1, m2+add), nil
			},
			undo: func(acc Acc, args []sqltypes.Value) (Acc, error) {
				v := args[0]
				if v == nil {
					return acc, nil
				}
				sum, n, m2 := parts(acc)
				sub := 0.0
				if n-1 > 0 {
					d := delta(sum, n, v) // ksqlDB's delta with the current count
					sub = d * d / float64((n-1)*n)
				}
				return mk(ops.sub(sum, v), n-1, m2-sub), nil
			},
			merge: func(a, b Acc) (Acc, error) {
				s1, n1, m1 := parts(a)
				s2, n2, m2 := parts(b)
				s, err := ops.add(s1, s2)
				if err != nil {
					return a, err
				}
				m := m1 + m2
				if n1 > 0 && n2 > 0 {
					d := mean(s1, n1) - mean(s2, n2)
					m += float64(n1) * float64(n2) * d * d / float64(n1+n2)
				}
				return mk(s, n1+n2, m), nil
			},
			resultFn: func(acc Acc) sqltypes.Value {
				_, n, m2 := parts(acc)
				if n < 2 {
					return 0.0
				}
				if sqrt {
					return math.Sqrt(m2 / float64(n-1))
				}
				return m2 / float64(n-1)
			},
		}, nil
	}
}

// newCorrelation keeps the sums of x, y, x², y², xy and the count, as
// ksqlDB's STRUCT<X_SUM, Y_SUM, X_SQUARED_SUM, Y_SQUARED_SUM, XY_SUM, COUNT>.
func newCorrelation(call *AggregateCall) (Aggregator, error) {
	fields := []sqltypes.Field{{Name: "X_SUM", Type: tDbl}, {Name: "Y_SUM", Type: tDbl},
		{Name: "X_SQUARED_SUM", Type: tDbl}, {Name: "Y_SQUARED_SUM", Type: tDbl},
		{Name: "XY_SUM", Type: tDbl}, {Name: "COUNT", Type: tBig}}
	type sums struct{ x, y, xx, yy, xy float64 }
	read := func(acc Acc) (sums, int64) {
		f := accStruct(acc)
		if len(f) != 6 {
			return sums{}, 0
		}
		return sums{asF64(f[0]), asF64(f[1]), asF64(f[2]), asF64(f[3]), asF64(f[4])}, asI64(f[5])
	}
	mk := func(s sums, n int64) Acc {
		return &sqltypes.Struct{Vals: []sqltypes.Value{s.x, s.y, s.xx, s.yy, s.xy, n}}
	}
	step := func(sign float64) func(Acc, []sqltypes.Value) (Acc, error) {
		return func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if len(args) < 2 || args[0] == nil || args[1] == nil {
				return acc, nil
			}
			x, y := asDbl(args[0]), asDbl(args[1])
			s, n := read(acc)
			s = sums{s.x + sign*x, s.y + sign*y, s.xx + sign*x*x, s.yy + sign*y*y, s.xy + sign*x*y}
			return mk(s, n+int64(sign)), nil
		}
	}
	return &aggImpl{
		name: call.Name, accType: sqltypes.StructOf(fields...), retType: tDbl,
		init: func() Acc { return mk(sums{}, 0) },
		add:  step(1), undo: step(-1),
		merge: func(a, b Acc) (Acc, error) {
			s1, n1 := read(a)
			s2, n2 := read(b)
			return mk(sums{s1.x + s2.x, s1.y + s2.y, s1.xx + s2.xx, s1.yy + s2.yy, s1.xy + s2.xy}, n1+n2), nil
		},
		resultFn: func(acc Acc) sqltypes.Value {
			s, n := read(acc)
			c := float64(n)
			num := c*s.xy - s.x*s.y
			den := math.Sqrt((c*s.xx - s.x*s.x) * (c*s.yy - s.y*s.y))
			return num / den
		},
	}, nil
}
