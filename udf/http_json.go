package udf

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rql/rql/sqltypes"
)

// JSON mapping of user-function arguments and results. It follows ksqlDB's
// JSON format: TIMESTAMP is epoch milliseconds, DATE epoch days, TIME
// milliseconds of the day, DECIMAL a JSON number, BYTES base64. When
// decoding, ISO-8601 strings are also accepted for the temporal types.

// appendJSON appends v (of SQL type t) as JSON.
func appendJSON(b []byte, v sqltypes.Value, t *sqltypes.Type) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return appendJSONString(b, strconv.FormatFloat(x, 'g', -1, 64)), nil
		}
		return strconv.AppendFloat(b, x, 'g', -1, 64), nil
	case sqltypes.Decimal:
		return append(b, x.String()...), nil
	case string:
		return appendJSONString(b, x), nil
	case []byte:
		return appendJSONString(b, base64.StdEncoding.EncodeToString(x)), nil
	case sqltypes.Timestamp:
		return strconv.AppendInt(b, int64(x), 10), nil
	case sqltypes.Date:
		return strconv.AppendInt(b, int64(x), 10), nil
	case sqltypes.Time:
		return strconv.AppendInt(b, int64(x), 10), nil
	case []sqltypes.Value:
		var et *sqltypes.Type
		if t != nil {
			et = t.Elem
		}
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSON(b, e, et); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case *sqltypes.Map:
		var kt, vt *sqltypes.Type
		if t != nil {
			kt, vt = t.Key, t.Elem
		}
		b = append(b, '{')
		for i, k := range x.Keys {
			if i > 0 {
				b = append(b, ',')
			}
			ks, err := textOf(k, kt)
			if err != nil {
				return nil, err
			}
			b = append(appendJSONString(b, ks), ':')
			if b, err = appendJSON(b, x.Vals[i], vt); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case *sqltypes.Struct:
		if t == nil || t.Kind != sqltypes.KindStruct || len(t.Fields) != len(x.Vals) {
			return nil, fmt.Errorf("struct value without its type")
		}
		b = append(b, '{')
		for i, f := range t.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(appendJSONString(b, f.Name), ':')
			var err error
			if b, err = appendJSON(b, x.Vals[i], f.Type); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	return nil, fmt.Errorf("unsupported value %T", v)
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}

