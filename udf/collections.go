package udf

import (
	"sort"
	"strings"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// ksqlDB's SHOW FUNCTIONS categories of the collection functions.
const (
	catArray = "ARRAY"
	catMap   = "MAP"
)

var (
	collT      = sqltypes.Generic("T")
	collArrT   = sqltypes.ArrayOf(sqltypes.Generic("T"))
	collMapT   = sqltypes.MapOf(sqltypes.String, sqltypes.Generic("T"))
	collStrArr = sqltypes.ArrayOf(sqltypes.String)
)

// collFail is the error of a collection function for its arguments.
func collFail(format string, args ...any) error {
	return rqlerr.New(rqlerr.ExecFunction, format, args...)
}

// collNulls marks v as seeing NULL arguments.
func collNulls(v *Variant) *Variant { v.PassNulls = true; return v }

func collArr(v sqltypes.Value) []sqltypes.Value {
	a, _ := v.([]sqltypes.Value)
	return a
}

// registerCollections registers the ARRAY and MAP functions.
func registerCollections(r *Registry) {
	r.MustRegister(collArrayFuncs()...)
	r.MustRegister(collSetFuncs()...)
	r.MustRegister(collMapFuncs()...)
}

func collArrayFuncs() []*FuncDef {
	one := func(name, desc string, ret *sqltypes.Type, f func([]sqltypes.Value) (sqltypes.Value, error)) *FuncDef {
		return &FuncDef{Name: name, Kind: Scalar, Category: catArray, Description: desc,
			Variants: []*Variant{dcVariant(ret, desc, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return f(collArr(a[0]))
			}, dcParam("array", collArrT))}}
	}
	return []*FuncDef{
		one("ARRAY_LENGTH", "Returns the number of elements in an array.", sqltypes.Int,
			func(a []sqltypes.Value) (sqltypes.Value, error) { return int32(len(a)), nil }),
		one("ARRAY_MAX", "Returns the maximum non-NULL value of an array, or NULL when there is none.", collT,
			func(a []sqltypes.Value) (sqltypes.Value, error) { return collExtreme(a, 1) }),
		one("ARRAY_MIN", "Returns the minimum non-NULL value of an array, or NULL when there is none.", collT,
			func(a []sqltypes.Value) (sqltypes.Value, error) { return collExtreme(a, -1) }),
		{
			Name: "ARRAY_SORT", Kind: Scalar, Category: catArray,
			Description: "Sorts an array in ascending ('ASC', the default) or descending ('DESC') order; NULLs sort last.",
			Variants: []*Variant{
				dcVariant(collArrT, "Sorts an array in ascending order.", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					return collSort(collArr(a[0]), false)
				}, dcParam("array", collArrT)),
				dcVariant(collArrT, "Sorts an array in the given direction, ASC or DESC.", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					switch strings.ToUpper(a[1].(string)) {
					case "ASC":
						return collSort(collArr(a[0]), false)
					case "DESC":
						return collSort(collArr(a[0]), true)
					}
					return nil, nil
				}, dcParam("array", collArrT), dcParam("direction", sqltypes.String)),
			},
		},
		{
			Name: "ARRAY_CONTAINS", Kind: Scalar, Category: catArray,
			Description: "Returns true if the array contains the value.",
			Variants: []*Variant{collNulls(dcVariant(sqltypes.Boolean, "Returns true if the array contains the value; false for a NULL array.",
				func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					return collContains(collArr(a[0]), a[1]), nil
				}, dcParam("array", collArrT), dcParam("value", collT)))},
		},
		{
			Name: "ARRAY_REMOVE", Kind: Scalar, Category: catArray,
			Description: "Removes all elements equal to the given value from an array.",
			Variants: []*Variant{collNulls(dcVariant(collArrT, "Removes all elements equal to the value (NULL removes NULLs).",
				func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					if a[0] == nil {
						return nil, nil
					}
					out := []sqltypes.Value{}
					for _, e := range collArr(a[0]) {
						if !collEqual(e, a[1]) {
							out = append(out, e)
						}
					}
					return out, nil
				}, dcParam("array", collArrT), dcParam("victim", collT)))},
		},
		{
			Name: "ARRAY_JOIN", Kind: Scalar, Category: catArray,
			Description: "Joins the array elements into a flat string representation.",
			Variants: []*Variant{
				collNulls(dcVariant(sqltypes.String, "Joins the elements with ','.", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					return collJoin(a[0], ",")
				}, dcParam("array", collArrT))),
				collNulls(dcVariant(sqltypes.String, "Joins the elements with the delimiter (NULL: none).", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					d, _ := a[1].(string)
					return collJoin(a[0], d)
				}, dcParam("array", collArrT), dcParam("delimiter", sqltypes.String))),
			},
		},
		{
			Name: "SLICE", Kind: Scalar, Category: catArray,
			Description: "Returns the elements of an array from one 1-based position to another, inclusive.",
			Variants: []*Variant{collNulls(dcVariant(collArrT, "Returns the sub-array [from, to] (1-based, inclusive); NULL when out of range.",
				func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					if a[0] == nil {
						return nil, nil
					}
					l := collArr(a[0])
					start, end := 0, len(l)
					if f, ok := a[1].(int32); ok {
						start = int(f) - 1
					}
					if t, ok := a[2].(int32); ok {
						end = int(t)
					}
					if start < 0 || end > len(l) || start > end {
						return nil, nil
					}
					return append([]sqltypes.Value{}, l[start:end]...), nil
				}, dcParam("array", collArrT), dcParam("from", sqltypes.Int), dcParam("to", sqltypes.Int)))},
		},
		collSeriesFunc(),
	}
}

