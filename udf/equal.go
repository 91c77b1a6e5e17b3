package udf

import (
	"bytes"

	"github.com/rql/rql/sqltypes"
)

// ValuesEqual reports whether two values of the same SQL type are equal as
// Java's equals would say: DECIMALs compare by value and scale (1.0 and
// 1.00 differ), composites element-wise, NULL equals NULL.
func ValuesEqual(x, y sqltypes.Value) bool {
	switch a := x.(type) {
	case nil:
		return y == nil
	case sqltypes.Decimal:
		b, ok := y.(sqltypes.Decimal)
		return ok && a.Scale == b.Scale && a.Cmp(b) == 0
	case []byte:
		b, ok := y.([]byte)
		return ok && bytes.Equal(a, b)
	case []sqltypes.Value:
		b, ok := y.([]sqltypes.Value)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !ValuesEqual(a[i], b[i]) {
				return false
			}
		}
		return true
	case *sqltypes.Map:
		b, ok := y.(*sqltypes.Map)
		if !ok || len(a.Keys) != len(b.Keys) {
			return false
		}
		for i, k := range a.Keys {
			found := false
			for j, k2 := range b.Keys {
				if ValuesEqual(k, k2) {
					found = ValuesEqual(a.Vals[i], b.Vals[j])
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	case *sqltypes.Struct:
		b, ok := y.(*sqltypes.Struct)
		return ok && ValuesEqual(a.Vals, b.Vals)
	}
	return x == y
}
