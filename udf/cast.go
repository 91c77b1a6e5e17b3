package udf

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// CanCast reports whether CAST(x AS to) is valid for x of type from, with
// ksqlDB's rules: equal types; anything to STRING; STRING to numbers,
// BOOLEAN, TIMESTAMP, DATE and TIME; numbers to numbers; TIMESTAMP to DATE
// or TIME and DATE to TIMESTAMP; ARRAY, MAP and STRUCT element-wise (STRUCT
// fields matched by name). NULL casts to anything.
func CanCast(from, to *sqltypes.Type) bool {
	if from == nil || to == nil || from.Kind == sqltypes.KindNull || from.Equal(to) {
		return true
	}
	if to.Kind == sqltypes.KindString {
		return true
	}
	switch from.Kind {
	case sqltypes.KindString:
		switch to.Kind {
		case sqltypes.KindInt, sqltypes.KindBigint, sqltypes.KindDouble, sqltypes.KindDecimal,
			sqltypes.KindBoolean, sqltypes.KindTimestamp, sqltypes.KindDate, sqltypes.KindTime:
			return true
		}
	case sqltypes.KindInt, sqltypes.KindBigint, sqltypes.KindDouble, sqltypes.KindDecimal:
		return to.IsNumeric()
	case sqltypes.KindTimestamp:
		return to.Kind == sqltypes.KindDate || to.Kind == sqltypes.KindTime
	case sqltypes.KindDate:
		return to.Kind == sqltypes.KindTimestamp
	case sqltypes.KindArray:
		return to.Kind == sqltypes.KindArray && CanCast(from.Elem, to.Elem)
	case sqltypes.KindMap:
		return to.Kind == sqltypes.KindMap && CanCast(from.Key, to.Key) && CanCast(from.Elem, to.Elem)
	case sqltypes.KindStruct:
		if to.Kind != sqltypes.KindStruct {
			return false
		}
		for _, f := range to.Fields {
			if i := from.FieldIndex(f.Name); i >= 0 && !CanCast(from.Fields[i].Type, f.Type) {
				return false
			}
		}
		return true
	}
	return from.Kind == to.Kind && from.IsPrimitive() && to.Kind != sqltypes.KindDecimal
}

// CastError is the bind-time error for an invalid cast, in ksqlDB's words:
// "Cast of STRING to ARRAY<INTEGER> is not supported".
func CastError(from, to *sqltypes.Type) *rqlerr.Error {
	return rqlerr.New(rqlerr.BindType, "Cast of %s to %s is not supported", from, to)
}

// Cast converts v of type from to type to with ksqlDB's CAST semantics:
// numbers to narrower integers truncate (DOUBLE → INT toward zero,
// saturating; BIGINT → INT wraps), numbers to DECIMAL round HALF_UP to the
// target scale and fail when the precision overflows, strings parse (after
// trimming), values print to STRING as ValueText does, composites convert
// element-wise. A failing conversion returns an ExecEval error (the caller
// makes the result NULL and logs it).
func Cast(v sqltypes.Value, from, to *sqltypes.Type) (sqltypes.Value, error) {
	if v == nil || to == nil {
		return nil, nil
	}
	if from != nil && from.Equal(to) {
		return v, nil
	}
	switch to.Kind {
	case sqltypes.KindString:
		return ValueText(v, from), nil
	case sqltypes.KindBoolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			return parseBool(x)
		}
	case sqltypes.KindInt:
		return castInt(v, to)
	case sqltypes.KindBigint:
		return castBigint(v, to)
	case sqltypes.KindDouble:
		return castDouble(v, to)
	case sqltypes.KindDecimal:
		return castDecimal(v, to)
	case sqltypes.KindTimestamp:
		switch x := v.(type) {
		case sqltypes.Timestamp:
			return x, nil
		case sqltypes.Date:
			return sqltypes.Timestamp(int64(x) * 86400000), nil
		case string:
			return ParseTimestampText(x)
		}
	case sqltypes.KindDate:
		switch x := v.(type) {
		case sqltypes.Date:
			return x, nil
		case sqltypes.Timestamp:
			return sqltypes.Date(floorDiv(int64(x), 86400000)), nil
		case string:
			return ParseDateText(x)
		}
	case sqltypes.KindTime:
		switch x := v.(type) {
		case sqltypes.Time:
			return x, nil
		case sqltypes.Timestamp:
			ms := int64(x) % 86400000
			if ms < 0 {
				ms += 86400000
			}
			return sqltypes.Time(ms), nil
		case string:
			return ParseTimeText(x)
		}
	case sqltypes.KindBytes:
		if b, ok := v.([]byte); ok {
			return b, nil
		}
	case sqltypes.KindArray:
		arr, ok := v.([]sqltypes.Value)
		if !ok || from == nil || from.Kind != sqltypes.KindArray {
			break
		}
		out := make([]sqltypes.Value, len(arr))
		for i, e := range arr {
			c, err := Cast(e, from.Elem, to.Elem)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case sqltypes.KindMap:
		m, ok := v.(*sqltypes.Map)
		if !ok || from == nil || from.Kind != sqltypes.KindMap {
			break
		}
		out := &sqltypes.Map{}
		for i := range m.Keys {
			k, err := Cast(m.Keys[i], from.Key, to.Key)
			if err != nil {
				return nil, err
			}
			e, err := Cast(m.Vals[i], from.Elem, to.Elem)
			if err != nil {
				return nil, err
			}
			out.Keys = append(out.Keys, k)
			out.Vals = append(out.Vals, e)
		}
		return out, nil
	case sqltypes.KindStruct:
		s, ok := v.(*sqltypes.Struct)
		if !ok || from == nil || from.Kind != sqltypes.KindStruct {
			break
		}
		return convertStruct(s, from, to, Cast)
	case sqltypes.KindNull, sqltypes.KindAny:
		return v, nil
	}
	return nil, rqlerr.New(rqlerr.ExecEval, "Cast of %s to %s is not supported", typeName(from), to)
}

