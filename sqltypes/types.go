package sqltypes

import (
	"strconv"
	"strings"
)

// Kind is the family of a SQL type.
type Kind uint8

// The kinds of SQL types. KindNull is the type of an untyped NULL literal
// during binding; KindAny, KindGeneric, KindLambda and KindNamed appear only in
// function signatures (KindGeneric, KindAny, KindLambda) or in unresolved DDL
// (KindNamed, a reference to a type created with CREATE TYPE).
const (
	KindNull Kind = iota
	KindBoolean
	KindInt
	KindBigint
	KindDouble
	KindDecimal
	KindString
	KindBytes
	KindTimestamp
	KindDate
	KindTime
	KindArray
	KindMap
	KindStruct
	KindAny
	KindGeneric
	KindLambda
	KindNamed
)

var kindNames = [...]string{
	KindNull: "NULL", KindBoolean: "BOOLEAN", KindInt: "INTEGER", KindBigint: "BIGINT",
	KindDouble: "DOUBLE", KindDecimal: "DECIMAL", KindString: "STRING", KindBytes: "BYTES",
	KindTimestamp: "TIMESTAMP", KindDate: "DATE", KindTime: "TIME", KindArray: "ARRAY",
	KindMap: "MAP", KindStruct: "STRUCT", KindAny: "ANY", KindGeneric: "GENERIC",
	KindLambda: "LAMBDA", KindNamed: "NAMED",
}

// String returns ksqlDB's name of the kind (INT is printed INTEGER, as ksqlDB does).
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "KIND(" + strconv.Itoa(int(k)) + ")"
}

// Field is one field of a STRUCT type.
type Field struct {
	Name string
	Type *Type
}

// Type is a SQL type. Types are immutable after construction and may be
// shared; compare them with Equal, never with ==.
type Type struct {
	Kind Kind
	// Precision and Scale of a DECIMAL.
	Precision, Scale int
	// Elem is the element type of an ARRAY and the value type of a MAP.
	Elem *Type
	// Key is the key type of a MAP.
	Key *Type
	// Fields of a STRUCT, in declaration order.
	Fields []Field
	// Name of a KindGeneric type variable ("T", "U") or of a KindNamed type.
	Name string
	// Params and Elem (the result) of a KindLambda signature type.
	Params []*Type
}

// Shared instances of the primitive types.
var (
	Null       = &Type{Kind: KindNull}
	Boolean    = &Type{Kind: KindBoolean}
	Int        = &Type{Kind: KindInt}
	Bigint     = &Type{Kind: KindBigint}
	Double     = &Type{Kind: KindDouble}
	String     = &Type{Kind: KindString}
	Bytes      = &Type{Kind: KindBytes}
	TimestampT = &Type{Kind: KindTimestamp}
	DateT      = &Type{Kind: KindDate}
	TimeT      = &Type{Kind: KindTime}
	Any        = &Type{Kind: KindAny}
)

// DecimalOf returns DECIMAL(precision, scale).
func DecimalOf(precision, scale int) *Type {
	return &Type{Kind: KindDecimal, Precision: precision, Scale: scale}
}

// ArrayOf returns ARRAY<elem>.
func ArrayOf(elem *Type) *Type { return &Type{Kind: KindArray, Elem: elem} }

// MapOf returns MAP<key, val>.
func MapOf(key, val *Type) *Type { return &Type{Kind: KindMap, Key: key, Elem: val} }

// StructOf returns STRUCT<fields...>.
func StructOf(fields ...Field) *Type { return &Type{Kind: KindStruct, Fields: fields} }

// Generic returns the type variable name (used in function signatures).
func Generic(name string) *Type { return &Type{Kind: KindGeneric, Name: name} }

// LambdaOf returns the signature type of a lambda taking params and returning result.
func LambdaOf(result *Type, params ...*Type) *Type {
	return &Type{Kind: KindLambda, Params: params, Elem: result}
}

