package udf

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// Resolve picks the variant of the function named name that a call with
// args invokes, following ksqlDB's rules:
//
//   - a first pass accepts only exact matches (DECIMAL parameters accept any
//     DECIMAL); when nothing matches, a second pass allows implicit
//     widening INT → BIGINT → DECIMAL → DOUBLE (inside ARRAY and MAP too)
//     and a STRING literal to a TIMESTAMP, DATE or TIME parameter;
//   - an untyped NULL matches any parameter; KindAny matches anything;
//   - generics bind strictly (no widening) and consistently across the
//     parameters, including inside ARRAY, MAP, STRUCT and lambda types;
//   - a variadic variant accepts zero or more trailing arguments;
//   - among the matching variants, a non-variadic one beats a variadic one,
//     then more declared parameters win, then fewer generic parameters; a
//     tie is an ambiguity error.
//
// Lambda arguments are typed after the choice: BindLambda is called with
// the lambda's parameter types once the generics from the other arguments
// are bound, and the body's type binds the lambda's result generic. When the
// body's type is wider than a generic already bound (REDUCE(arr, 0,
// (s, x) => s + x) with a BIGINT x), the generic is widened and the lambda
// bound again, so BindLambda may be called more than once: the last call
// wins.
//
// Errors are *rqlerr.Error with BindUnknownFunction or BindFunctionArgs and
// ksqlDB's wording. Unbound generics in the result (every argument NULL)
// become sqltypes.Null.
func (r *Registry) Resolve(name string, args []Arg) (*Resolved, error) {
	def, ok := r.Lookup(name)
	if !ok {
		return nil, rqlerr.New(rqlerr.BindUnknownFunction, "Can't find any functions with the name '%s'", name)
	}
	c, err := pickVariant(def, args, false)
	if err != nil {
		return nil, err
	}
	if c == nil {
		if c, err = pickVariant(def, args, true); err != nil {
			return nil, err
		}
	}
	if c == nil {
		return nil, rqlerr.New(rqlerr.BindFunctionArgs,
			"Function '%s' does not accept parameters %s.\nValid alternatives are:\n%s\n"+
				"For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;",
			displayName(def), argsString(args), signatures(def))
	}
	return c.finish(def, args)
}

// candidate is one variant that accepts the call's arguments.
type candidate struct {
	v        *Variant
	bindings map[string]*sqltypes.Type
	params   []*sqltypes.Type // the declared parameter type of each argument
	path     string           // identifies ksqlDB's trie node: same path, same node
}

func (c *candidate) variadic() int {
	if c.v.Variadic {
		return 0
	}
	return 1
}

func (c *candidate) generics() int {
	n := 0
	for _, p := range c.v.Params {
		if hasGenerics(p.Type) {
			n++
		}
	}
	return n
}

// better compares two candidates by ksqlDB's precedence: > 0 when c wins.
func (c *candidate) compare(d *candidate) int {
	if x := c.variadic() - d.variadic(); x != 0 {
		return x
	}
	if x := len(c.v.Params) - len(d.v.Params); x != 0 {
		return x
	}
	return d.generics() - c.generics()
}

// pickVariant returns the best candidate, nil when none matches, or an
// ambiguity error.
func pickVariant(def *FuncDef, args []Arg, allowCasts bool) (*candidate, error) {
	var cands []*candidate
	for _, v := range def.Variants {
		if c := matchVariant(v, args, allowCasts); c != nil {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return nil, nil
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].compare(cands[j]) > 0 })
	best := cands[0]
	for _, c := range cands[1:] {
		if best.compare(c) != 0 {
			break
		}
		// ksqlDB keeps one function per trie node: equal candidates
		// reached through the same parameter types are not ambiguous.
		if c.path != best.path {
			return nil, rqlerr.New(rqlerr.BindFunctionArgs,
				"Function '%s' cannot be resolved due to ambiguous method parameters %s.\n"+
					"Use CAST() to explicitly cast your parameters to one of the supported function calls.\n"+
					"Valid function calls are:\n%s\n"+
					"For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;",
				displayName(def), argsString(args), signatures(def))
		}
	}
	return best, nil
}