// lookupFold returns m[name], matching the key case-insensitively when
// there is no exact match.
func lookupFold(m map[string]any, name string) any {
	if v, ok := m[name]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// FromJSONValue maps a decoded JSON value (from a json.Decoder with
// UseNumber: nil, bool, json.Number, string, []any, map[string]any) to a
// value of SQL type t. STRUCT fields match object keys case-insensitively
// (missing ones are NULL, extra keys are ignored); a STRING takes any JSON
// scalar as its text and an object or array as compact JSON text; numbers
// may be given as JSON strings. Errors name the path of the bad element.
func FromJSONValue(x any, t *sqltypes.Type) (sqltypes.Value, error) {
	return fromJSON(x, t, "")
}

func fromJSON(x any, t *sqltypes.Type, path string) (sqltypes.Value, error) {
	if x == nil {
		return nil, nil
	}
	bad := func() error {
		where := path
		if where == "" {
			where = "response"
		}
		return fmt.Errorf("%s: cannot read %s as %s", where, jsonKind(x), t.SQL())
	}
	switch t.Kind {
	case sqltypes.KindBoolean:
		switch v := x.(type) {
		case bool:
			return v, nil
		case string:
			if b, err := strconv.ParseBool(v); err == nil {
				return b, nil
			}
		}
		return nil, bad()
	case sqltypes.KindInt, sqltypes.KindBigint:
		s, ok := numText(x)
		if !ok {
			return nil, bad()
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(s, 64)
			if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<62 {
				return nil, bad()
			}
			n = int64(f)
		}
		if t.Kind == sqltypes.KindInt {
			if n < math.MinInt32 || n > math.MaxInt32 {
				return nil, fmt.Errorf("%s: %d out of range for INTEGER", pathOr(path), n)
			}
			return int32(n), nil
		}
		return n, nil
	case sqltypes.KindDouble:
		s, ok := numText(x)
		if !ok {
			return nil, bad()
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, bad()
		}
		return f, nil
	case sqltypes.KindDecimal:
		s, ok := numText(x)
		if !ok {
			return nil, bad()
		}
		d, err := sqltypes.ParseDecimal(s)
		if err != nil {
			return nil, bad()
		}
		d = d.Rescale(int32(t.Scale))
		if !d.FitsIn(t.Precision, t.Scale) {
			return nil, fmt.Errorf("%s: %s does not fit %s", pathOr(path), s, t.SQL())
		}
		return d, nil
	case sqltypes.KindString:
		switch v := x.(type) {
		case string:
			return v, nil
		case json.Number:
			return v.String(), nil
		case bool:
			return strconv.FormatBool(v), nil
		}
		b, err := json.Marshal(x)
		if err != nil {
			return nil, bad()
		}
		return string(b), nil
	case sqltypes.KindBytes:
		s, ok := x.(string)
		if !ok {
			return nil, bad()
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, bad()
		}
		return b, nil
	case sqltypes.KindTimestamp, sqltypes.KindDate, sqltypes.KindTime:
		return temporalFromJSON(x, t, bad)
	case sqltypes.KindArray:
		a, ok := x.([]any)
		if !ok {
			return nil, bad()
		}
		out := make([]sqltypes.Value, len(a))
		for i, e := range a {
			v, err := fromJSON(e, t.Elem, path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case sqltypes.KindMap:
		m, ok := x.(map[string]any)
		if !ok {
			return nil, bad()
		}
		out := &sqltypes.Map{}
		for k, e := range m {
			kv, err := fromJSON(k, t.Key, path+".<key>")
			if err != nil {
				return nil, err
			}
			v, err := fromJSON(e, t.Elem, joinPath(path, k))
			if err != nil {
				return nil, err
			}
			out.Keys = append(out.Keys, kv)
			out.Vals = append(out.Vals, v)
		}
		return out, nil
	case sqltypes.KindStruct:
		m, ok := x.(map[string]any)
		if !ok {
			return nil, bad()
		}
		out := &sqltypes.Struct{Vals: make([]sqltypes.Value, len(t.Fields))}
		for i, f := range t.Fields {
			v, err := fromJSON(lookupFold(m, f.Name), f.Type, joinPath(path, f.Name))
			if err != nil {
				return nil, err
			}
			out.Vals[i] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported return type %s", t.SQL())
}

// temporalFromJSON reads TIMESTAMP / DATE / TIME from epoch numbers or
// ISO-8601 strings.
func temporalFromJSON(x any, t *sqltypes.Type, bad func() error) (sqltypes.Value, error) {
	if s, ok := numText(x); ok {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			switch t.Kind {
			case sqltypes.KindTimestamp:
				return sqltypes.Timestamp(n), nil
			case sqltypes.KindDate:
				return sqltypes.Date(n), nil
			default:
				return sqltypes.Time(n), nil
			}
		}
	}
	s, ok := x.(string)
	if !ok {
		return nil, bad()
	}
	switch t.Kind {
	case sqltypes.KindTimestamp:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
			if tm, err := time.Parse(layout, s); err == nil {
				return sqltypes.Timestamp(tm.UnixMilli()), nil
			}
		}
	case sqltypes.KindDate:
		if tm, err := time.Parse("2006-01-02", s); err == nil {
			return sqltypes.Date(tm.Unix() / 86400), nil
		}
	default:
		if tm, err := time.Parse("15:04:05.999999999", s); err == nil {
			h, m, sec := tm.Clock()
			return sqltypes.Time(((h*60+m)*60+sec)*1000 + tm.Nanosecond()/1e6), nil
		}
	}
	return nil, bad()
}

// numText returns the text of a JSON number, or of a string holding one.
func numText(x any) (string, bool) {
	switch v := x.(type) {
	case json.Number:
		return v.String(), true
	case string:
		s := strings.TrimSpace(v)
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return s, true
		}
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), true
	}
	return "", false
}

func jsonKind(x any) string {
	switch x.(type) {
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", x)
}

func joinPath(p, k string) string {
	if p == "" {
		return k
	}
	return p + "." + k
}

func pathOr(p string) string {
	if p == "" {
		return "response"
	}
	return p
}