// IsPrimitive reports whether t is neither ARRAY, MAP nor STRUCT.
func (t *Type) IsPrimitive() bool {
	return t.Kind != KindArray && t.Kind != KindMap && t.Kind != KindStruct
}

// IsNumeric reports whether t is INT, BIGINT, DECIMAL or DOUBLE.
func (t *Type) IsNumeric() bool {
	switch t.Kind {
	case KindInt, KindBigint, KindDecimal, KindDouble:
		return true
	}
	return false
}

// FieldIndex returns the index of the STRUCT field named name, or -1.
func (t *Type) FieldIndex(name string) int {
	for i, f := range t.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// Equal reports whether t and u denote the same type.
func (t *Type) Equal(u *Type) bool {
	if t == u {
		return true
	}
	if t == nil || u == nil || t.Kind != u.Kind {
		return false
	}
	switch t.Kind {
	case KindDecimal:
		return t.Precision == u.Precision && t.Scale == u.Scale
	case KindArray:
		return t.Elem.Equal(u.Elem)
	case KindMap:
		return t.Key.Equal(u.Key) && t.Elem.Equal(u.Elem)
	case KindStruct:
		if len(t.Fields) != len(u.Fields) {
			return false
		}
		for i := range t.Fields {
			if t.Fields[i].Name != u.Fields[i].Name || !t.Fields[i].Type.Equal(u.Fields[i].Type) {
				return false
			}
		}
		return true
	case KindGeneric, KindNamed:
		return t.Name == u.Name
	case KindLambda:
		if len(t.Params) != len(u.Params) || !t.Elem.Equal(u.Elem) {
			return false
		}
		for i := range t.Params {
			if !t.Params[i].Equal(u.Params[i]) {
				return false
			}
		}
		return true
	}
	return true
}

// String prints the type as ksqlDB's DESCRIBE does: INTEGER, BIGINT,
// DECIMAL(4, 2), ARRAY<STRING>, MAP<STRING, INTEGER>,
// STRUCT<`A` INTEGER, `B` STRING>.
func (t *Type) String() string {
	var b strings.Builder
	t.write(&b, true)
	return b.String()
}

// SQL prints the type in the form the post-conditions of ksqlDB's tests use
// (field names unquoted): STRUCT<A INTEGER, B STRING>.
func (t *Type) SQL() string {
	var b strings.Builder
	t.write(&b, false)
	return b.String()
}

func (t *Type) write(b *strings.Builder, quote bool) {
	if t == nil {
		b.WriteString("<nil>")
		return
	}
	switch t.Kind {
	case KindDecimal:
		b.WriteString("DECIMAL(")
		b.WriteString(strconv.Itoa(t.Precision))
		b.WriteString(", ")
		b.WriteString(strconv.Itoa(t.Scale))
		b.WriteString(")")
	case KindArray:
		b.WriteString("ARRAY<")
		t.Elem.write(b, quote)
		b.WriteString(">")
	case KindMap:
		b.WriteString("MAP<")
		t.Key.write(b, quote)
		b.WriteString(", ")
		t.Elem.write(b, quote)
		b.WriteString(">")
	case KindStruct:
		b.WriteString("STRUCT<")
		for i, f := range t.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			if quote {
				b.WriteString("`" + f.Name + "`")
			} else {
				b.WriteString(f.Name)
			}
			b.WriteString(" ")
			f.Type.write(b, quote)
		}
		b.WriteString(">")
	case KindGeneric, KindNamed:
		b.WriteString(t.Name)
	case KindLambda:
		b.WriteString("LAMBDA(")
		for i, p := range t.Params {
			if i > 0 {
				b.WriteString(", ")
			}
			p.write(b, quote)
		}
		b.WriteString(") => ")
		t.Elem.write(b, quote)
	default:
		b.WriteString(t.Kind.String())
	}
}
