package parser

import (
	"strings"
	"testing"

	"github.com/rql/rql/sqltypes"
)

// show renders an expression compactly, to compare parse trees.
func show(e Expr) string {
	var b strings.Builder
	var w func(e Expr)
	list := func(es []Expr) {
		for i, x := range es {
			if i > 0 {
				b.WriteString(", ")
			}
			w(x)
		}
	}
	w = func(e Expr) {
		switch x := e.(type) {
		case *ColumnRef:
			if x.Qualifier != "" {
				b.WriteString(x.Qualifier + ".")
			}
			b.WriteString(x.Name)
		case *Literal:
			b.WriteString([]string{"null", "bool", "int", "bigint", "dec", "double", "str"}[x.Kind] + ":" + x.Text)
		case *Unary:
			b.WriteString([]string{"-", "+", "NOT "}[x.Op] + "(")
			w(x.X)
			b.WriteString(")")
		case *Binary:
			b.WriteString("(")
			w(x.L)
			b.WriteString(" " + x.Op.String() + " ")
			w(x.R)
			b.WriteString(")")
		case *IsNull:
			w(x.X)
			if x.Not {
				b.WriteString(" IS NOT NULL")
			} else {
				b.WriteString(" IS NULL")
			}
		case *In:
			w(x.X)
			if x.Not {
				b.WriteString(" NOT")
			}
			b.WriteString(" IN (")
			list(x.List)
			b.WriteString(")")
		case *Between:
			w(x.X)
			if x.Not {
				b.WriteString(" NOT")
			}
			b.WriteString(" BETWEEN ")
			w(x.Lo)
			b.WriteString(" AND ")
			w(x.Hi)
		case *Like:
			w(x.X)
			if x.Not {
				b.WriteString(" NOT")
			}
			b.WriteString(" LIKE ")
			w(x.Pattern)
			if x.Escape != nil {
				b.WriteString(" ESCAPE ")
				w(x.Escape)
			}
		case *Case:
			b.WriteString("CASE")
			if x.Operand != nil {
				b.WriteString(" ")
				w(x.Operand)
			}
			for _, wh := range x.Whens {
				b.WriteString(" WHEN ")
				w(wh.Cond)
				b.WriteString(" THEN ")
				w(wh.Result)
			}
			if x.Else != nil {
				b.WriteString(" ELSE ")
				w(x.Else)
			}
			b.WriteString(" END")
		case *Cast:
			b.WriteString("CAST(")
			w(x.X)
			b.WriteString(" AS " + x.Type.String() + ")")
		case *Call:
			b.WriteString(x.Name + "(")
			if x.Star {
				b.WriteString("*")
			}
			list(x.Args)
			b.WriteString(")")
		case *Deref:
			w(x.X)
			if x.Star {
				b.WriteString("->*")
			} else {
				b.WriteString("->" + x.Field)
			}
		case *Subscript:
			w(x.X)
			b.WriteString("[")
			w(x.Index)
			b.WriteString("]")
		case *ArrayCtor:
			b.WriteString("ARRAY[")
			list(x.Elems)
			b.WriteString("]")
		case *MapCtor:
			b.WriteString("MAP(")
			for i := range x.Keys {
				if i > 0 {
					b.WriteString(", ")
				}
				w(x.Keys[i])
				b.WriteString(":=")
				w(x.Vals[i])
			}
			b.WriteString(")")
		case *StructCtor:
			b.WriteString("STRUCT(")
			for i := range x.Names {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(x.Names[i] + ":=")
				w(x.Values[i])
			}
			b.WriteString(")")
		case *Lambda:
			b.WriteString("(" + strings.Join(x.Params, ", ") + ") => ")
			w(x.Body)
		default:
			b.WriteString("?")
		}
	}
	w(e)
	return b.String()
}