// collExtreme returns the largest (dir 1) or smallest (dir -1) non-NULL
// element.
func collExtreme(a []sqltypes.Value, dir int) (sqltypes.Value, error) {
	var best sqltypes.Value
	for _, e := range a {
		if e == nil {
			continue
		}
		if best == nil {
			best = e
			continue
		}
		c, err := collCompare(e, best)
		if err != nil {
			return nil, collFail("%s", err.Error())
		}
		if c*dir > 0 {
			best = e
		}
	}
	return best, nil
}

// collSort sorts a copy of a; NULLs go last in both directions.
func collSort(a []sqltypes.Value, desc bool) (sqltypes.Value, error) {
	out := append([]sqltypes.Value{}, a...)
	var err error
	sort.SliceStable(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x == nil || y == nil {
			return x != nil && y == nil
		}
		c, e := collCompare(x, y)
		if e != nil && err == nil {
			err = e
		}
		if desc {
			return c > 0
		}
		return c < 0
	})
	if err != nil {
		return nil, collFail("%s", err.Error())
	}
	return out, nil
}

// collJoin joins primitive elements as Java's toString prints them.
func collJoin(v sqltypes.Value, delim string) (sqltypes.Value, error) {
	if v == nil {
		return nil, nil
	}
	parts := make([]string, 0, len(collArr(v)))
	for _, e := range collArr(v) {
		switch e.(type) {
		case nil, bool, int32, int64, float64, sqltypes.Decimal, string:
			parts = append(parts, ValueText(e, nil))
		default:
			return nil, collFail("error: hit element of type %T which is currently not supported", e)
		}
	}
	return strings.Join(parts, delim), nil
}

// collMaxSeries bounds GENERATE_SERIES so a bad call cannot exhaust memory.
const collMaxSeries = 10_000_000

