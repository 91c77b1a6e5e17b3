package planner

import (
	"strconv"
	"strings"

	"github.com/rql/rql/sqltypes"
)

// The String methods follow ksqlDB's ExpressionFormatter, whose output
// appears in error messages and in generated names.

func (e *ColRef) String() string    { return e.Name }
func (e *PseudoRef) String() string { return e.Col.String() }
func (e *LambdaVar) String() string { return e.Name }
func (e *Literal) String() string {
	if e.Text != "" {
		return e.Text
	}
	return formatValue(e.V)
}
func (e *Call) String() string { return e.Name + "(" + joinExprs(e.Args) + ")" }
func (e *LambdaExpr) String() string {
	return "(" + strings.Join(e.Params, ", ") + ") => " + e.Body.String()
}
func (e *Cast) String() string {
	if e.Implicit {
		return e.X.String()
	}
	return "CAST(" + e.X.String() + " AS " + e.To.String() + ")"
}
func (e *Arith) String() string {
	return "(" + e.L.String() + " " + e.Op.String() + " " + e.R.String() + ")"
}
func (e *Neg) String() string { return "-" + e.X.String() }
func (e *Concat) String() string {
	if e.Plus {
		return "(" + e.L.String() + " + " + e.R.String() + ")"
	}
	return "(" + e.L.String() + " || " + e.R.String() + ")"
}
func (e *Cmp) String() string {
	return "(" + e.L.String() + " " + e.Op.String() + " " + e.R.String() + ")"
}
func (e *Logic) String() string {
	op := " OR "
	if e.And {
		op = " AND "
	}
	return "(" + e.L.String() + op + e.R.String() + ")"
}
func (e *Not) String() string { return "(NOT " + e.X.String() + ")" }
func (e *IsNull) String() string {
	if e.Not {
		return "(" + e.X.String() + " IS NOT NULL)"
	}
	return "(" + e.X.String() + " IS NULL)"
}
func (e *In) String() string {
	not := ""
	if e.Not {
		not = "NOT "
	}
	return "(" + e.X.String() + " " + not + "IN (" + joinExprs(e.List) + "))"
}
func (e *Between) String() string {
	not := ""
	if e.Not {
		not = "NOT "
	}
	return "(" + e.X.String() + " " + not + "BETWEEN " + e.Lo.String() + " AND " + e.Hi.String() + ")"
}
func (e *Like) String() string {
	not := ""
	if e.Not {
		not = "NOT "
	}
	s := "(" + e.X.String() + " " + not + "LIKE " + e.Pattern.String()
	if e.Escape != nil {
		s += " ESCAPE " + e.Escape.String()
	}
	return s + ")"
}
func (e *Case) String() string {
	var b strings.Builder
	b.WriteString("(CASE")
	for _, w := range e.Whens {
		b.WriteString(" WHEN " + w.Cond.String() + " THEN " + w.Result.String())
	}
	if e.Else != nil {
		b.WriteString(" ELSE " + e.Else.String())
	}
	b.WriteString(" END)")
	return b.String()
}
func (e *Deref) String() string     { return e.X.String() + "->" + e.Field }
func (e *Subscript) String() string { return e.X.String() + "[" + e.Index.String() + "]" }
func (e *ArrayCtor) String() string { return "ARRAY[" + joinExprs(e.Elems) + "]" }
func (e *MapCtor) String() string {
	parts := make([]string, len(e.Keys))
	for i := range e.Keys {
		parts[i] = e.Keys[i].String() + ":=" + e.Vals[i].String()
	}
	return "MAP(" + strings.Join(parts, ", ") + ")"
}
func (e *StructCtor) String() string {
	parts := make([]string, len(e.Vals))
	for i := range e.Vals {
		parts[i] = e.T.Fields[i].Name + ":=" + e.Vals[i].String()
	}
	return "STRUCT(" + strings.Join(parts, ", ") + ")"
}

func joinExprs(es []Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}

// formatValue prints a value as a SQL literal.
func formatValue(v sqltypes.Value) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case sqltypes.Decimal:
		return x.String()
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	}
	return "?"
}