func matchVariant(v *Variant, args []Arg, allowCasts bool) *candidate {
	n := len(v.Params)
	if v.Variadic {
		if n == 0 || len(args) < n-1 {
			return nil
		}
	} else if len(args) != n {
		return nil
	}
	c := &candidate{v: v, bindings: map[string]*sqltypes.Type{}, params: make([]*sqltypes.Type, len(args))}
	var path strings.Builder
	for i, a := range args {
		pi, vararg := i, false
		if v.Variadic && i >= n-1 {
			pi, vararg = n-1, true
		}
		p := v.Params[pi].Type
		if !accepts(p, a, c.bindings, allowCasts) {
			return nil
		}
		c.params[i] = p
		path.WriteString(p.String())
		if vararg {
			path.WriteString("...")
		}
		path.WriteString(";")
	}
	c.path = path.String()
	return c
}

func isLambdaArg(a Arg) bool { return a.BindLambda != nil || (a.Type == nil && a.LambdaArity > 0) }

func isNullArg(a Arg) bool { return a.Type == nil || a.Type.Kind == sqltypes.KindNull }

// accepts reports whether argument a fits parameter type p, binding
// generics into b.
func accepts(p *sqltypes.Type, a Arg, b map[string]*sqltypes.Type, allowCasts bool) bool {
	if isLambdaArg(a) {
		return p.Kind == sqltypes.KindLambda && len(p.Params) == a.LambdaArity
	}
	if p.Kind == sqltypes.KindLambda {
		return false
	}
	if isNullArg(a) || p.Kind == sqltypes.KindAny {
		return true
	}
	if hasGenerics(p) {
		return bindStrict(p, a.Type, b)
	}
	return compatible(a.Type, p, allowCasts, a.Literal)
}

// bindStrict matches t against the generic parameter type p, binding or
// checking generics; non-generic parts must have the same kind.
func bindStrict(p, t *sqltypes.Type, b map[string]*sqltypes.Type) bool {
	if t == nil || t.Kind == sqltypes.KindNull || p.Kind == sqltypes.KindAny {
		return true
	}
	if p.Kind == sqltypes.KindGeneric {
		if u, ok := b[p.Name]; ok && u.Kind != sqltypes.KindNull {
			return u.Equal(t)
		}
		b[p.Name] = t
		return true
	}
	if p.Kind != t.Kind {
		return false
	}
	switch p.Kind {
	case sqltypes.KindArray:
		return bindStrict(p.Elem, t.Elem, b)
	case sqltypes.KindMap:
		return bindStrict(p.Key, t.Key, b) && bindStrict(p.Elem, t.Elem, b)
	case sqltypes.KindStruct:
		if len(p.Fields) == 0 {
			return true
		}
		if len(p.Fields) != len(t.Fields) {
			return false
		}
		for _, f := range p.Fields {
			i := t.FieldIndex(f.Name)
			if i < 0 || !bindStrict(f.Type, t.Fields[i].Type, b) {
				return false
			}
		}
	}
	return true
}

// compatible reports whether a value of type t may be passed to a
// non-generic parameter of type p.
func compatible(t, p *sqltypes.Type, allowCasts, literal bool) bool {
	if t.Kind == sqltypes.KindNull || p.Kind == sqltypes.KindAny {
		return true
	}
	switch {
	case t.Kind == sqltypes.KindArray && p.Kind == sqltypes.KindArray:
		return compatible(t.Elem, p.Elem, allowCasts, false)
	case t.Kind == sqltypes.KindMap && p.Kind == sqltypes.KindMap:
		return compatible(t.Key, p.Key, allowCasts, false) && compatible(t.Elem, p.Elem, allowCasts, false)
	case t.Kind == sqltypes.KindStruct && p.Kind == sqltypes.KindStruct:
		if len(t.Fields) == 0 || len(p.Fields) == 0 {
			return true
		}
		if len(t.Fields) != len(p.Fields) {
			return false
		}
		for _, f := range p.Fields {
			i := t.FieldIndex(f.Name)
			// ksqlDB never casts implicitly inside structs.
			if i < 0 || !compatible(t.Fields[i].Type, f.Type, false, false) {
				return false
			}
		}
		return true
	}
	if !t.IsPrimitive() || !p.IsPrimitive() {
		return false
	}
	if t.Kind == p.Kind {
		return true
	}
	return allowCasts && CanWiden(t.Kind, p.Kind, literal)
}