func collSeriesFunc() *FuncDef {
	gen := func(start, end, step int64) (int64, error) {
		if step == 0 {
			return 0, collFail("GENERATE_SERIES step cannot be zero")
		}
		diff := end - start
		if (diff > 0 && step < 0) || (diff < 0 && step > 0) {
			return 0, collFail("GENERATE_SERIES step has wrong sign")
		}
		n := 1 + diff/step
		if n > collMaxSeries {
			return 0, collFail("GENERATE_SERIES would produce %d values, more than the limit of %d", n, collMaxSeries)
		}
		return n, nil
	}
	defStep := func(start, end int64) int64 {
		if end-start > 0 {
			return 1
		}
		return -1
	}
	ints := func(withStep bool) EvalFunc {
		return func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
			s, e := int64(a[0].(int32)), int64(a[1].(int32))
			step := defStep(s, e)
			if withStep {
				step = int64(a[2].(int32))
			}
			n, err := gen(s, e, step)
			if err != nil {
				return nil, err
			}
			out := make([]sqltypes.Value, n)
			for i := range out {
				out[i] = int32(s + int64(i)*step)
			}
			return out, nil
		}
	}
	longs := func(withStep bool) EvalFunc {
		return func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
			s, e := a[0].(int64), a[1].(int64)
			step := defStep(s, e)
			if withStep {
				step = int64(a[2].(int32))
			}
			n, err := gen(s, e, step)
			if err != nil {
				return nil, err
			}
			out := make([]sqltypes.Value, n)
			for i := range out {
				out[i] = s + int64(i)*step
			}
			return out, nil
		}
	}
	in, big := sqltypes.Int, sqltypes.Bigint
	const desc = "Constructs an array of values from start to end (inclusive) by step."
	return &FuncDef{
		Name: "GENERATE_SERIES", Kind: Scalar, Category: catArray,
		Description: "Constructs an array of a range of values.",
		Variants: []*Variant{
			dcVariant(sqltypes.ArrayOf(in), desc, ints(false), dcParam("start", in), dcParam("end", in)),
			dcVariant(sqltypes.ArrayOf(in), desc, ints(true), dcParam("start", in), dcParam("end", in), dcParam("step", in)),
			dcVariant(sqltypes.ArrayOf(big), desc, longs(false), dcParam("start", big), dcParam("end", big)),
			dcVariant(sqltypes.ArrayOf(big), desc, longs(true), dcParam("start", big), dcParam("end", big), dcParam("step", in)),
		},
	}
}

func collSetFuncs() []*FuncDef {
	two := func(name, desc string, f func(a, b []sqltypes.Value) []sqltypes.Value) *FuncDef {
		return &FuncDef{Name: name, Kind: Scalar, Category: catArray, Description: desc,
			Variants: []*Variant{dcVariant(collArrT, desc, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return f(collArr(a[0]), collArr(a[1])), nil
			}, dcParam("left", collArrT), dcParam("right", collArrT))}}
	}
	filter := func(a, b []sqltypes.Value, keep bool) []sqltypes.Value {
		out := []sqltypes.Value{}
		for _, e := range collDistinct(a) {
			if collContains(b, e) == keep {
				out = append(out, e)
			}
		}
		return out
	}
	return []*FuncDef{
		{Name: "ARRAY_DISTINCT", Kind: Scalar, Category: catArray,
			Description: "Returns an array of the distinct values of an array, in first-seen order.",
			Variants: []*Variant{dcVariant(collArrT, "Returns the distinct values of an array.", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return collDistinct(collArr(a[0])), nil
			}, dcParam("array", collArrT))}},
		two("ARRAY_EXCEPT", "Returns the distinct elements of the first array that are not in the second.",
			func(a, b []sqltypes.Value) []sqltypes.Value { return filter(a, b, false) }),
		two("ARRAY_INTERSECT", "Returns the distinct elements present in both arrays.",
			func(a, b []sqltypes.Value) []sqltypes.Value { return filter(a, b, true) }),
		two("ARRAY_UNION", "Returns the distinct elements of both arrays.",
			func(a, b []sqltypes.Value) []sqltypes.Value {
				return collDistinct(append(append([]sqltypes.Value{}, a...), b...))
			}),
		{Name: "ARRAY_CONCAT", Kind: Scalar, Category: catArray,
			Description: "Concatenates two arrays; a NULL array counts as empty, two NULLs give NULL.",
			Variants: []*Variant{collNulls(dcVariant(collArrT, "Concatenates two arrays.", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				if a[0] == nil && a[1] == nil {
					return nil, nil
				}
				return append(append([]sqltypes.Value{}, collArr(a[0])...), collArr(a[1])...), nil
			}, dcParam("left", collArrT), dcParam("right", collArrT)))}},
	}
}

