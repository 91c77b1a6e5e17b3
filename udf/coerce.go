package udf

import (
	"math/big"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// Coerce converts v from type from to type to along one of the implicit
// conversions Resolve allows (Resolved.ArgTypes): INT → BIGINT / DECIMAL /
// DOUBLE, BIGINT → DECIMAL / DOUBLE, DECIMAL → DOUBLE, DECIMAL → DECIMAL of
// another scale, a STRING literal → TIMESTAMP / DATE / TIME, and element-wise
// for ARRAY, MAP and STRUCT. NULL stays NULL; equal types, ANY, NULL and
// generic targets return v unchanged. Any other pair is an ExecEval error.
func Coerce(v sqltypes.Value, from, to *sqltypes.Type) (sqltypes.Value, error) {
	if v == nil || to == nil || from == nil || from == to {
		return v, nil
	}
	switch to.Kind {
	case sqltypes.KindNull, sqltypes.KindAny, sqltypes.KindGeneric, sqltypes.KindLambda:
		return v, nil
	}
	if from.Kind == sqltypes.KindNull {
		return v, nil
	}
	switch to.Kind {
	case sqltypes.KindArray:
		arr, ok := v.([]sqltypes.Value)
		if !ok || from.Kind != sqltypes.KindArray {
			break
		}
		if from.Elem.Equal(to.Elem) {
			return v, nil
		}
		out := make([]sqltypes.Value, len(arr))
		for i, e := range arr {
			c, err := Coerce(e, from.Elem, to.Elem)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case sqltypes.KindMap:
		m, ok := v.(*sqltypes.Map)
		if !ok || from.Kind != sqltypes.KindMap {
			break
		}
		if from.Key.Equal(to.Key) && from.Elem.Equal(to.Elem) {
			return v, nil
		}
		out := &sqltypes.Map{Keys: make([]sqltypes.Value, len(m.Keys)), Vals: make([]sqltypes.Value, len(m.Vals))}
		for i := range m.Keys {
			k, err := Coerce(m.Keys[i], from.Key, to.Key)
			if err != nil {
				return nil, err
			}
			e, err := Coerce(m.Vals[i], from.Elem, to.Elem)
			if err != nil {
				return nil, err
			}
			out.Keys[i], out.Vals[i] = k, e
		}
		return out, nil
	case sqltypes.KindStruct:
		s, ok := v.(*sqltypes.Struct)
		if !ok || from.Kind != sqltypes.KindStruct {
			break
		}
		if from.Equal(to) || len(to.Fields) == 0 {
			return v, nil
		}
		return convertStruct(s, from, to, Coerce)
	default:
		return coercePrimitive(v, from, to)
	}
	return nil, coerceError(from, to)
}

// convertStruct converts a struct field by field (matched by name; a
// missing field is NULL) with conv.
func convertStruct(s *sqltypes.Struct, from, to *sqltypes.Type,
	conv func(sqltypes.Value, *sqltypes.Type, *sqltypes.Type) (sqltypes.Value, error)) (sqltypes.Value, error) {
	out := &sqltypes.Struct{Vals: make([]sqltypes.Value, len(to.Fields))}
	for i, f := range to.Fields {
		j := from.FieldIndex(f.Name)
		if j < 0 || j >= len(s.Vals) {
			continue
		}
		c, err := conv(s.Vals[j], from.Fields[j].Type, f.Type)
		if err != nil {
			return nil, err
		}
		out.Vals[i] = c
	}
	return out, nil
}

func coerceError(from, to *sqltypes.Type) *rqlerr.Error {
	return rqlerr.New(rqlerr.ExecEval, "cannot convert %s to %s implicitly", from, to)
}

// coercePrimitive widens a primitive value.
func coercePrimitive(v sqltypes.Value, from, to *sqltypes.Type) (sqltypes.Value, error) {
	switch to.Kind {
	case sqltypes.KindBigint:
		switch x := v.(type) {
		case int64:
			return x, nil
		case int32:
			return int64(x), nil
		}
	case sqltypes.KindDouble:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int32:
			return float64(x), nil
		case int64:
			return float64(x), nil
		case sqltypes.Decimal:
			return x.Float64(), nil
		}
	case sqltypes.KindDecimal:
		var d sqltypes.Decimal
		switch x := v.(type) {
		case sqltypes.Decimal:
			d = x
		case int32:
			d = sqltypes.Decimal{Unscaled: big.NewInt(int64(x))}
		case int64:
			d = sqltypes.Decimal{Unscaled: big.NewInt(x)}
		default:
			return nil, coerceError(from, to)
		}
		if to.Precision == 0 {
			return d, nil
		}
		return toDecimal(d, to)
	case sqltypes.KindTimestamp, sqltypes.KindDate, sqltypes.KindTime:
		if s, ok := v.(string); ok {
			return parseTemporal(s, to.Kind)
		}
		if from.Kind == to.Kind {
			return v, nil
		}
	default:
		if from.Kind == to.Kind {
			return v, nil
		}
	}
	return nil, coerceError(from, to)
}

// toDecimal rescales d HALF_UP to t's scale and checks t's precision with
// ksqlDB's overflow message.
func toDecimal(d sqltypes.Decimal, t *sqltypes.Type) (sqltypes.Decimal, error) {
	r := d.Rescale(int32(t.Scale))
	if r.Sign() != 0 && r.Precision() > t.Precision {
		return sqltypes.Decimal{}, rqlerr.New(rqlerr.ExecEval,
			"Numeric field overflow: A field with precision %d and scale %d must round to an absolute value less than 10^%d. Got %s",
			t.Precision, t.Scale, t.Precision-t.Scale, d.String())
	}
	return r, nil
}

// parseTemporal parses a STRING as ksqlDB's implicit and explicit casts do.
func parseTemporal(s string, k sqltypes.Kind) (sqltypes.Value, error) {
	switch k {
	case sqltypes.KindTimestamp:
		return ParseTimestampText(s)
	case sqltypes.KindDate:
		return ParseDateText(s)
	default:
		return ParseTimeText(s)
	}
}
