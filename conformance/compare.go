package conformance

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/rql/rql/sqltypes"
)

// doubleTolerance is the absolute difference under which two DOUBLEs are
// equal.
const doubleTolerance = 1e-6

// compareValue compares an expected JSON value with an actual one, both as
// decoded with UseNumber. t is the SQL type the value has, or nil when
// unknown (then numbers compare by form: integers exactly, others within
// the double tolerance). It returns "" when they match, else a description
// of the first difference, prefixed with path.
func compareValue(path string, exp, act any, t *sqltypes.Type) string {
	if exp == nil || act == nil {
		if exp == nil && act == nil {
			return ""
		}
		return diff(path, exp, act)
	}
	switch e := exp.(type) {
	case json.Number:
		a, ok := act.(json.Number)
		if !ok {
			return diff(path, exp, act)
		}
		if !numbersEqual(e, a, t) {
			return diff(path, exp, act)
		}
		return ""
	case string:
		if n, ok := act.(json.Number); ok && t != nil && t.Kind == sqltypes.KindDecimal {
			// Test files may write a DECIMAL as a string ("3.40").
			if numbersEqual(json.Number(e), n, t) {
				return ""
			}
			return diff(path, exp, act)
		}
		a, ok := act.(string)
		if !ok || a != e {
			return diff(path, exp, act)
		}
		return ""
	case bool:
		a, ok := act.(bool)
		if !ok || a != e {
			return diff(path, exp, act)
		}
		return ""
	case []any:
		a, ok := act.([]any)
		if !ok {
			return diff(path, exp, act)
		}
		if len(a) != len(e) {
			return fmt.Sprintf("%s: expected %d elements, got %d (expected %s, got %s)", pathOr(path), len(e), len(a), show(exp), show(act))
		}
		var et *sqltypes.Type
		if t != nil && t.Kind == sqltypes.KindArray {
			et = t.Elem
		}
		for i := range e {
			if d := compareValue(fmt.Sprintf("%s[%d]", path, i), e[i], a[i], et); d != "" {
				return d
			}
		}
		return ""
	case map[string]any:
		a, ok := act.(map[string]any)
		if !ok {
			return diff(path, exp, act)
		}
		switch {
		case t != nil && t.Kind == sqltypes.KindMap:
			return compareObject(path, e, a, false, func(string) *sqltypes.Type { return t.Elem })
		case t != nil && t.Kind == sqltypes.KindStruct:
			return compareObject(path, e, a, true, fieldTypes(t.Fields))
		default:
			return compareObject(path, e, a, false, func(string) *sqltypes.Type { return nil })
		}
	}
	return diff(path, exp, act)
}

// compareRow compares the fields of a record key or value written as a
// JSON object: names are upper-cased on both sides and the field counts
// must be equal; cols give the field types.
func compareRow(path string, exp, act map[string]any, cols []sqltypes.Column) string {
	types := map[string]*sqltypes.Type{}
	for _, c := range cols {
		types[strings.ToUpper(c.Name)] = c.Type
	}
	return compareObject(path, exp, act, true, func(name string) *sqltypes.Type { return types[name] })
}

// compareObject compares two JSON objects field by field; with upper, field
// names are compared upper-cased.
func compareObject(path string, exp, act map[string]any, upper bool, typeOf func(string) *sqltypes.Type) string {
	norm := func(m map[string]any) map[string]any {
		if !upper {
			return m
		}
		out := make(map[string]any, len(m))
		for k, v := range m {
			out[strings.ToUpper(k)] = v
		}
		return out
	}
	e, a := norm(exp), norm(act)
	for _, k := range sortedKeys(e) {
		av, ok := a[k]
		if !ok {
			return fmt.Sprintf("%s: missing field %s (expected %s, got %s)", pathOr(path), k, show(exp), show(act))
		}
		if d := compareValue(join(path, k), e[k], av, typeOf(k)); d != "" {
			return d
		}
	}
	if len(a) != len(e) {
		var extra []string
		for _, k := range sortedKeys(a) {
			if _, ok := e[k]; !ok {
				extra = append(extra, k)
			}
		}
		return fmt.Sprintf("%s: unexpected fields %s (expected %s, got %s)", pathOr(path), strings.Join(extra, ", "), show(exp), show(act))
	}
	return ""
}

func fieldTypes(fields []sqltypes.Field) func(string) *sqltypes.Type {
	return func(name string) *sqltypes.Type {
		for _, f := range fields {
			if strings.EqualFold(f.Name, name) {
				return f.Type
			}
		}
		return nil
	}
}

// numbersEqual compares two JSON numbers for a value of type t: DECIMALs
// by value and scale, DOUBLEs within doubleTolerance, integers exactly.
// With t unknown, two integers compare exactly, two non-integers within
// the tolerance, and an integer never equals a non-integer (1 ≠ 1.0).
func numbersEqual(e, a json.Number, t *sqltypes.Type) bool {
	kind := sqltypes.KindNull
	if t != nil {
		kind = t.Kind
	}
	switch kind {
	case sqltypes.KindDecimal:
		eu, es, ok1 := parseDecimalText(e.String())
		au, as, ok2 := parseDecimalText(a.String())
		return ok1 && ok2 && es == as && eu.Cmp(au) == 0
	case sqltypes.KindDouble:
		return floatsEqual(e, a)
	}
	ei, eInt := isIntegerText(e.String())
	ai, aInt := isIntegerText(a.String())
	if eInt || aInt {
		return eInt && aInt && ei.Cmp(ai) == 0
	}
	return floatsEqual(e, a)
}

func floatsEqual(e, a json.Number) bool {
	ef, err1 := e.Float64()
	af, err2 := a.Float64()
	if err1 != nil || err2 != nil {
		return e.String() == a.String()
	}
	if ef == af || (math.IsNaN(ef) && math.IsNaN(af)) {
		return true
	}
	return math.Abs(ef-af) <= doubleTolerance
}

// isIntegerText reports whether s is written as an integer (no fraction,
// no exponent) and returns its value.
func isIntegerText(s string) (*big.Int, bool) {
	if strings.ContainsAny(s, ".eE") {
		return nil, false
	}
	v, ok := new(big.Int).SetString(s, 10)
	return v, ok
}

// parseDecimalText parses a JSON number as a decimal: unscaled value and
// scale ("1.50" → 150, 2; "1E+2" → 1, -2).
func parseDecimalText(s string) (*big.Int, int, bool) {
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		var err error
		if _, err = fmt.Sscan(s[i+1:], &exp); err != nil {
			return nil, 0, false
		}
		s = s[:i]
	}
	scale := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		scale = len(s) - i - 1
		s = s[:i] + s[i+1:]
	}
	v, ok := new(big.Int).SetString(s, 10)
	return v, scale - exp, ok
}

func diff(path string, exp, act any) string {
	return fmt.Sprintf("%s: expected %s, got %s", pathOr(path), show(exp), show(act))
}

func pathOr(path string) string {
	if path == "" {
		return "value"
	}
	return path
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// show renders a JSON value compactly, for reasons.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
