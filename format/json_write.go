package format

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/rql/rql/sqltypes"
)

// The JSON writer: values are written as ksqlDB's JSON serializer (Kafka
// Connect's JsonConverter on Jackson) writes them, without reflection.

// appendJSONValue appends v, of SQL type t, as JSON.
func appendJSONValue(dst []byte, v sqltypes.Value, t *sqltypes.Type) ([]byte, error) {
	if v == nil {
		return append(dst, "null"...), nil
	}
	switch t.Kind {
	case sqltypes.KindBoolean:
		b, ok := v.(bool)
		if !ok {
			return dst, typeMismatch(v, t)
		}
		return strconv.AppendBool(dst, b), nil
	case sqltypes.KindInt, sqltypes.KindBigint, sqltypes.KindTimestamp, sqltypes.KindDate, sqltypes.KindTime:
		n, ok := asInt64(v)
		if !ok {
			return dst, typeMismatch(v, t)
		}
		return strconv.AppendInt(dst, n, 10), nil
	case sqltypes.KindDouble:
		f, ok := asFloat64(v)
		if !ok {
			return dst, typeMismatch(v, t)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			// Jackson quotes non-numeric numbers by default.
			dst = append(dst, '"')
			dst = appendDouble(dst, f)
			return append(dst, '"'), nil
		}
		return appendDouble(dst, f), nil
	case sqltypes.KindDecimal:
		d, ok := v.(sqltypes.Decimal)
		if !ok {
			return dst, typeMismatch(v, t)
		}
		// Written with its own scale, as ksqlDB's JsonConverter writes a
		// BigDecimal (NUMERIC format): no rescale to the column's scale.
		return append(dst, d.String()...), nil
	case sqltypes.KindString:
		s, ok := v.(string)
		if !ok {
			return dst, typeMismatch(v, t)
		}
		return appendJSONString(dst, s), nil
	case sqltypes.KindBytes:
		b, ok := v.([]byte)
		if !ok {
			return dst, typeMismatch(v, t)
		}
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, b)
		return append(dst, '"'), nil
	case sqltypes.KindArray:
		arr, ok := v.([]sqltypes.Value)
		if !ok {
			return dst, typeMismatch(v, t)
		}
		dst = append(dst, '[')
		for i, e := range arr {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendJSONValue(dst, e, t.Elem); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	case sqltypes.KindMap:
		m, ok := v.(*sqltypes.Map)
		if !ok {
			return dst, typeMismatch(v, t)
		}
		dst = append(dst, '{')
		for i, k := range m.Keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, mapKeyString(k, t.Key))
			dst = append(dst, ':')
			var err error
			if dst, err = appendJSONValue(dst, m.Vals[i], t.Elem); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	case sqltypes.KindStruct:
		s, ok := v.(*sqltypes.Struct)
		if !ok || len(s.Vals) != len(t.Fields) {
			return dst, typeMismatch(v, t)
		}
		dst = append(dst, '{')
		for i, f := range t.Fields {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, f.Name)
			dst = append(dst, ':')
			var err error
			if dst, err = appendJSONValue(dst, s.Vals[i], f.Type); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	}
	return dst, typeMismatch(v, t)
}

// appendJSONString appends s as a JSON string escaped as Jackson does:
// quote, backslash and control characters only; invalid UTF-8 becomes
// U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		for i < len(s) && plainASCII[s[i]] {
			i++
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\ufffd"...)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendAny appends a generic JSON tree (as ParseJSON and ToJSON produce)
// compactly. Types outside the tree vocabulary go through encoding/json.
func appendAny(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case json.Number:
		return append(dst, x...), nil
	case string:
		return appendJSONString(dst, x), nil
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendAny(dst, e); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	case *Object:
		dst = append(dst, '{')
		for i, k := range x.Keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, k)
			dst = append(dst, ':')
			var err error
			if dst, err = appendAny(dst, x.Vals[i]); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}
