package udf

import (
	"github.com/rql/rql/sqltypes"
)

// catTable is the SHOW FUNCTIONS category of the table functions.
const catTable = "TABLE"

// tblAnyDecimal is a DECIMAL parameter of any precision and scale.
var tblAnyDecimal = sqltypes.DecimalOf(0, 0)

// tblElemType returns the element type of the first (array) argument.
func tblElemType(args []*sqltypes.Type) (*sqltypes.Type, error) {
	if len(args) == 0 || args[0] == nil || args[0].Kind != sqltypes.KindArray {
		return nil, collFail("expected an ARRAY argument")
	}
	return args[0].Elem, nil
}

// registerTable registers the built-in table functions. Eval returns one
// value per output row; a NULL array produces no rows.
func registerTable(r *Registry) {
	arrT := sqltypes.ArrayOf(sqltypes.Generic("T"))
	explode := func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
		in := collArr(a[0])
		return append([]sqltypes.Value{}, in...), nil
	}
	r.MustRegister(
		&FuncDef{
			Name: "EXPLODE", Kind: Table, Category: catTable,
			Description: "Explodes an array: one output row per element.",
			Variants: []*Variant{
				{
					Params:      []Param{dcParam("input", sqltypes.ArrayOf(tblAnyDecimal))},
					ReturnFn:    tblElemType,
					Return:      tblAnyDecimal,
					Description: "Explodes an array of decimals.",
					Eval:        explode,
				},
				dcVariant(sqltypes.Generic("T"), "Explodes an array: one row per element.", explode,
					dcParam("list", arrT)),
			},
		},
		&FuncDef{
			Name: "CUBE_EXPLODE", Kind: Table, Category: catTable,
			Description: "Takes an array of columns and outputs all combinations of NULL and non-NULL values.",
			Variants: []*Variant{dcVariant(arrT, "Outputs every combination of the columns and NULLs.",
				func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					cols := collArr(a[0])
					if len(cols) > tblMaxCube {
						return nil, collFail("CUBE_EXPLODE takes at most %d columns, got %d", tblMaxCube, len(cols))
					}
					return tblCube(cols), nil
				}, dcParam("columns", arrT))},
		},
	)
}

// tblMaxCube bounds CUBE_EXPLODE's columns (2^n output rows).
const tblMaxCube = 20

// tblCube returns the grouping-set combinations of cols as ksqlDB's
// CUBE_EXPLODE does: combination i keeps column j when bit (n-1-j) of i is
// set, starting from all NULLs; a combination that would keep a NULL column
// duplicates another and is skipped.
func tblCube(cols []sqltypes.Value) []sqltypes.Value {
	n := len(cols)
	var out []sqltypes.Value
	for i := 0; i < 1<<n; i++ {
		row := make([]sqltypes.Value, n)
		dup := false
		for j := 0; j < n; j++ {
			if i&(1<<(n-1-j)) == 0 {
				continue
			}
			if cols[j] == nil {
				dup = true
				break
			}
			row[j] = cols[j]
		}
		if !dup {
			out = append(out, row)
		}
	}
	return out
}
