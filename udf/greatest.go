package udf

import (
	"bytes"
	"strings"

	"github.com/rql/rql/sqltypes"
)

// GREATEST and LEAST have one variadic variant per comparable type, as in
// ksqlDB: mixing INT and BIGINT is ambiguous (no single widening wins),
// mixing numbers and strings matches nothing.
func registerGreatestLeast(r *Registry) {
	for _, f := range []struct {
		name, desc string
		sign       int
	}{
		{"GREATEST", "Returns the highest non-null value among a variable number of comparable columns.", 1},
		{"LEAST", "Returns the lowest non-null value among a variable number of comparable columns.", -1},
	} {
		var vs []*Variant
		for _, t := range []*sqltypes.Type{tInt, tBig, tDbl, tStr, tBytes, sqltypes.DateT, sqltypes.TimeT, sqltypes.TimestampT} {
			vs = append(vs, nulls(varsig(t, extremum(f.sign), pa("val", t), pa("vals", t))))
		}
		vs = append(vs, retFn(nulls(varsig(nil, extremum(f.sign), pa("val", tAnyDec), pa("vals", tAnyDec))), widenDecimals))
		r.MustRegister(def(f.name, catMath, f.desc, vs...))
	}
}

// widenDecimals is the DECIMAL wide enough for every argument: the most
// integer digits plus the largest scale.
func widenDecimals(args []*sqltypes.Type) (*sqltypes.Type, error) {
	var out *sqltypes.Type
	for _, t := range args {
		if t == nil || t.Kind != sqltypes.KindDecimal {
			continue
		}
		if out == nil {
			out = t
			continue
		}
		s := max(out.Scale, t.Scale)
		out = sqltypes.DecimalOf(max(out.Precision-out.Scale, t.Precision-t.Scale)+s, s)
	}
	if out == nil {
		return sqltypes.Null, nil
	}
	return out, nil
}

// extremum returns the non-null argument that compares highest (sign 1) or
// lowest (sign -1); NULL when all are NULL.
func extremum(sign int) EvalFunc {
	return func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
		var best sqltypes.Value
		for _, v := range a {
			if v == nil {
				continue
			}
			if best == nil || compareValues(v, best)*sign > 0 {
				best = v
			}
		}
		return best, nil
	}
}

// compareValues orders two non-null values of the same primitive type.
func compareValues(x, y sqltypes.Value) int {
	switch a := x.(type) {
	case int32:
		return cmpOrdered(a, y.(int32))
	case int64:
		return cmpOrdered(a, y.(int64))
	case float64:
		return cmpOrdered(a, y.(float64))
	case string:
		return strings.Compare(a, y.(string))
	case []byte:
		return bytes.Compare(a, y.([]byte))
	case sqltypes.Decimal:
		return a.Cmp(y.(sqltypes.Decimal))
	case sqltypes.Date:
		return cmpOrdered(a, y.(sqltypes.Date))
	case sqltypes.Time:
		return cmpOrdered(a, y.(sqltypes.Time))
	case sqltypes.Timestamp:
		return cmpOrdered(a, y.(sqltypes.Timestamp))
	case bool:
		b := y.(bool)
		switch {
		case a == b:
			return 0
		case b:
			return -1
		}
		return 1
	}
	return 0
}

func cmpOrdered[T int32 | int64 | float64 | sqltypes.Date | sqltypes.Time | sqltypes.Timestamp](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
