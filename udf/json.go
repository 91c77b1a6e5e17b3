package udf

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/rql/rql/sqltypes"
)

func registerJSON(r *Registry) {
	r.MustRegister(
		def("EXTRACTJSONFIELD", catJSON, "Given a STRING containing JSON data, extracts the value at the specified JSONPath, or NULL when it does not exist.",
			sig(tStr, evalExtractJSONField, pa("input", tStr), pa("path", tStr))),
		def("IS_JSON_STRING", catJSON, "Returns true if the string is valid JSON.",
			nulls(sig(tBool, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				s, ok := a[0].(string)
				if !ok {
					return false, nil
				}
				_, valid := parseJSON(s)
				return valid, nil
			}, pa("str", tStr)))),
		def("JSON_ARRAY_CONTAINS", catJSON, "Returns true if the JSON array string contains the value.",
			jsonContains(tBool), jsonContains(tInt), jsonContains(tBig), jsonContains(tDbl), jsonContains(tStr)),
		def("JSON_ARRAY_LENGTH", catJSON, "Returns the number of elements of a JSON array string, or NULL when it is not a JSON array.",
			sig(tInt, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				n, ok := parseJSON(asStr(a[0]))
				if !ok || n.kind != 'a' {
					return nil, nil
				}
				return int32(len(n.vals)), nil
			}, pa("json", tStr))),
		def("JSON_CONCAT", catJSON, "Merges JSON objects (later keys win) or concatenates JSON arrays (other values are treated as one-element arrays); NULL if any input is not JSON.",
			varsig(tStr, evalJSONConcat, pa("jsonStrings", tStr))),
		def("JSON_KEYS", catJSON, "Returns the keys of a JSON object string, or NULL when it is not a JSON object.",
			sig(sqltypes.ArrayOf(tStr), func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				n, ok := parseJSON(asStr(a[0]))
				if !ok || n.kind != 'o' {
					return nil, nil
				}
				out := make([]sqltypes.Value, len(n.keys))
				for i, k := range n.keys {
					out[i] = k
				}
				return out, nil
			}, pa("json", tStr))),
		def("JSON_RECORDS", catJSON, "Returns a map of the key-value pairs of a JSON object string (values as JSON text), or NULL when it is not a JSON object.",
			sig(sqltypes.MapOf(tStr, tStr), func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				n, ok := parseJSON(asStr(a[0]))
				if !ok || n.kind != 'o' {
					return nil, nil
				}
				m := &sqltypes.Map{}
				for i, k := range n.keys {
					m.Keys = append(m.Keys, k)
					m.Vals = append(m.Vals, n.vals[i].asText())
				}
				return m, nil
			}, pa("json", tStr))),
		def("JSON_ITEMS", catJSON, "Returns the elements of a JSON array string as JSON strings, or NULL when it is not a JSON array.",
			sig(sqltypes.ArrayOf(tStr), func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				n, ok := parseJSON(asStr(a[0]))
				if !ok || n.kind != 'a' {
					return nil, nil
				}
				out := make([]sqltypes.Value, len(n.vals))
				for i, v := range n.vals {
					out[i] = v.String()
				}
				return out, nil
			}, pa("json", tStr))),
		def("TO_JSON_STRING", catJSON, "Converts any value to its JSON text; NULL becomes 'null'.",
			&Variant{Params: []Param{pa("input", sqltypes.Any)}, Return: tStr, PassNulls: true,
				Eval: func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					return ToJSONText(a[0], nil), nil
				},
				EvalFor: func(ts []*sqltypes.Type) EvalFunc {
					t := ts[0]
					return func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
						return ToJSONText(a[0], t), nil
					}
				}}),
	)
}

func evalExtractJSONField(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	root, ok := parseJSON(asStr(a[0]))
	if !ok {
		return nil, nil
	}
	n, ok := jsonPath(root, asStr(a[1]))
	if !ok {
		return nil, fnErr("invalid JSON path %q", asStr(a[1]))
	}
	if n == nil || n.kind == 'z' {
		return nil, nil
	}
	return n.asText(), nil
}