func typeName(t *sqltypes.Type) string {
	if t == nil {
		return "NULL"
	}
	return t.String()
}

// parseBool accepts ksqlDB's spellings: true/false, t/f, yes/no, y/n (any
// case).
func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "t", "yes", "y":
		return true, nil
	case "false", "f", "no", "n":
		return false, nil
	}
	return false, rqlerr.New(rqlerr.ExecEval, "invalid input syntax for type BOOLEAN: \"%s\"", s)
}

func parseErr(s string, t *sqltypes.Type) error {
	return rqlerr.New(rqlerr.ExecEval, "invalid input syntax for type %s: \"%s\"", t.Kind, s)
}

// javaDoubleToLong converts as Java's (long) cast: toward zero, saturating,
// NaN to 0.
func javaDoubleToLong(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

func javaDoubleToInt(f float64) int32 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt32:
		return math.MaxInt32
	case f <= math.MinInt32:
		return math.MinInt32
	}
	return int32(f)
}

// decimalToBig truncates a decimal toward zero.
func decimalToBig(d sqltypes.Decimal) *big.Int {
	u := d.Unscaled
	if u == nil {
		return new(big.Int)
	}
	if d.Scale <= 0 {
		return new(big.Int).Mul(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-d.Scale)), nil))
	}
	return new(big.Int).Quo(u, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale)), nil))
}

func castInt(v sqltypes.Value, to *sqltypes.Type) (sqltypes.Value, error) {
	switch x := v.(type) {
	case int32:
		return x, nil
	case int64:
		return int32(x), nil
	case float64:
		return javaDoubleToInt(x), nil
	case sqltypes.Decimal:
		return int32(decimalToBig(x).Int64()), nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 32)
		if err != nil {
			return nil, parseErr(x, to)
		}
		return int32(n), nil
	}
	return nil, rqlerr.New(rqlerr.ExecEval, "cannot cast %T to INTEGER", v)
}

func castBigint(v sqltypes.Value, to *sqltypes.Type) (sqltypes.Value, error) {
	switch x := v.(type) {
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case float64:
		return javaDoubleToLong(x), nil
	case sqltypes.Decimal:
		return decimalToBig(x).Int64(), nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return nil, parseErr(x, to)
		}
		return n, nil
	}
	return nil, rqlerr.New(rqlerr.ExecEval, "cannot cast %T to BIGINT", v)
}

func castDouble(v sqltypes.Value, to *sqltypes.Type) (sqltypes.Value, error) {
	switch x := v.(type) {
	case int32:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case float64:
		return x, nil
	case sqltypes.Decimal:
		return x.Float64(), nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil && !isRangeErr(err) {
			return nil, parseErr(x, to)
		}
		return f, nil
	}
	return nil, rqlerr.New(rqlerr.ExecEval, "cannot cast %T to DOUBLE", v)
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func castDecimal(v sqltypes.Value, to *sqltypes.Type) (sqltypes.Value, error) {
	var d sqltypes.Decimal
	switch x := v.(type) {
	case int32:
		d = sqltypes.NewDecimal(int64(x), 0)
	case int64:
		d = sqltypes.NewDecimal(x, 0)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, rqlerr.New(rqlerr.ExecEval, "cannot cast %s to DECIMAL", JavaDouble(x))
		}
		p, err := sqltypes.ParseDecimal(JavaDouble(x))
		if err != nil {
			return nil, rqlerr.Wrap(rqlerr.ExecEval, err, "")
		}
		d = p
	case sqltypes.Decimal:
		d = x
	case string:
		p, err := sqltypes.ParseDecimal(strings.TrimSpace(x))
		if err != nil {
			return nil, parseErr(x, to)
		}
		d = p
	default:
		return nil, rqlerr.New(rqlerr.ExecEval, "cannot cast %T to DECIMAL", v)
	}
	if to.Precision == 0 {
		return d, nil
	}
	return toDecimal(d, to)
}
