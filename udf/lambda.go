package udf

import (
	"github.com/rql/rql/sqltypes"
)

// catLambda is ksqlDB's SHOW FUNCTIONS category of the lambda functions.
const catLambda = "LAMBDA"

// Generic type variables of the lambda function signatures.
var (
	lamT = sqltypes.Generic("T")
	lamU = sqltypes.Generic("U")
	lamK = sqltypes.Generic("K")
	lamV = sqltypes.Generic("V")
	lamA = sqltypes.Generic("A")
	lamB = sqltypes.Generic("B")
	lamS = sqltypes.Generic("S")
)

// lamFn returns a lambda argument; the resolver guarantees the type.
func lamFn(v sqltypes.Value) Lambda {
	l, _ := v.(Lambda)
	return l
}

// lamBool reads a lambda's BOOLEAN result; NULL fails as in ksqlDB (a
// Java Boolean unboxed to a primitive).
func lamBool(v sqltypes.Value) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, collFail("filter lambda returned NULL")
	}
	return b, nil
}

// registerLambda registers TRANSFORM, FILTER and REDUCE over arrays and maps.
// The collection is passed through when NULL: TRANSFORM and FILTER then
// return NULL, REDUCE returns its initial state (NULL when the state is
// NULL). An error from a lambda makes the whole call fail.
func registerLambda(r *Registry) {
	arrT, mapKV := sqltypes.ArrayOf(lamT), sqltypes.MapOf(lamK, lamV)
	r.MustRegister(
		&FuncDef{
			Name: "TRANSFORM", Kind: Scalar, Category: catLambda,
			Description: "Applies a transformation lambda to each element of an array, or to each key and value of a map.",
			Variants: []*Variant{
				collNulls(dcVariant(sqltypes.ArrayOf(lamU), "Transforms each element of an array.", lamTransformArray,
					dcParam("array", arrT), dcParam("function", sqltypes.LambdaOf(lamU, lamT)))),
				collNulls(dcVariant(sqltypes.MapOf(lamA, lamB), "Transforms each key and each value of a map.", lamTransformMap,
					dcParam("map", mapKV), dcParam("key_function", sqltypes.LambdaOf(lamA, lamK, lamV)),
					dcParam("value_function", sqltypes.LambdaOf(lamB, lamK, lamV)))),
			},
		},
		&FuncDef{
			Name: "FILTER", Kind: Scalar, Category: catLambda,
			Description: "Keeps the elements of an array, or the entries of a map, for which a lambda returns true.",
			Variants: []*Variant{
				collNulls(dcVariant(arrT, "Filters an array.", lamFilterArray,
					dcParam("array", arrT), dcParam("function", sqltypes.LambdaOf(sqltypes.Boolean, lamT)))),
				collNulls(dcVariant(mapKV, "Filters a map.", lamFilterMap,
					dcParam("map", mapKV), dcParam("function", sqltypes.LambdaOf(sqltypes.Boolean, lamK, lamV)))),
			},
		},
		&FuncDef{
			Name: "REDUCE", Kind: Scalar, Category: catLambda,
			Description: "Reduces an array or a map to a single value from an initial state and a lambda.",
			Variants: []*Variant{
				collNulls(dcVariant(lamS, "Reduces an array: state = f(state, element).", lamReduceArray,
					dcParam("array", arrT), dcParam("initialState", lamS),
					dcParam("function", sqltypes.LambdaOf(lamS, lamS, lamT)))),
				collNulls(dcVariant(lamS, "Reduces a map: state = f(state, key, value).", lamReduceMap,
					dcParam("map", mapKV), dcParam("initialState", lamS),
					dcParam("function", sqltypes.LambdaOf(lamS, lamS, lamK, lamV)))),
			},
		},
	)
}

func lamTransformArray(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	if a[0] == nil {
		return nil, nil
	}
	f := lamFn(a[1])
	in := collArr(a[0])
	out := make([]sqltypes.Value, len(in))
	for i, e := range in {
		v, err := f.Call(e)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func lamTransformMap(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	m, _ := a[0].(*sqltypes.Map)
	if m == nil {
		return nil, nil
	}
	fk, fv := lamFn(a[1]), lamFn(a[2])
	out := &sqltypes.Map{}
	for i, k := range m.Keys {
		nk, err := fk.Call(k, m.Vals[i])
		if err != nil {
			return nil, err
		}
		nv, err := fv.Call(k, m.Vals[i])
		if err != nil {
			return nil, err
		}
		collPut(out, nk, nv)
	}
	return out, nil
}

func lamFilterArray(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	if a[0] == nil {
		return nil, nil
	}
	f := lamFn(a[1])
	out := []sqltypes.Value{}
	for _, e := range collArr(a[0]) {
		r, err := f.Call(e)
		if err != nil {
			return nil, err
		}
		keep, err := lamBool(r)
		if err != nil {
			return nil, err
		}
		if keep {
			out = append(out, e)
		}
	}
	return out, nil
}

func lamFilterMap(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	m, _ := a[0].(*sqltypes.Map)
	if m == nil {
		return nil, nil
	}
	f := lamFn(a[1])
	out := &sqltypes.Map{}
	for i, k := range m.Keys {
		r, err := f.Call(k, m.Vals[i])
		if err != nil {
			return nil, err
		}
		keep, err := lamBool(r)
		if err != nil {
			return nil, err
		}
		if keep {
			out.Keys = append(out.Keys, k)
			out.Vals = append(out.Vals, m.Vals[i])
		}
	}
	return out, nil
}

func lamReduceArray(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	state := a[1]
	if state == nil || a[0] == nil {
		return state, nil
	}
	f := lamFn(a[2])
	for _, e := range collArr(a[0]) {
		s, err := f.Call(state, e)
		if err != nil {
			return nil, err
		}
		state = s
	}
	return state, nil
}

func lamReduceMap(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	state := a[1]
	m, _ := a[0].(*sqltypes.Map)
	if state == nil || m == nil {
		return state, nil
	}
	f := lamFn(a[2])
	for i, k := range m.Keys {
		s, err := f.Call(state, k, m.Vals[i])
		if err != nil {
			return nil, err
		}
		state = s
	}
	return state, nil
}
