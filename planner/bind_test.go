package planner

import (
	"errors"
	"strings"
	"testing"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

func testScope() *scope {
	return scopeOf(&sqltypes.Schema{Columns: []sqltypes.Column{
		{Name: "ID", Type: sqltypes.Int, NS: sqltypes.NSKey},
		{Name: "I", Type: sqltypes.Int},
		{Name: "L", Type: sqltypes.Bigint},
		{Name: "D", Type: sqltypes.Double},
		{Name: "DEC", Type: sqltypes.DecimalOf(4, 2)},
		{Name: "S", Type: sqltypes.String},
		{Name: "B", Type: sqltypes.Boolean},
		{Name: "ARR", Type: sqltypes.ArrayOf(sqltypes.Int)},
		{Name: "M", Type: sqltypes.MapOf(sqltypes.String, sqltypes.Double)},
		{Name: "ST", Type: sqltypes.StructOf(sqltypes.Field{Name: "F", Type: sqltypes.String})},
	}}, "T")
}

func bindText(t *testing.T, text string) (Expr, error) {
	t.Helper()
	e, err := parser.ParseExpr(text)
	if err != nil {
		t.Fatalf("parse %q: %v", text, err)
	}
	b := &binder{reg: udf.Builtins(), scope: testScope(), clause: "SELECT"}
	return b.bind(e)
}

func TestBindTypes(t *testing.T) {
	cases := []struct{ expr, typ string }{
		{"I + I", "INTEGER"},
		{"I + L", "BIGINT"},
		{"I * D", "DOUBLE"},
		{"DEC + DEC", "DECIMAL(5, 2)"},
		{"DEC * DEC", "DECIMAL(9, 4)"},
		{"DEC / DEC", "DECIMAL(11, 7)"},
		{"DEC % I", "DECIMAL(4, 2)"},
		{"DEC + I", "DECIMAL(13, 2)"},
		{"1.50", "DECIMAL(3, 2)"},
		{"S + S", "STRING"},
		{"I = L", "BOOLEAN"},
		{"ARR[1]", "INTEGER"},
		{"M['a']", "DOUBLE"},
		{"ST->F", "STRING"},
		{"CASE WHEN B THEN I ELSE L END", "BIGINT"},
		{"ARRAY[I, L]", "ARRAY<BIGINT>"},
		{"MAP('a' := I)", "MAP<STRING, INTEGER>"},
		{"STRUCT(X := I, Y := S)", "STRUCT<`X` INTEGER, `Y` STRING>"},
		{"CAST(I AS STRING)", "STRING"},
		{"ROWTIME", "BIGINT"},
		{"ROWPARTITION", "INTEGER"},
		{"ROWOFFSET", "BIGINT"},
		{"I IN (1, 2)", "BOOLEAN"},
		{"S LIKE 'a%'", "BOOLEAN"},
		{"I BETWEEN 1 AND 3", "BOOLEAN"},
		{"T.I", "INTEGER"},
	}
	for _, c := range cases {
		e, err := bindText(t, c.expr)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if got := e.Type().String(); got != c.typ {
			t.Errorf("%s: type %s, want %s", c.expr, got, c.typ)
		}
	}
}

func TestBindErrors(t *testing.T) {
	cases := []struct {
		expr string
		code rqlerr.Code
		msg  string
		col  int
	}{
		{"I = true", rqlerr.BindType, "Cannot compare I (INTEGER) to true (BOOLEAN) with EQUAL.", 1},
		{"ARR < ARR", rqlerr.BindType, "Cannot compare ARR (ARRAY<INTEGER>) to ARR (ARRAY<INTEGER>) with LESS_THAN.", 1},
		{"I + NOPE", rqlerr.BindUnknownColumn, "SELECT column 'NOPE' cannot be resolved.", 5},
		{"X.I", rqlerr.BindUnknownSource, "'X' is not a valid stream/table name or alias.", 1},
		{"NOPE(I)", rqlerr.BindUnknownFunction, "Can't find any functions with the name 'NOPE'", 1},
		{"CASE WHEN B THEN NULL END", rqlerr.BindType, "Invalid Case expression. All case branches have NULL type", 1},
		{"ARRAY[]", rqlerr.BindInvalid, "Array constructor cannot be empty.", 1},
		{"CAST(S AS ARRAY<INT>)", rqlerr.BindType, "Cast of STRING to ARRAY<INTEGER> is not supported", 1},
		{"B + 1.5", rqlerr.BindType, "Unsupported arithmetic types. BOOLEAN DECIMAL", 1},
	}
	for _, c := range cases {
		_, err := bindText(t, c.expr)
		if err == nil {
			t.Errorf("%s: no error", c.expr)
			continue
		}
		if !errors.Is(err, c.code) {
			t.Errorf("%s: code %s, want %s (%v)", c.expr, rqlerr.CodeOf(err), c.code, err)
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %q does not contain %q", c.expr, err.Error(), c.msg)
		}
		if pos, ok := rqlerr.PosOf(err); !ok || pos.Col != c.col {
			t.Errorf("%s: position %+v, want column %d", c.expr, pos, c.col)
		}
	}
}

func TestArithType(t *testing.T) {
	d := sqltypes.DecimalOf
	cases := []struct {
		op   ArithOp
		a, b *sqltypes.Type
		want string
	}{
		{ArithAdd, d(10, 2), d(5, 3), "DECIMAL(12, 3)"},
		{ArithSub, d(4, 2), d(4, 2), "DECIMAL(5, 2)"},
		{ArithMul, d(4, 2), d(3, 1), "DECIMAL(8, 3)"},
		{ArithDiv, d(4, 2), d(3, 1), "DECIMAL(9, 6)"},
		{ArithMod, d(4, 2), d(3, 1), "DECIMAL(4, 2)"},
		{ArithAdd, sqltypes.Int, sqltypes.Bigint, "BIGINT"},
		{ArithAdd, d(4, 2), sqltypes.Double, "DOUBLE"},
	}
	for _, c := range cases {
		if got := arithType(c.op, c.a, c.b).String(); got != c.want {
			t.Errorf("%s %s %s: %s, want %s", c.a, c.op, c.b, got, c.want)
		}
	}
}
