package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/rql/rql/format"
	"github.com/rql/rql/sqltypes"
)

// jsonValue converts a value of type t to what ksqlDB's REST API writes
// for it: numbers as JSON numbers (DECIMAL keeping its scale, DOUBLE as
// Java prints it), TIMESTAMP, DATE and TIME as ISO-8601 strings, BYTES as
// base64, ARRAY as an array, MAP and STRUCT as objects in order.
func jsonValue(v sqltypes.Value, t *sqltypes.Type) any {
	if v == nil {
		return nil
	}
	if t == nil {
		return fallbackJSON(v)
	}
	switch t.Kind {
	case sqltypes.KindTimestamp:
		if ts, ok := v.(sqltypes.Timestamp); ok {
			return time.UnixMilli(int64(ts)).UTC().Format("2006-01-02T15:04:05.000")
		}
	case sqltypes.KindDate:
		if d, ok := v.(sqltypes.Date); ok {
			return time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02")
		}
	case sqltypes.KindTime:
		if tm, ok := v.(sqltypes.Time); ok {
			s := time.UnixMilli(int64(tm)).UTC().Format("15:04:05")
			if ms := int64(tm) % 1000; ms != 0 {
				s += fmt.Sprintf(".%03d", ms)
			}
			return s
		}
	case sqltypes.KindArray:
		if arr, ok := v.([]sqltypes.Value); ok {
			out := make([]any, len(arr))
			for i, e := range arr {
				out[i] = jsonValue(e, t.Elem)
			}
			return out
		}
	case sqltypes.KindMap:
		if m, ok := v.(*sqltypes.Map); ok {
			o := &object{}
			for i, k := range m.Keys {
				ks, _ := jsonValue(k, t.Key).(string)
				if ks == "" && k != nil {
					ks = fmt.Sprint(jsonValue(k, t.Key))
				}
				o.add(ks, jsonValue(m.Vals[i], t.Elem))
			}
			return o
		}
	case sqltypes.KindStruct:
		if st, ok := v.(*sqltypes.Struct); ok && len(st.Vals) == len(t.Fields) {
			o := &object{}
			for i, f := range t.Fields {
				o.add(f.Name, jsonValue(st.Vals[i], f.Type))
			}
			return o
		}
	}
	return format.ToJSON(v, t)
}

// fallbackJSON converts a value whose type is unknown.
func fallbackJSON(v sqltypes.Value) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return format.FormatDouble(x)
		}
		return json.Number(format.FormatDouble(x))
	case sqltypes.Decimal:
		return json.Number(x.String())
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case []sqltypes.Value:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fallbackJSON(e)
		}
		return out
	case *sqltypes.Map:
		o := &object{}
		for i, k := range x.Keys {
			o.add(fmt.Sprint(k), fallbackJSON(x.Vals[i]))
		}
		return o
	case *sqltypes.Struct:
		out := make([]any, len(x.Vals))
		for i, e := range x.Vals {
			out[i] = fallbackJSON(e)
		}
		return out
	case sqltypes.Timestamp:
		return jsonValue(x, sqltypes.TimestampT)
	}
	return v
}

// object is a JSON object that keeps its keys in order.
type object struct {
	keys []string
	vals []any
}

func (o *object) add(k string, v any) { o.keys = append(o.keys, k); o.vals = append(o.vals, v) }

// MarshalJSON writes the members in order.
func (o *object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(k))
		b.WriteByte(':')
		vb, err := json.Marshal(o.vals[i])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// rowJSON encodes one row as a JSON array, values converted by jsonValue
// with the columns' types.
func rowJSON(row []sqltypes.Value, types []*sqltypes.Type) ([]byte, error) {
	out := make([]any, len(row))
	for i, v := range row {
		var t *sqltypes.Type
		if i < len(types) {
			t = types[i]
		}
		out[i] = jsonValue(v, t)
	}
	return json.Marshal(out)
}
