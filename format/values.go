package format

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// typeMismatch reports a value whose Go type does not fit its column type:
// a bug upstream, surfaced as a serialization error.
func typeMismatch(v sqltypes.Value, t *sqltypes.Type) error {
	return rqlerr.New(rqlerr.FormatSerialize,
		"value does not match expected type. expected: %s, but got: %T", t, v)
}

// asInt64 accepts the Go integer types that stand for INT, BIGINT,
// TIMESTAMP, DATE and TIME values.
func asInt64(v sqltypes.Value) (int64, bool) {
	switch x := v.(type) {
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case sqltypes.Timestamp:
		return int64(x), true
	case sqltypes.Date:
		return int64(x), true
	case sqltypes.Time:
		return int64(x), true
	case int:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	}
	return 0, false
}

// asFloat64 accepts float64 (and integers, which a DOUBLE column may
// receive from a careless producer).
func asFloat64(v sqltypes.Value) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	}
	if n, ok := asInt64(v); ok {
		return float64(n), true
	}
	return 0, false
}

// fitScale returns d with the scale of the DECIMAL type t (values computed
// with another scale are rounded HALF_UP, as a CAST would).
func fitScale(d sqltypes.Decimal, t *sqltypes.Type) sqltypes.Decimal {
	if t != nil && t.Kind == sqltypes.KindDecimal && t.Precision > 0 && int(d.Scale) != t.Scale {
		return d.Rescale(int32(t.Scale))
	}
	return d
}

// primitiveText prints a primitive value as ksqlDB's DELIMITED format
// does (which is also Java's toString of the value): DOUBLE as Java does,
// DECIMAL in plain notation with its scale, TIMESTAMP/TIME as milliseconds,
// DATE as days, BYTES as base64.
func primitiveText(v sqltypes.Value, t *sqltypes.Type) (string, error) {
	switch t.Kind {
	case sqltypes.KindBoolean:
		if b, ok := v.(bool); ok {
			return strconv.FormatBool(b), nil
		}
	case sqltypes.KindInt, sqltypes.KindBigint, sqltypes.KindTimestamp, sqltypes.KindDate, sqltypes.KindTime:
		if n, ok := asInt64(v); ok {
			return strconv.FormatInt(n, 10), nil
		}
	case sqltypes.KindDouble:
		if f, ok := asFloat64(v); ok {
			return formatDouble(f), nil
		}
	case sqltypes.KindDecimal:
		if d, ok := v.(sqltypes.Decimal); ok {
			return fitScale(d, t).String(), nil
		}
	case sqltypes.KindString:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case sqltypes.KindBytes:
		if b, ok := v.([]byte); ok {
			return base64.StdEncoding.EncodeToString(b), nil
		}
	}
	return "", typeMismatch(v, t)
}

// mapKeyString is the JSON member name of a MAP key.
func mapKeyString(k sqltypes.Value, t *sqltypes.Type) string {
	if s, ok := k.(string); ok {
		return s
	}
	if k == nil {
		return "null"
	}
	if t != nil && t.IsPrimitive() {
		if s, err := primitiveText(k, t); err == nil {
			return s
		}
	}
	return fmt.Sprint(k)
}

// toJSON implements ToJSON.
func toJSON(v sqltypes.Value, t *sqltypes.Type) any {
	if v == nil || t == nil {
		return nil
	}
	switch t.Kind {
	case sqltypes.KindBoolean:
		if b, ok := v.(bool); ok {
			return b
		}
	case sqltypes.KindInt, sqltypes.KindBigint, sqltypes.KindTimestamp, sqltypes.KindDate, sqltypes.KindTime:
		if n, ok := asInt64(v); ok {
			return json.Number(strconv.FormatInt(n, 10))
		}
	case sqltypes.KindDouble:
		if f, ok := asFloat64(v); ok {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return formatDouble(f)
			}
			return json.Number(formatDouble(f))
		}
	case sqltypes.KindDecimal:
		if d, ok := v.(sqltypes.Decimal); ok {
			return json.Number(fitScale(d, t).String())
		}
	case sqltypes.KindString:
		if s, ok := v.(string); ok {
			return s
		}
	case sqltypes.KindBytes:
		if b, ok := v.([]byte); ok {
			return base64.StdEncoding.EncodeToString(b)
		}
	case sqltypes.KindArray:
		if arr, ok := v.([]sqltypes.Value); ok {
			out := make([]any, len(arr))
			for i, e := range arr {
				out[i] = toJSON(e, t.Elem)
			}
			return out
		}
	case sqltypes.KindMap:
		if m, ok := v.(*sqltypes.Map); ok {
			o := &Object{Keys: make([]string, len(m.Keys)), Vals: make([]any, len(m.Keys))}
			for i, k := range m.Keys {
				o.Keys[i] = mapKeyString(k, t.Key)
				o.Vals[i] = toJSON(m.Vals[i], t.Elem)
			}
			return o
		}
	case sqltypes.KindStruct:
		if s, ok := v.(*sqltypes.Struct); ok && len(s.Vals) == len(t.Fields) {
			o := &Object{Keys: make([]string, len(t.Fields)), Vals: make([]any, len(t.Fields))}
			for i, f := range t.Fields {
				o.Keys[i] = f.Name
				o.Vals[i] = toJSON(s.Vals[i], f.Type)
			}
			return o
		}
	}
	// A value that does not fit its type: hand it to encoding/json as is.
	return v
}