// finish types the lambdas, then computes the argument and result types.
func (c *candidate) finish(def *FuncDef, args []Arg) (*Resolved, error) {
	b := c.bindings
	lambdaResults := make([]*sqltypes.Type, len(args))
	for round := 0; round < 4; round++ {
		changed := false
		for i, a := range args {
			if !isLambdaArg(a) {
				continue
			}
			if a.BindLambda == nil {
				return nil, rqlerr.Bug("lambda argument %d of %s has no BindLambda", i+1, def.Name)
			}
			p := c.params[i]
			ps := make([]*sqltypes.Type, len(p.Params))
			for j, pp := range p.Params {
				st, ok := substitute(pp, b)
				if !ok {
					return nil, rqlerr.New(rqlerr.BindFunctionArgs,
						"Could not infer the type of parameter %d of the lambda passed to function '%s'", j+1, displayName(def))
				}
				ps[j] = st
			}
			rt, err := a.BindLambda(ps)
			if err != nil {
				return nil, err
			}
			lambdaResults[i] = rt
			ch, err := bindLambdaResult(def, p.Elem, rt, b)
			if err != nil {
				return nil, err
			}
			changed = changed || ch
		}
		if !changed {
			break
		}
	}
	res := &Resolved{Def: def, Variant: c.v, ArgTypes: make([]*sqltypes.Type, len(args))}
	for i, a := range args {
		p := c.params[i]
		switch {
		case isLambdaArg(a):
			lt, _ := substitute(p, b)
			if lt.Elem == nil || lt.Elem.Kind == sqltypes.KindNull || lt.Elem.Kind == sqltypes.KindAny {
				lt = sqltypes.LambdaOf(lambdaResults[i], lt.Params...)
			}
			res.ArgTypes[i] = lt
		case isNullArg(a):
			res.ArgTypes[i] = nullTarget(p, b)
		default:
			res.ArgTypes[i] = target(p, a.Type, b)
		}
	}
	if c.v.EvalFor != nil {
		v := *c.v
		v.Eval = c.v.EvalFor(res.ArgTypes)
		res.Variant = &v
	}
	if c.v.ReturnFn != nil {
		rt, err := c.v.ReturnFn(res.ArgTypes)
		if err != nil {
			return nil, err
		}
		res.Return = rt
	} else {
		res.Return, _ = substitute(c.v.Return, b)
	}
	return res, nil
}

// bindLambdaResult binds the lambda's declared result type pe to the body's
// type rt; it reports whether a generic was widened (the lambdas must then
// be typed again).
func bindLambdaResult(def *FuncDef, pe, rt *sqltypes.Type, b map[string]*sqltypes.Type) (bool, error) {
	if pe == nil || rt == nil || rt.Kind == sqltypes.KindNull || pe.Kind == sqltypes.KindAny {
		return false, nil
	}
	if pe.Kind == sqltypes.KindGeneric {
		u, ok := b[pe.Name]
		switch {
		case !ok || u.Kind == sqltypes.KindNull:
			b[pe.Name] = rt
			return ok, nil // a NULL-bound generic changed: retype
		case u.Equal(rt):
			return false, nil
		case u.IsPrimitive() && rt.IsPrimitive() && numericRank(u.Kind) > 0 && numericRank(rt.Kind) > 0:
			if numericRank(rt.Kind) > numericRank(u.Kind) ||
				(rt.Kind == sqltypes.KindDecimal && u.Kind == sqltypes.KindDecimal && wider(rt, u)) {
				b[pe.Name] = rt
				return true, nil
			}
			return false, nil // the body's values widen to u
		}
		return false, lambdaTypeError(def, pe, rt, u)
	}
	if hasGenerics(pe) {
		if !bindStrict(pe, rt, b) {
			return false, lambdaTypeError(def, pe, rt, nil)
		}
		return false, nil
	}
	if !compatible(rt, pe, true, false) {
		return false, lambdaTypeError(def, pe, rt, nil)
	}
	return false, nil
}

// wider reports whether DECIMAL a holds every value of DECIMAL b.
func wider(a, b *sqltypes.Type) bool {
	return a.Scale >= b.Scale && a.Precision-a.Scale >= b.Precision-b.Scale && !a.Equal(b)
}

func lambdaTypeError(def *FuncDef, pe, rt, bound *sqltypes.Type) error {
	want := paramString(pe)
	if bound != nil {
		want = bound.SQL()
	}
	return rqlerr.New(rqlerr.BindFunctionArgs,
		"Function '%s': the lambda returns %s where %s is expected", displayName(def), rt.SQL(), want)
}