func collMapFuncs() []*FuncDef {
	m := func(v sqltypes.Value) *sqltypes.Map { x, _ := v.(*sqltypes.Map); return x }
	entryT := sqltypes.ArrayOf(sqltypes.StructOf(
		sqltypes.Field{Name: "K", Type: sqltypes.String}, sqltypes.Field{Name: "V", Type: collT}))
	return []*FuncDef{
		{Name: "MAP_KEYS", Kind: Scalar, Category: catMap, Description: "Returns an array of the keys of a map.",
			Variants: []*Variant{dcVariant(collStrArr, "Returns the keys of a map.", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return append([]sqltypes.Value{}, m(a[0]).Keys...), nil
			}, dcParam("map", collMapT))}},
		{Name: "MAP_VALUES", Kind: Scalar, Category: catMap, Description: "Returns an array of the values of a map.",
			Variants: []*Variant{dcVariant(collArrT, "Returns the values of a map.", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return append([]sqltypes.Value{}, m(a[0]).Vals...), nil
			}, dcParam("map", collMapT))}},
		{Name: "MAP_UNION", Kind: Scalar, Category: catMap,
			Description: "Returns a map of the entries of both maps; the second map's value wins for a shared key.",
			Variants: []*Variant{collNulls(dcVariant(collMapT, "Merges two maps.", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				if a[0] == nil && a[1] == nil {
					return nil, nil
				}
				out := &sqltypes.Map{}
				for _, src := range []*sqltypes.Map{m(a[0]), m(a[1])} {
					if src == nil {
						continue
					}
					for i, k := range src.Keys {
						collPut(out, k, src.Vals[i])
					}
				}
				return out, nil
			}, dcParam("map1", collMapT), dcParam("map2", collMapT)))}},
		{Name: "AS_MAP", Kind: Scalar, Category: catMap,
			Description: "Constructs a map from a list of keys and a list of values.",
			Variants: []*Variant{dcVariant(collMapT, "Pairs keys[i] with values[i] (NULL when values is shorter).",
				func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					keys, vals := collArr(a[0]), collArr(a[1])
					out := &sqltypes.Map{}
					for i, k := range keys {
						var v sqltypes.Value
						if i < len(vals) {
							v = vals[i]
						}
						collPut(out, k, v)
					}
					return out, nil
				}, dcParam("keys", collStrArr), dcParam("values", collArrT))}},
		{Name: "ENTRIES", Kind: Scalar, Category: catMap,
			Description: "Constructs an array of STRUCT<K, V> from the entries of a map, optionally sorted by key.",
			Variants: []*Variant{dcVariant(entryT, "Returns the entries of a map, sorted by key when sorted is true.",
				func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					mp := m(a[0])
					idx := make([]int, len(mp.Keys))
					for i := range idx {
						idx[i] = i
					}
					if a[1].(bool) {
						sort.SliceStable(idx, func(i, j int) bool {
							ki, _ := mp.Keys[idx[i]].(string)
							kj, _ := mp.Keys[idx[j]].(string)
							return ki < kj
						})
					}
					out := make([]sqltypes.Value, len(idx))
					for n, i := range idx {
						out[n] = &sqltypes.Struct{Vals: []sqltypes.Value{mp.Keys[i], mp.Vals[i]}}
					}
					return out, nil
				}, dcParam("map", collMapT), dcParam("sorted", sqltypes.Boolean))}},
	}
}

// collPut sets k to v in m, replacing an existing entry.
func collPut(m *sqltypes.Map, k, v sqltypes.Value) {
	if i := collMapIndex(m, k); i >= 0 {
		m.Vals[i] = v
		return
	}
	m.Keys = append(m.Keys, k)
	m.Vals = append(m.Vals, v)
}