func TestExpressions(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a", "A"},
		{"`a`", "a"},
		{`"My Col"`, "My Col"},
		{"t.b", "T.B"},
		{"1 + 2 * 3", "(int:1 + (int:2 * int:3))"},
		{"(1 + 2) * 3", "((int:1 + int:2) * int:3)"},
		{"a || b || c", "((A || B) || C)"},
		{"a + b || c", "((A + B) || C)"},
		{"a || b = c", "((A || B) = C)"},
		{"a % 2 <> 0 OR NOT b AND c", "(((A % int:2) <> int:0) OR (NOT (B) AND C))"},
		{"a != b", "(A <> B)"},
		{"-a", "-(A)"},
		{"-5", "int:-5"},
		{"- 2147483648", "int:-2147483648"},
		{"2147483648", "bigint:2147483648"},
		{"-9223372036854775808", "bigint:-9223372036854775808"},
		{"1.50", "dec:1.50"},
		{"1.5E2", "double:1.5E2"},
		{"'it''s'", "str:'it''s'"},
		{"TRUE AND false", "(bool:TRUE AND bool:false)"},
		{"NULL", "null:NULL"},
		{"a IS NULL", "A IS NULL"},
		{"a IS NOT NULL", "A IS NOT NULL"},
		{"a IS DISTINCT FROM b", "(A IS DISTINCT FROM B)"},
		{"a IS NOT DISTINCT FROM b AND c", "((A IS NOT DISTINCT FROM B) AND C)"},
		{"a NOT IN (1, 2)", "A NOT IN (int:1, int:2)"},
		{"a BETWEEN 1 AND 2", "A BETWEEN int:1 AND int:2"},
		{"a NOT LIKE 'x%' ESCAPE '!'", "A NOT LIKE str:'x%' ESCAPE str:'!'"},
		{"a LIKE 'x'", "A LIKE str:'x'"},
		{"CASE WHEN a THEN 1 ELSE 2 END", "CASE WHEN A THEN int:1 ELSE int:2 END"},
		{"CASE a WHEN 1 THEN 'x' END", "CASE A WHEN int:1 THEN str:'x' END"},
		{"CAST(a AS BIGINT)", "CAST(A AS BIGINT)"},
		{"CAST(a AS DECIMAL(5, 2))", "CAST(A AS DECIMAL(5, 2))"},
		{"CAST(CAST(a AS STRING) AS ARRAY<MAP<STRING, INT>>)", "CAST(CAST(A AS STRING) AS ARRAY<MAP<STRING, INTEGER>>)"},
		{"count(*)", "COUNT(*)"},
		{"f()", "F()"},
		{"concat(a, 'b')", "CONCAT(A, str:'b')"},
		{"mod(a, 2) + char(a) + timestampadd(a)", "((MOD(A, int:2) + CHAR(A)) + TIMESTAMPADD(A))"},
		{"replace(a, 'x', 'y')", "REPLACE(A, str:'x', str:'y')"},
		{"a[1]", "A[int:1]"},
		{"a[1][-1]", "A[int:1][int:-1]"},
		{"m['k']->f", "M[str:'k']->F"},
		{"s->a->b", "S->A->B"},
		{"s->*", "S->*"},
		{"t.s->`x`", "T.S->x"},
		{"f(x)[2]", "F(X)[int:2]"},
		{"ARRAY[1, 2]", "ARRAY[int:1, int:2]"},
		{"ARRAY[]", "ARRAY[]"},
		{"MAP('a' := 1, 'b' := 2)", "MAP(str:'a':=int:1, str:'b':=int:2)"},
		{"STRUCT(a := 1, `b` := 'x')", "STRUCT(A:=int:1, b:=str:'x')"},
		{"STRUCT()", "STRUCT()"},
		{"transform(arr, x => x + 1)", "TRANSFORM(ARR, (X) => (X + int:1))"},
		{"transform(m, (k, v) => concat(k, v), (k, v) => v * 2)", "TRANSFORM(M, (K, V) => CONCAT(K, V), (K, V) => (V * int:2))"},
		{"reduce(a, 0, (s, x) => CASE WHEN x > 0 THEN s + x ELSE s END)", "REDUCE(A, int:0, (S, X) => CASE WHEN (X > int:0) THEN (S + X) ELSE S END)"},
		{"key = 1", "(KEY = int:1)"},
		{"rowtime > windowstart", "(ROWTIME > WINDOWSTART)"},
		{"a = 'x' -- comment", "(A = str:'x')"},
	}
	for _, tt := range tests {
		e, err := ParseExpr(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if got := show(e); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestLiteralValues(t *testing.T) {
	tests := []struct {
		in   string
		kind LiteralKind
		want any
	}{
		{"7", LitInt, int32(7)},
		{"-2147483649", LitBigint, int64(-2147483649)},
		{"2.5E-1", LitDouble, 0.25},
		{"TRUE", LitBool, true},
		{"'a'", LitString, "a"},
	}
	for _, tt := range tests {
		e, err := ParseExpr(tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		l := e.(*Literal)
		if l.Kind != tt.kind || l.Value != tt.want {
			t.Errorf("%s: %v %#v", tt.in, l.Kind, l.Value)
		}
	}
	e, _ := ParseExpr("-0.050")
	d := e.(*Literal).Value.(sqltypes.Decimal)
	if d.Scale != 3 || d.String() != "-0.050" {
		t.Errorf("decimal %v scale %d", d, d.Scale)
	}
}

func TestExpressionPositions(t *testing.T) {
	// Positions are in the original text even though rql rewrote it.
	e, err := ParseExpr("f(a)[1] + \n  CAST(x AS INT) * s->f")
	if err != nil {
		t.Fatal(err)
	}
	b := e.(*Binary)
	if b.Pos != (Pos{Offset: 0, Line: 1, Col: 1}) {
		t.Errorf("binary %+v", b.Pos)
	}
	sub := b.L.(*Subscript)
	if sub.Index.Position().Col != 6 || sub.X.(*Call).Args[0].Position().Col != 3 {
		t.Errorf("subscript %+v", sub)
	}
	m := b.R.(*Binary)
	c := m.L.(*Cast)
	if c.Pos != (Pos{Offset: 13, Line: 2, Col: 3}) || c.X.Position().Col != 8 {
		t.Errorf("cast %+v %+v", c.Pos, c.X.Position())
	}
	d := m.R.(*Deref)
	if d.Pos.Col != 20 || d.X.Position().Col != 20 {
		t.Errorf("deref %+v", d.Pos)
	}
}
