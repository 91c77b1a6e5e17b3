package udf

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/rql/rql/sqltypes"
)

// collEqual is Java's equals on ksqlDB values: deep for ARRAY, MAP (order
// independent) and STRUCT; DECIMALs compare by value.
func collEqual(a, b sqltypes.Value) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	switch x := a.(type) {
	case sqltypes.Decimal:
		y, ok := b.(sqltypes.Decimal)
		return ok && x.Cmp(y) == 0
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case []sqltypes.Value:
		y, ok := b.([]sqltypes.Value)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !collEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case *sqltypes.Map:
		y, ok := b.(*sqltypes.Map)
		if !ok || len(x.Keys) != len(y.Keys) {
			return false
		}
		for i, k := range x.Keys {
			j := collMapIndex(y, k)
			if j < 0 || !collEqual(x.Vals[i], y.Vals[j]) {
				return false
			}
		}
		return true
	case *sqltypes.Struct:
		y, ok := b.(*sqltypes.Struct)
		if !ok || len(x.Vals) != len(y.Vals) {
			return false
		}
		for i := range x.Vals {
			if !collEqual(x.Vals[i], y.Vals[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

// collMapIndex returns the index of key k in m, or -1.
func collMapIndex(m *sqltypes.Map, k sqltypes.Value) int {
	for i, mk := range m.Keys {
		if collEqual(mk, k) {
			return i
		}
	}
	return -1
}

// collCompare orders two non-NULL primitive values of the same type as
// Java's compareTo does. Composite values are not comparable.
func collCompare(a, b sqltypes.Value) (int, error) {
	cmp := func(lt, gt bool) int {
		switch {
		case lt:
			return -1
		case gt:
			return 1
		}
		return 0
	}
	switch x := a.(type) {
	case bool:
		if y, ok := b.(bool); ok {
			return cmp(!x && y, x && !y), nil
		}
	case int32:
		if y, ok := b.(int32); ok {
			return cmp(x < y, x > y), nil
		}
	case int64:
		if y, ok := b.(int64); ok {
			return cmp(x < y, x > y), nil
		}
	case float64:
		if y, ok := b.(float64); ok {
			return cmp(x < y, x > y), nil
		}
	case sqltypes.Decimal:
		if y, ok := b.(sqltypes.Decimal); ok {
			return x.Cmp(y), nil
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), nil
		}
	case []byte:
		if y, ok := b.([]byte); ok {
			return bytes.Compare(x, y), nil
		}
	case sqltypes.Timestamp:
		if y, ok := b.(sqltypes.Timestamp); ok {
			return cmp(x < y, x > y), nil
		}
	case sqltypes.Date:
		if y, ok := b.(sqltypes.Date); ok {
			return cmp(x < y, x > y), nil
		}
	case sqltypes.Time:
		if y, ok := b.(sqltypes.Time); ok {
			return cmp(x < y, x > y), nil
		}
	}
	return 0, fmt.Errorf("cannot compare values of types %T and %T", a, b)
}

// collDistinct returns the distinct values of vs in first-seen order.
func collDistinct(vs []sqltypes.Value) []sqltypes.Value {
	out := make([]sqltypes.Value, 0, len(vs))
	for _, v := range vs {
		if !collContains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// collContains reports whether vs holds a value equal to v.
func collContains(vs []sqltypes.Value, v sqltypes.Value) bool {
	for _, e := range vs {
		if collEqual(e, v) {
			return true
		}
	}
	return false
}
