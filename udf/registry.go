package udf

import (
	"sort"
	"strings"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// Registry holds functions by upper-case name. A Registry is a value: create
// one with NewRegistry or Builtins and pass it down; it is not safe for
// concurrent Register calls, but concurrent lookups are fine once built.
type Registry struct {
	funcs map[string]*FuncDef
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{funcs: map[string]*FuncDef{}} }

// Register adds def, or adds def's variants to an existing function of the
// same name and kind.
func (r *Registry) Register(def *FuncDef) error {
	name := strings.ToUpper(def.Name)
	if old, ok := r.funcs[name]; ok {
		if old.Kind != def.Kind {
			return rqlerr.New(rqlerr.BindInvalid, "function %s already exists as a %s function", name, old.Kind)
		}
		old.Variants = append(old.Variants, def.Variants...)
		return nil
	}
	d := *def
	d.Name = name
	r.funcs[name] = &d
	return nil
}

// MustRegister is Register for built-in tables, which must be consistent.
func (r *Registry) MustRegister(defs ...*FuncDef) {
	for _, d := range defs {
		if err := r.Register(d); err != nil {
			panic(err)
		}
	}
}

// Lookup returns the function named name (any case).
func (r *Registry) Lookup(name string) (*FuncDef, bool) {
	d, ok := r.funcs[strings.ToUpper(name)]
	return d, ok
}

// Drop removes a function; it reports whether it existed.
func (r *Registry) Drop(name string) bool {
	name = strings.ToUpper(name)
	_, ok := r.funcs[name]
	delete(r.funcs, name)
	return ok
}

// List returns every function sorted by name.
func (r *Registry) List() []*FuncDef {
	out := make([]*FuncDef, 0, len(r.funcs))
	for _, d := range r.funcs {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Clone returns a registry with the same functions; registering into the
// clone does not change r.
func (r *Registry) Clone() *Registry {
	c := NewRegistry()
	for k, d := range r.funcs {
		dd := *d
		dd.Variants = append([]*Variant(nil), d.Variants...)
		c.funcs[k] = &dd
	}
	return c
}

// Arg describes one argument of a call for Resolve.
type Arg struct {
	// Type of the argument; sqltypes.Null for an untyped NULL literal; nil
	// for a lambda.
	Type *sqltypes.Type
	// Literal is set when the argument is a literal (some of ksqlDB's
	// implicit conversions apply to literals only, e.g. a STRING literal to
	// a TIMESTAMP parameter).
	Literal bool
	// LambdaArity and BindLambda are set for a lambda argument: BindLambda
	// types the lambda body with the given parameter types and returns the
	// body's type.
	LambdaArity int
	BindLambda  func(params []*sqltypes.Type) (*sqltypes.Type, error)
}

// Resolved is the outcome of overload resolution.
type Resolved struct {
	Def     *FuncDef
	Variant *Variant
	// ArgTypes are the types each argument must be converted to before Eval
	// (one per actual argument; for lambdas, the lambda's signature type).
	ArgTypes []*sqltypes.Type
	// Return is the concrete result type.
	Return *sqltypes.Type
}
