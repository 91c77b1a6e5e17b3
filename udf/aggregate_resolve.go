package udf

import (
	"sort"
	"strings"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// ResolveAggregate resolves a call to an aggregate function with Resolve's
// rules, knowing that a variant's trailing AggregateSpec.Literals
// parameters are init arguments and that its variadic parameter, if any,
// is the last one before them (TOPK(col, other..., k)). The Resolved's
// ArgTypes follow the call's argument order; its Variant is the registered
// one (Variant.Aggregate set). For a function that is not an aggregate it
// is Resolve.
//
// The caller then checks that the last res.AggregateLiterals() arguments
// are literal constants (AggregateLiteralError) and builds the Aggregator
// with NewAggregator.
func (r *Registry) ResolveAggregate(name string, args []Arg) (*Resolved, error) {
	def, ok := r.Lookup(name)
	if !ok || def.Kind != Aggregate {
		return r.Resolve(name, args)
	}
	c, err := pickAggVariant(def, args, false)
	if err != nil {
		return nil, err
	}
	if c == nil {
		if c, err = pickAggVariant(def, args, true); err != nil {
			return nil, err
		}
	}
	if c == nil {
		return nil, rqlerr.New(rqlerr.BindFunctionArgs,
			"Function '%s' does not accept parameters %s.\nValid alternatives are:\n%s\n"+
				"For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;",
			displayName(def), argsString(args), aggSignatures(def))
	}
	res, err := c.cand.finish(def, c.args)
	if err != nil {
		return nil, err
	}
	res.ArgTypes = unrotate(res.ArgTypes, c.n)
	res.Variant = c.orig
	return res, nil
}

// aggCandidate is a candidate of a rotated variant: its n init parameters
// and arguments moved to the front so that a variadic parameter is last.
type aggCandidate struct {
	cand *candidate
	orig *Variant
	n    int
	args []Arg // rotated
}

func aggLiterals(v *Variant) int {
	if v.Aggregate == nil || v.Aggregate.Literals > len(v.Params) {
		return 0
	}
	return v.Aggregate.Literals
}

// rotate moves the last n elements of xs to the front.
func rotate[T any](xs []T, n int) []T {
	out := make([]T, 0, len(xs))
	out = append(out, xs[len(xs)-n:]...)
	return append(out, xs[:len(xs)-n]...)
}

// unrotate undoes rotate.
func unrotate[T any](xs []T, n int) []T {
	out := make([]T, 0, len(xs))
	out = append(out, xs[n:]...)
	return append(out, xs[:n]...)
}

// shadow returns v with its init parameters first; its ReturnFn sees the
// argument types in call order.
func shadow(v *Variant, n int) *Variant {
	sv := *v
	sv.Params = rotate(v.Params, n)
	if v.ReturnFn != nil {
		orig := v.ReturnFn
		sv.ReturnFn = func(ts []*sqltypes.Type) (*sqltypes.Type, error) { return orig(unrotate(ts, n)) }
	}
	sv.EvalFor = nil
	return &sv
}

func pickAggVariant(def *FuncDef, args []Arg, allowCasts bool) (*aggCandidate, error) {
	var cands []*aggCandidate
	for _, v := range def.Variants {
		n := aggLiterals(v)
		if len(args) < n {
			continue
		}
		rargs := rotate(args, n)
		if c := matchVariant(shadow(v, n), rargs, allowCasts); c != nil {
			cands = append(cands, &aggCandidate{cand: c, orig: v, n: n, args: rargs})
		}
	}
	if len(cands) == 0 {
		return nil, nil
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].cand.compare(cands[j].cand) > 0 })
	best := cands[0]
	for _, c := range cands[1:] {
		if best.cand.compare(c.cand) != 0 {
			break
		}
		if c.cand.path != best.cand.path || c.n != best.n {
			return nil, rqlerr.New(rqlerr.BindFunctionArgs,
				"Function '%s' cannot be resolved due to ambiguous method parameters %s.\n"+
					"Use CAST() to explicitly cast your parameters to one of the supported function calls.\n"+
					"Valid function calls are:\n%s\n"+
					"For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;",
				displayName(def), argsString(args), aggSignatures(def))
		}
	}
	return best, nil
}

// aggSignatures lists the variants of an aggregate, marking the variadic
// parameter where it is.
func aggSignatures(def *FuncDef) string {
	lines := make([]string, len(def.Variants))
	for i, v := range def.Variants {
		vi := -1
		if v.Variadic {
			vi = len(v.Params) - 1 - aggLiterals(v)
		}
		parts := make([]string, len(v.Params))
		for j, p := range v.Params {
			s := paramString(p.Type)
			if j == vi {
				s += "..."
			}
			if p.Name != "" {
				s += " " + p.Name
			}
			parts[j] = s
		}
		lines[i] = displayName(def) + "(" + strings.Join(parts, ", ") + ")"
	}
	return strings.Join(lines, "\n")
}
