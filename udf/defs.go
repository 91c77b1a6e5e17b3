package udf

import (
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// Shorthands for the signatures of the built-in tables.
var (
	tStr    = sqltypes.String
	tInt    = sqltypes.Int
	tBig    = sqltypes.Bigint
	tDbl    = sqltypes.Double
	tBool   = sqltypes.Boolean
	tBytes  = sqltypes.Bytes
	tAnyDec = sqltypes.DecimalOf(0, 0) // any DECIMAL, see anyDecimal
	tGenT   = sqltypes.Generic("T")
)

// pa declares a named parameter.
func pa(name string, t *sqltypes.Type) Param { return Param{Name: name, Type: t} }

// sig builds a non-variadic variant that returns NULL on any NULL argument.
func sig(ret *sqltypes.Type, eval EvalFunc, params ...Param) *Variant {
	return &Variant{Params: params, Return: ret, Eval: eval}
}

// varsig builds a variadic variant (the last parameter repeats).
func varsig(ret *sqltypes.Type, eval EvalFunc, params ...Param) *Variant {
	return &Variant{Params: params, Return: ret, Eval: eval, Variadic: true}
}

// nulls marks a variant as seeing NULL arguments.
func nulls(v *Variant) *Variant {
	v.PassNulls = true
	return v
}

// retFn sets a variant's result-type function.
func retFn(v *Variant, f func([]*sqltypes.Type) (*sqltypes.Type, error)) *Variant {
	v.ReturnFn = f
	return v
}

// sameAsFirst is a ReturnFn returning the first argument's type.
func sameAsFirst(args []*sqltypes.Type) (*sqltypes.Type, error) { return args[0], nil }

// def builds a scalar FuncDef.
func def(name, category, desc string, vs ...*Variant) *FuncDef {
	for _, v := range vs {
		if v.Description == "" {
			v.Description = desc
		}
	}
	return &FuncDef{Name: name, Kind: Scalar, Category: category, Description: desc, Variants: vs}
}

// Function categories as ksqlDB's SHOW FUNCTIONS groups them.
const (
	catString = "STRING"
	catMath   = "MATHEMATICAL"
	catNulls  = "CONDITIONAL"
	catJSON   = "JSON"
	catConv   = "CONVERSIONS"
	catURL    = "URL"
	catRegex  = "REGULAR EXPRESSION"
	catOther  = "OTHER"
)

// fnErr is the run-time error of a function: the caller logs it and the
// result is NULL.
func fnErr(format string, args ...any) error {
	return rqlerr.New(rqlerr.ExecFunction, format, args...)
}

// Accessors for coerced arguments: the resolver guarantees the dynamic
// types, but a wrong one must not panic.

func asStr(v sqltypes.Value) string {
	s, _ := v.(string)
	return s
}

func asInt(v sqltypes.Value) int {
	switch x := v.(type) {
	case int32:
		return int(x)
	case int64:
		return int(x)
	}
	return 0
}

func asBytes(v sqltypes.Value) []byte {
	b, _ := v.([]byte)
	return b
}

func asDbl(v sqltypes.Value) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case sqltypes.Decimal:
		return x.Float64()
	}
	return 0
}

func asDec(v sqltypes.Value) sqltypes.Decimal {
	switch x := v.(type) {
	case sqltypes.Decimal:
		if x.Unscaled == nil {
			return sqltypes.NewDecimal(0, x.Scale)
		}
		return x
	case int32:
		return sqltypes.NewDecimal(int64(x), 0)
	case int64:
		return sqltypes.NewDecimal(x, 0)
	}
	return sqltypes.NewDecimal(0, 0)
}