func jsonContains(t *sqltypes.Type) *Variant {
	return nulls(sig(tBool, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
		s, ok := a[0].(string)
		if !ok {
			return false, nil
		}
		n, ok := parseJSON(s)
		if !ok || n.kind != 'a' {
			return false, nil
		}
		for _, e := range n.vals {
			if jsonElemEquals(e, a[1]) {
				return true, nil
			}
		}
		return false, nil
	}, pa("jsonArray", tStr), pa("val", t)))
}

func jsonElemEquals(e *jnode, v sqltypes.Value) bool {
	switch x := v.(type) {
	case nil:
		return e.kind == 'z'
	case bool:
		return e.kind == 'b' && e.text == strconv.FormatBool(x)
	case string:
		return e.kind == 's' && e.text == x
	case int32, int64:
		if e.kind != 'n' || strings.ContainsAny(e.text, ".eE") {
			return false
		}
		n, err := strconv.ParseInt(e.text, 10, 64)
		return err == nil && n == int64(asInt(x))
	case float64:
		if e.kind != 'n' || !strings.ContainsAny(e.text, ".eE") {
			return false
		}
		f, err := strconv.ParseFloat(e.text, 64)
		return err == nil && f == x
	}
	return false
}

func evalJSONConcat(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	if len(a) == 0 {
		return nil, nil
	}
	nodes := make([]*jnode, len(a))
	allObjects := true
	for i, v := range a {
		s, ok := v.(string)
		if !ok {
			return nil, nil
		}
		n, ok := parseJSON(s)
		if !ok {
			return nil, nil
		}
		nodes[i] = n
		allObjects = allObjects && n.kind == 'o'
	}
	if allObjects {
		out := &jnode{kind: 'o'}
		for _, n := range nodes {
			for i, k := range n.keys {
				out.set(k, n.vals[i])
			}
		}
		return out.String(), nil
	}
	out := &jnode{kind: 'a', vals: []*jnode{}}
	for _, n := range nodes {
		if n.kind == 'a' {
			out.vals = append(out.vals, n.vals...)
		} else {
			out.vals = append(out.vals, n)
		}
	}
	return out.String(), nil
}

// ToJSONText prints a value of type t as ksqlDB's TO_JSON_STRING does:
// compact JSON, DOUBLE as Java prints it, DECIMAL in plain notation,
// temporal values as quoted ISO text, BYTES as quoted base64, STRUCT with
// its field names (t may be nil: fields are then named by position).
func ToJSONText(v sqltypes.Value, t *sqltypes.Type) string {
	var b strings.Builder
	writeJSONValue(&b, v, t)
	return b.String()
}

func writeJSONValue(b *strings.Builder, v sqltypes.Value, t *sqltypes.Type) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		writeJSONString(b, x)
	case []byte:
		writeJSONString(b, base64.StdEncoding.EncodeToString(x))
	case sqltypes.Timestamp, sqltypes.Date, sqltypes.Time:
		writeJSONString(b, ValueText(x, t))
	case float64:
		s := JavaDouble(x)
		if strings.ContainsAny(s, "NI") { // NaN, Infinity: Jackson quotes them
			writeJSONString(b, s)
		} else {
			b.WriteString(s)
		}
	case []sqltypes.Value:
		var et *sqltypes.Type
		if t != nil {
			et = t.Elem
		}
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONValue(b, e, et)
		}
		b.WriteByte(']')
	case *sqltypes.Map:
		var vt *sqltypes.Type
		if t != nil {
			vt = t.Elem
		}
		b.WriteByte('{')
		for i, k := range x.Keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, ValueText(k, nil))
			b.WriteByte(':')
			writeJSONValue(b, x.Vals[i], vt)
		}
		b.WriteByte('}')
	case *sqltypes.Struct:
		b.WriteByte('{')
		for i, fv := range x.Vals {
			if i > 0 {
				b.WriteByte(',')
			}
			name, ft := strconv.Itoa(i), (*sqltypes.Type)(nil)
			if t != nil && i < len(t.Fields) {
				name, ft = t.Fields[i].Name, t.Fields[i].Type
			}
			writeJSONString(b, name)
			b.WriteByte(':')
			writeJSONValue(b, fv, ft)
		}
		b.WriteByte('}')
	default:
		b.WriteString(ValueText(v, t))
	}
}
