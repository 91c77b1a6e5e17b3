package planner

// Walk calls fn for e and every subexpression, depth-first, until fn
// returns false.
func Walk(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	for _, c := range children(e) {
		Walk(c, fn)
	}
}

func children(e Expr) []Expr {
	switch x := e.(type) {
	case *Call:
		return x.Args
	case *LambdaExpr:
		return []Expr{x.Body}
	case *Cast:
		return []Expr{x.X}
	case *Arith:
		return []Expr{x.L, x.R}
	case *Neg:
		return []Expr{x.X}
	case *Concat:
		return []Expr{x.L, x.R}
	case *Cmp:
		return []Expr{x.L, x.R}
	case *Logic:
		return []Expr{x.L, x.R}
	case *Not:
		return []Expr{x.X}
	case *IsNull:
		return []Expr{x.X}
	case *In:
		return append([]Expr{x.X}, x.List...)
	case *Between:
		return []Expr{x.X, x.Lo, x.Hi}
	case *Like:
		out := []Expr{x.X, x.Pattern}
		if x.Escape != nil {
			out = append(out, x.Escape)
		}
		return out
	case *Case:
		var out []Expr
		for _, w := range x.Whens {
			out = append(out, w.Cond, w.Result)
		}
		if x.Else != nil {
			out = append(out, x.Else)
		}
		return out
	case *Deref:
		return []Expr{x.X}
	case *Subscript:
		return []Expr{x.X, x.Index}
	case *ArrayCtor:
		return x.Elems
	case *MapCtor:
		return append(append([]Expr(nil), x.Keys...), x.Vals...)
	case *StructCtor:
		return x.Vals
	}
	return nil
}

// ColumnsUsed returns the input column indexes e reads.
func ColumnsUsed(e Expr) []int {
	var out []int
	Walk(e, func(x Expr) bool {
		if c, ok := x.(*ColRef); ok {
			out = append(out, c.Index)
		}
		return true
	})
	return out
}
