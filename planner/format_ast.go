package planner

import (
	"strings"

	"github.com/rql/rql/parser"
)

// FormatExpr renders an AST expression as ksqlDB's ExpressionFormatter does
// (used for messages about expressions that did not bind). qualify, when
// non-empty, is printed before unqualified column names ("INPUT.ID").
func FormatExpr(e parser.Expr, qualify string) string {
	f := astFormatter{qualify: qualify}
	return f.fmt(e)
}

type astFormatter struct{ qualify string }

func (f astFormatter) list(es []parser.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = f.fmt(e)
	}
	return strings.Join(parts, ", ")
}

func (f astFormatter) fmt(e parser.Expr) string {
	switch x := e.(type) {
	case nil:
		return ""
	case *parser.ColumnRef:
		if x.Qualifier != "" {
			return x.Qualifier + "." + x.Name
		}
		if f.qualify != "" {
			return f.qualify + "." + x.Name
		}
		return x.Name
	case *parser.Literal:
		switch x.Kind {
		case parser.LitString:
			s, _ := x.Value.(string)
			return "'" + strings.ReplaceAll(s, "'", "''") + "'"
		case parser.LitNull:
			return "null"
		case parser.LitBool:
			if b, _ := x.Value.(bool); b {
				return "true"
			}
			return "false"
		}
		if x.Text != "" {
			return x.Text
		}
		return formatValue(x.Value)
	case *parser.Unary:
		switch x.Op {
		case parser.OpNeg:
			return "-" + f.fmt(x.X)
		case parser.OpNot:
			return "(NOT " + f.fmt(x.X) + ")"
		}
		return f.fmt(x.X)
	case *parser.Binary:
		return "(" + f.fmt(x.L) + " " + x.Op.String() + " " + f.fmt(x.R) + ")"
	case *parser.IsNull:
		if x.Not {
			return "(" + f.fmt(x.X) + " IS NOT NULL)"
		}
		return "(" + f.fmt(x.X) + " IS NULL)"
	case *parser.In:
		not := ""
		if x.Not {
			not = "NOT "
		}
		return "(" + f.fmt(x.X) + " " + not + "IN (" + f.list(x.List) + "))"
	case *parser.Between:
		not := ""
		if x.Not {
			not = "NOT "
		}
		return "(" + f.fmt(x.X) + " " + not + "BETWEEN " + f.fmt(x.Lo) + " AND " + f.fmt(x.Hi) + ")"
	case *parser.Like:
		not := ""
		if x.Not {
			not = "NOT "
		}
		s := "(" + f.fmt(x.X) + " " + not + "LIKE " + f.fmt(x.Pattern)
		if x.Escape != nil {
			s += " ESCAPE " + f.fmt(x.Escape)
		}
		return s + ")"
	case *parser.Case:
		var b strings.Builder
		b.WriteString("(CASE")
		if x.Operand != nil {
			b.WriteString(" " + f.fmt(x.Operand))
		}
		for _, w := range x.Whens {
			b.WriteString(" WHEN " + f.fmt(w.Cond) + " THEN " + f.fmt(w.Result))
		}
		if x.Else != nil {
			b.WriteString(" ELSE " + f.fmt(x.Else))
		}
		b.WriteString(" END)")
		return b.String()
	case *parser.Cast:
		return "CAST(" + f.fmt(x.X) + " AS " + x.Type.String() + ")"
	case *parser.Call:
		if x.Star {
			return x.Name + "(*)"
		}
		return x.Name + "(" + f.list(x.Args) + ")"
	case *parser.Deref:
		if x.Star {
			return f.fmt(x.X) + "->*"
		}
		return f.fmt(x.X) + "->" + x.Field
	case *parser.Subscript:
		return f.fmt(x.X) + "[" + f.fmt(x.Index) + "]"
	case *parser.ArrayCtor:
		return "ARRAY[" + f.list(x.Elems) + "]"
	case *parser.MapCtor:
		parts := make([]string, len(x.Keys))
		for i := range x.Keys {
			parts[i] = f.fmt(x.Keys[i]) + ":=" + f.fmt(x.Vals[i])
		}
		return "MAP(" + strings.Join(parts, ", ") + ")"
	case *parser.StructCtor:
		parts := make([]string, len(x.Values))
		for i := range x.Values {
			parts[i] = x.Names[i] + ":=" + f.fmt(x.Values[i])
		}
		return "STRUCT(" + strings.Join(parts, ", ") + ")"
	case *parser.Lambda:
		return "(" + strings.Join(x.Params, ", ") + ") => " + f.fmt(x.Body)
	}
	return "?"
}
