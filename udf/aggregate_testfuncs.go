package udf

import (
	"github.com/rql/rql/sqltypes"
)

// RegisterTestAggregates adds the aggregate functions of ksqlDB's test
// classpath that its golden cases call (TEST_UDAF, VAR_ARG, MID_VAR_ARG,
// MULTI_ARG, FIVE_ARG, OBJ_COL_ARG, GENERIC_VAR_ARG), with the behaviour
// those cases show. Like RegisterTestFunctions, only the conformance runner
// registers them.
func RegisterTestAggregates(r *Registry) {
	tT, tU := sqltypes.Generic("T"), sqltypes.Generic("U")
	var testUDAF []*Variant
	for _, t := range []*sqltypes.Type{tBig, tInt, tDbl} {
		ret := tBig
		if t.Kind == sqltypes.KindDouble {
			ret = tDbl
		}
		testUDAF = append(testUDAF, aggVariant(ret, 0, newTestSum, pa("val", t)))
	}
	testUDAF = append(testUDAF, aggVariant(testStructAB, 0, newTestSum, pa("val", testStructAB)))
	varArg := aggVariant(tBig, 0, newTestLengthSum, pa("first", tBig), pa("rest", tStr))
	varArg.Variadic = true
	midVarArg := aggVariant(tBig, 2, newTestLengthSum, pa("first", tBig), pa("rest", tStr), pa("a", tInt), pa("b", tInt))
	midVarArg.Variadic = true
	objColArg := aggVariant(sqltypes.ArrayOf(tInt), 0, newTestCollectFirst, pa("first", tInt), pa("second", tBig), pa("rest", sqltypes.Any))
	objColArg.Variadic = true
	genericVarArg := aggVariant(sqltypes.ArrayOf(tT), 0, newTestCollectFirst, pa("first", tT), pa("second", tInt), pa("rest", tU))
	genericVarArg.Variadic = true
	lits := []Param{pa("a", tInt), pa("b", tStr), pa("c", tStr), pa("d", tStr)}
	r.MustRegister(
		aggDef("TEST_UDAF", "test_udaf", "test_udaf", testUDAF...),
		aggDef("VAR_ARG", "VAR_ARG", "sums the first column and the lengths of the strings", varArg),
		aggDef("MID_VAR_ARG", "MID_VAR_ARG", "sums the first column and the lengths of the strings, from the sum of the literals", midVarArg),
		aggDef("MULTI_ARG", "MULTI_ARG", "sums the first column and the length of the string, from the literals",
			aggVariant(tBig, 4, newTestLengthSum, append([]Param{pa("first", tBig), pa("second", tStr)}, lits...)...)),
		aggDef("FIVE_ARG", "FIVE_ARG", "sums the numbers and the lengths of the strings, from the literals",
			aggVariant(tBig, 4, newTestLengthSum, append([]Param{pa("first", tBig), pa("second", tStr),
				pa("third", tStr), pa("fourth", tStr), pa("fifth", tInt)}, lits...)...)),
		aggDef("OBJ_COL_ARG", "OBJ_COL_ARG", "collects the first column of the rows without NULLs", objColArg),
		aggDef("GENERIC_VAR_ARG", "GENERIC_VAR_ARG", "collects the first column of the rows without NULLs", genericVarArg),
	)
}

var testStructAB = sqltypes.StructOf(sqltypes.Field{Name: "A", Type: tInt}, sqltypes.Field{Name: "B", Type: tInt})

// newTestSum sums numbers (TEST_UDAF), or STRUCT<A INT, B INT> field-wise.
func newTestSum(call *AggregateCall) (Aggregator, error) {
	t := firstArgType(call)
	if t.Kind == sqltypes.KindStruct {
		field := func(acc Acc, i int) int32 {
			if f := accStruct(acc); len(f) > i {
				x, _ := f[i].(int32)
				return x
			}
			return 0
		}
		sum := func(a, b Acc) (Acc, error) {
			return st(field(a, 0)+field(b, 0), field(a, 1)+field(b, 1)), nil
		}
		return &aggImpl{name: call.Name, accType: testStructAB, retType: testStructAB,
			init:  func() Acc { return st(int32(0), int32(0)) },
			add:   func(acc Acc, args []sqltypes.Value) (Acc, error) { return sum(acc, args[0]) },
			merge: sum,
		}, nil
	}
	ret := tBig
	if t.Kind == sqltypes.KindDouble {
		ret = tDbl
	}
	ops, err := numOpsFor(ret)
	if err != nil {
		return nil, err
	}
	widen := func(v sqltypes.Value) sqltypes.Value {
		if x, ok := v.(int32); ok {
			return int64(x)
		}
		return v
	}
	return &aggImpl{name: call.Name, accType: ret, retType: ret,
		init: func() Acc { return ops.zero },
		add: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if args[0] == nil {
				return acc, nil
			}
			return ops.add(acc, widen(args[0]))
		},
		undo: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if args[0] == nil {
				return acc, nil
			}
			return ops.sub(acc, widen(args[0])), nil
		},
		merge: func(a, b Acc) (Acc, error) { return ops.add(a, b) },
	}, nil
}

func st(vs ...sqltypes.Value) *sqltypes.Struct { return &sqltypes.Struct{Vals: vs} }

// newTestLengthSum adds each row's numbers and string lengths (NULL counts
// 0) to an initial value: the sum of the INT literals and the lengths of
// the STRING literals.
func newTestLengthSum(call *AggregateCall) (Aggregator, error) {
	measure := func(vs []sqltypes.Value) int64 {
		n := int64(0)
		for _, v := range vs {
			switch x := v.(type) {
			case string:
				n += int64(len([]rune(x)))
			case int32, int64:
				n += asI64(x)
			}
		}
		return n
	}
	init := measure(call.Literals)
	return &aggImpl{name: call.Name, accType: tBig, retType: tBig,
		init:  func() Acc { return init },
		add:   func(acc Acc, args []sqltypes.Value) (Acc, error) { return asI64(acc) + measure(args), nil },
		merge: func(a, b Acc) (Acc, error) { return asI64(a) + asI64(b), nil },
	}, nil
}

// newTestCollectFirst collects the first argument of the rows where no
// argument is NULL.
func newTestCollectFirst(call *AggregateCall) (Aggregator, error) {
	t := sqltypes.ArrayOf(firstArgType(call))
	return &aggImpl{name: call.Name, accType: t, retType: t,
		init: func() Acc { return []sqltypes.Value{} },
		add: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			for _, a := range args {
				if a == nil {
					return acc, nil
				}
			}
			return withAppended(accList(acc), args[0]), nil
		},
		merge: func(a, b Acc) (Acc, error) { return withAppended(accList(a), accList(b)...), nil },
	}, nil
}