// nullTarget is the conversion type of a NULL argument: the parameter type
// when it is concrete, else NULL.
func nullTarget(p *sqltypes.Type, b map[string]*sqltypes.Type) *sqltypes.Type {
	if p.Kind == sqltypes.KindAny || anyDecimal(p) {
		return sqltypes.Null
	}
	t, ok := substitute(p, b)
	if !ok || containsLoose(t) {
		return sqltypes.Null
	}
	return t
}

// containsLoose reports whether t contains ANY or a precision-less DECIMAL.
func containsLoose(t *sqltypes.Type) bool {
	return ContainsType(t, func(u *sqltypes.Type) bool { return u.Kind == sqltypes.KindAny || anyDecimal(u) })
}

// target is the type an argument of type t is converted to for parameter p.
func target(p, t *sqltypes.Type, b map[string]*sqltypes.Type) *sqltypes.Type {
	if t == nil || t.Kind == sqltypes.KindNull {
		return nullTarget(p, b)
	}
	switch p.Kind {
	case sqltypes.KindGeneric:
		if u, ok := b[p.Name]; ok && u.Kind != sqltypes.KindNull {
			return u
		}
		return t
	case sqltypes.KindAny:
		return t
	case sqltypes.KindArray:
		if t.Kind == sqltypes.KindArray {
			return sqltypes.ArrayOf(target(p.Elem, t.Elem, b))
		}
	case sqltypes.KindMap:
		if t.Kind == sqltypes.KindMap {
			return sqltypes.MapOf(target(p.Key, t.Key, b), target(p.Elem, t.Elem, b))
		}
	case sqltypes.KindStruct:
		if len(p.Fields) == 0 || !hasGenerics(p) {
			return t
		}
		st, _ := substitute(p, b)
		return st
	case sqltypes.KindDecimal:
		if anyDecimal(p) {
			if d := DecimalFor(t); d != nil {
				return d
			}
		}
	}
	return p
}

func displayName(def *FuncDef) string {
	if def.DisplayName != "" {
		return def.DisplayName
	}
	return strings.ToLower(def.Name)
}

// argsString prints the argument types as ksqlDB does: "(INTEGER, null)".
func argsString(args []Arg) string {
	parts := make([]string, len(args))
	for i, a := range args {
		switch {
		case isLambdaArg(a):
			parts[i] = "LAMBDA"
		case isNullArg(a):
			parts[i] = "null"
		default:
			parts[i] = a.Type.SQL()
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// signatures lists the variants, one a line: "explode(ARRAY<T> list)".
func signatures(def *FuncDef) string {
	lines := make([]string, len(def.Variants))
	for i, v := range def.Variants {
		var sb strings.Builder
		sb.WriteString(displayName(def))
		sb.WriteString("(")
		for j, p := range v.Params {
			if j > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(paramString(p.Type))
			if v.Variadic && j == len(v.Params)-1 {
				sb.WriteString("...")
			}
			if p.Name != "" {
				sb.WriteString(" ")
				sb.WriteString(p.Name)
			}
		}
		sb.WriteString(")")
		lines[i] = sb.String()
	}
	return strings.Join(lines, "\n")
}

// paramString prints a declared parameter type as ksqlDB does: DECIMAL
// without precision, generics by name.
func paramString(t *sqltypes.Type) string {
	if t == nil {
		return "<nil>"
	}
	switch t.Kind {
	case sqltypes.KindDecimal:
		if t.Precision == 0 {
			return "DECIMAL"
		}
	case sqltypes.KindArray:
		return "ARRAY<" + paramString(t.Elem) + ">"
	case sqltypes.KindMap:
		return "MAP<" + paramString(t.Key) + ", " + paramString(t.Elem) + ">"
	case sqltypes.KindStruct:
		fs := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			fs[i] = f.Name + " " + paramString(f.Type)
		}
		return "STRUCT<" + strings.Join(fs, ", ") + ">"
	case sqltypes.KindLambda:
		ps := make([]string, len(t.Params))
		for i, p := range t.Params {
			ps[i] = paramString(p)
		}
		return fmt.Sprintf("LAMBDA (%s) => %s", strings.Join(ps, ", "), paramString(t.Elem))
	}
	return t.SQL()
}
