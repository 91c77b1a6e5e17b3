package udf

import "github.com/rql/rql/sqltypes"

// numericRank orders the numeric kinds by ksqlDB's implicit widening:
// INT → BIGINT → DECIMAL → DOUBLE. Non-numeric kinds have rank 0.
func numericRank(k sqltypes.Kind) int {
	switch k {
	case sqltypes.KindInt:
		return 1
	case sqltypes.KindBigint:
		return 2
	case sqltypes.KindDecimal:
		return 3
	case sqltypes.KindDouble:
		return 4
	}
	return 0
}

// IsTemporal reports whether k is TIMESTAMP, DATE or TIME.
func IsTemporal(k sqltypes.Kind) bool {
	return k == sqltypes.KindTimestamp || k == sqltypes.KindDate || k == sqltypes.KindTime
}

// CanWiden reports whether a value of kind from converts implicitly to kind
// to as ksqlDB allows for function arguments: equal kinds, a numeric kind to
// a wider one (INT → BIGINT → DECIMAL → DOUBLE), and, when literal is set, a
// STRING literal to TIMESTAMP, DATE or TIME.
func CanWiden(from, to sqltypes.Kind, literal bool) bool {
	if from == to {
		return true
	}
	if rf, rt := numericRank(from), numericRank(to); rf > 0 && rt > 0 {
		return rf <= rt
	}
	return literal && from == sqltypes.KindString && IsTemporal(to)
}

// DecimalFor returns the DECIMAL type an integer kind widens to:
// DECIMAL(10, 0) for INT, DECIMAL(19, 0) for BIGINT; t itself when t is a
// DECIMAL; nil otherwise.
func DecimalFor(t *sqltypes.Type) *sqltypes.Type {
	switch t.Kind {
	case sqltypes.KindInt:
		return sqltypes.DecimalOf(10, 0)
	case sqltypes.KindBigint:
		return sqltypes.DecimalOf(19, 0)
	case sqltypes.KindDecimal:
		return t
	}
	return nil
}

// anyDecimal reports whether a parameter type is a DECIMAL without a fixed
// precision (ksqlDB's function parameters never fix one; rql writes
// DecimalOf(0, 0) in signatures).
func anyDecimal(t *sqltypes.Type) bool {
	return t.Kind == sqltypes.KindDecimal && t.Precision == 0
}

// ContainsType reports whether match holds for t or for a type nested in
// it: an array's element, a map's key and value, a struct's fields, a
// lambda's parameters and result. A nil t (or nested type) matches nothing.
func ContainsType(t *sqltypes.Type, match func(*sqltypes.Type) bool) bool {
	if t == nil {
		return false
	}
	if match(t) {
		return true
	}
	switch t.Kind {
	case sqltypes.KindArray:
		return ContainsType(t.Elem, match)
	case sqltypes.KindMap:
		return ContainsType(t.Key, match) || ContainsType(t.Elem, match)
	case sqltypes.KindStruct:
		for _, f := range t.Fields {
			if ContainsType(f.Type, match) {
				return true
			}
		}
	case sqltypes.KindLambda:
		for _, p := range t.Params {
			if ContainsType(p, match) {
				return true
			}
		}
		return ContainsType(t.Elem, match)
	}
	return false
}

// hasGenerics reports whether t contains a KindGeneric type variable.
func hasGenerics(t *sqltypes.Type) bool {
	return ContainsType(t, func(u *sqltypes.Type) bool { return u.Kind == sqltypes.KindGeneric })
}

// substitute replaces the generics of t by their bindings; an unbound
// generic becomes sqltypes.Null. The second result is false when some
// generic was unbound.
func substitute(t *sqltypes.Type, b map[string]*sqltypes.Type) (*sqltypes.Type, bool) {
	if t == nil || !hasGenerics(t) {
		return t, true
	}
	switch t.Kind {
	case sqltypes.KindGeneric:
		if u, ok := b[t.Name]; ok {
			return u, true
		}
		return sqltypes.Null, false
	case sqltypes.KindArray:
		e, ok := substitute(t.Elem, b)
		return sqltypes.ArrayOf(e), ok
	case sqltypes.KindMap:
		k, ok1 := substitute(t.Key, b)
		v, ok2 := substitute(t.Elem, b)
		return sqltypes.MapOf(k, v), ok1 && ok2
	case sqltypes.KindStruct:
		fs := make([]sqltypes.Field, len(t.Fields))
		ok := true
		for i, f := range t.Fields {
			ft, fok := substitute(f.Type, b)
			ok = ok && fok
			fs[i] = sqltypes.Field{Name: f.Name, Type: ft}
		}
		return sqltypes.StructOf(fs...), ok
	case sqltypes.KindLambda:
		ps := make([]*sqltypes.Type, len(t.Params))
		ok := true
		for i, p := range t.Params {
			pt, pok := substitute(p, b)
			ok = ok && pok
			ps[i] = pt
		}
		r, rok := substitute(t.Elem, b)
		return sqltypes.LambdaOf(r, ps...), ok && rok
	}
	return t, true
}
