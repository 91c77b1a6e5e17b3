package udf

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/rql/rql/internal/javafmt"
	"github.com/rql/rql/sqltypes"
)

// JavaDouble prints f as Java's Double.toString does: "1.0", "0.001",
// "1.0E7", "1.234E-5", "NaN", "Infinity" (see javafmt.Double).
func JavaDouble(f float64) string { return javafmt.Double(f) }

// ValueText prints a value of type t as ksqlDB's CAST(x AS STRING) does:
// numbers as Java prints them, DECIMAL in plain notation, temporal types in
// ISO form, BYTES in base64, ARRAY as "[1, 3]", MAP as "{a=1}", STRUCT as
// "Struct{A=1,B=x}" (NULL fields omitted), NULL as "null" inside a
// composite.
func ValueText(v sqltypes.Value, t *sqltypes.Type) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return JavaDouble(x)
	case sqltypes.Decimal:
		return x.String()
	case string:
		return x
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case sqltypes.Timestamp:
		return FormatTimestampText(x)
	case sqltypes.Date:
		return FormatDateText(x)
	case sqltypes.Time:
		return FormatTimeText(x)
	case []sqltypes.Value:
		var et *sqltypes.Type
		if t != nil {
			et = t.Elem
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = ValueText(e, et)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *sqltypes.Map:
		var kt, vt *sqltypes.Type
		if t != nil {
			kt, vt = t.Key, t.Elem
		}
		parts := make([]string, len(x.Keys))
		for i := range x.Keys {
			parts[i] = ValueText(x.Keys[i], kt) + "=" + ValueText(x.Vals[i], vt)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case *sqltypes.Struct:
		var parts []string
		for i, fv := range x.Vals {
			if fv == nil {
				continue
			}
			name := strconv.Itoa(i)
			var ft *sqltypes.Type
			if t != nil && i < len(t.Fields) {
				name, ft = t.Fields[i].Name, t.Fields[i].Type
			}
			parts = append(parts, name+"="+ValueText(fv, ft))
		}
		return "Struct{" + strings.Join(parts, ",") + "}"
	}
	return ""
}
