package udf

import (
	"strings"

	"github.com/rql/rql/sqltypes"
)

// VariadicIndex returns the index of the parameter a call may repeat, or -1
// when v is not Variadic. It is the last parameter, except for aggregates
// with trailing literal (initialization) parameters, where it is the last
// one before them: TOPK(col, other..., k).
func (v *Variant) VariadicIndex() int {
	if !v.Variadic || len(v.Params) == 0 {
		return -1
	}
	return len(v.Params) - 1 - aggLiterals(v)
}

// SignatureType prints a declared parameter or return type as DESCRIBE
// FUNCTION and docs/functions.md show it: t's SQL text, except that "any
// DECIMAL" (DecimalOf(0, 0) in signatures; a real DECIMAL has a precision
// of at least 1) prints as DECIMAL, also inside ARRAY, MAP and STRUCT.
func SignatureType(t *sqltypes.Type) string {
	if t == nil {
		return "?"
	}
	return strings.ReplaceAll(t.String(), sqltypes.DecimalOf(0, 0).String(), "DECIMAL")
}
