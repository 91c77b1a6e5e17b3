package udf

import (
	"context"
	"fmt"
	"strings"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// CategoryUser is the Category of every user function (CREATE FUNCTION or
// the Go API): SHOW FUNCTIONS groups them under it, and RegisterUserFunc
// replaces only functions of this category.
const CategoryUser = "USER"

// GoFunc is a scalar function written in Go by a program that embeds rql.
// ctx is the query's context narrowed to the call (cancelled when the query
// stops or, under ENRICH USING ASYNC, when the call times out): a function
// that blocks must return promptly once ctx is done. args holds one value
// per parameter, already coerced to the parameter types; unless
// GoPassNulls is given, a call with a NULL argument returns NULL without
// calling the function. The result must have the Go representation of the
// declared return type (see sqltypes). IdempotencyKeyFrom(ctx) returns the
// call's idempotency key, if the caller provided one.
type GoFunc func(ctx context.Context, args []sqltypes.Value) (sqltypes.Value, error)

// SyncFunc adapts a plain (non-blocking, context-free) function to GoFunc.
func SyncFunc(f func(args []sqltypes.Value) (sqltypes.Value, error)) GoFunc {
	return func(_ context.Context, args []sqltypes.Value) (sqltypes.Value, error) { return f(args) }
}

// GoFuncOption configures RegisterGoFunc.
type GoFuncOption func(*goFuncConfig)

type goFuncConfig struct {
	desc      string
	passNulls bool
	async     bool
	replace   bool
}

// GoDescription sets the text DESCRIBE FUNCTION prints.
func GoDescription(d string) GoFuncOption { return func(c *goFuncConfig) { c.desc = d } }

// GoPassNulls makes the function see NULL arguments (by default a NULL
// argument makes the result NULL without a call).
func GoPassNulls() GoFuncOption { return func(c *goFuncConfig) { c.passNulls = true } }

// GoAsync marks the function as blocking (it waits on an external system):
// Variant.Blocking is set, so the planner runs it through ENRICH USING
// ASYNC's worker pool when asked, with its timeout, retries and
// cancellation. Without it the function is synchronous: it runs on the
// task goroutine like a built-in and should not block.
func GoAsync() GoFuncOption { return func(c *goFuncConfig) { c.async = true } }

// GoReplace allows replacing an existing user function of the same name
// (as CREATE OR REPLACE FUNCTION); built-in functions are never replaced.
func GoReplace() GoFuncOption { return func(c *goFuncConfig) { c.replace = true } }

// NewGoFunc builds the FuncDef of a Go scalar function with one variant.
// Errors returned by fn are wrapped as UserFuncCall errors unless they are
// already *rqlerr.Error; a panic in fn is recovered and returned as an error.
func NewGoFunc(name string, params []Param, ret *sqltypes.Type, fn GoFunc, opts ...GoFuncOption) (*FuncDef, error) {
	var c goFuncConfig
	for _, o := range opts {
		o(&c)
	}
	if err := checkSignature(name, params, ret); err != nil {
		return nil, err
	}
	if fn == nil {
		return nil, rqlerr.New(rqlerr.UserFuncDefinition, "function %s has no implementation", name)
	}
	up := strings.ToUpper(name)
	v := &Variant{Params: params, Return: ret, PassNulls: c.passNulls, Description: c.desc,
		Blocking: c.async, Eval: goEval(up, fn)}
	return &FuncDef{Name: up, DisplayName: strings.ToLower(name), Kind: Scalar, Category: CategoryUser,
		Description: c.desc, Variants: []*Variant{v}}, nil
}

// RegisterGoFunc registers a Go scalar function into r (see NewGoFunc).
// It fails if a function of that name exists, unless GoReplace is given
// and the existing function is a user function.
func RegisterGoFunc(r *Registry, name string, params []Param, ret *sqltypes.Type, fn GoFunc, opts ...GoFuncOption) error {
	def, err := NewGoFunc(name, params, ret, fn, opts...)
	if err != nil {
		return err
	}
	var c goFuncConfig
	for _, o := range opts {
		o(&c)
	}
	return RegisterUserFunc(r, def, c.replace)
}

// RegisterUserFunc adds a user function to r. When a function of the same
// name exists: a built-in (Category other than CategoryUser) is never
// replaced; a user function is replaced when orReplace, else it is an error
// (ksqlDB's wording for CREATE FUNCTION of an existing name).
func RegisterUserFunc(r *Registry, def *FuncDef, orReplace bool) error {
	if old, ok := r.Lookup(def.Name); ok {
		if old.Category != CategoryUser {
			return rqlerr.New(rqlerr.UserFuncDefinition, "cannot replace built-in function %s", old.Name)
		}
		if !orReplace {
			return rqlerr.New(rqlerr.UserFuncDefinition, "function %s already exists; use CREATE OR REPLACE FUNCTION", old.Name)
		}
		r.Drop(def.Name)
	}
	return r.Register(def)
}

// checkSignature validates a user function's declared signature: concrete
// types only (no generics, lambdas or unresolved named types) and distinct
// parameter names.
func checkSignature(name string, params []Param, ret *sqltypes.Type) error {
	if name == "" {
		return rqlerr.New(rqlerr.UserFuncDefinition, "a function needs a name")
	}
	if ret == nil {
		return rqlerr.New(rqlerr.UserFuncDefinition, "function %s has no return type", name)
	}
	seen := map[string]bool{}
	for _, p := range params {
		u := strings.ToUpper(p.Name)
		if seen[u] {
			return rqlerr.New(rqlerr.UserFuncDefinition, "function %s declares parameter %s twice", name, p.Name)
		}
		seen[u] = true
		if err := concreteType(p.Type); err != nil {
			return rqlerr.New(rqlerr.UserFuncDefinition, "function %s parameter %s: %v", name, p.Name, err)
		}
	}
	if err := concreteType(ret); err != nil {
		return rqlerr.New(rqlerr.UserFuncDefinition, "function %s return type: %v", name, err)
	}
	return nil
}

func concreteType(t *sqltypes.Type) error {
	if t == nil {
		return fmt.Errorf("missing type")
	}
	switch t.Kind {
	case sqltypes.KindNull, sqltypes.KindAny, sqltypes.KindGeneric, sqltypes.KindLambda, sqltypes.KindNamed:
		return fmt.Errorf("type %s is not allowed (resolve named types first)", t.Kind)
	case sqltypes.KindArray:
		return concreteType(t.Elem)
	case sqltypes.KindMap:
		if err := concreteType(t.Key); err != nil {
			return err
		}
		return concreteType(t.Elem)
	case sqltypes.KindStruct:
		for _, f := range t.Fields {
			if err := concreteType(f.Type); err != nil {
				return err
			}
		}
	}
	return nil
}

// goEval adapts fn to EvalFunc: it derives ctx from ec.Ctx, carries the
// idempotency key, wraps errors and recovers panics.
func goEval(name string, fn GoFunc) EvalFunc {
	return func(ec *EvalContext, args []sqltypes.Value) (v sqltypes.Value, err error) {
		ctx := callContext(ec)
		defer func() {
			if p := recover(); p != nil {
				v, err = nil, rqlerr.New(rqlerr.UserFuncCall, "function %s panicked: %v", name, p)
			}
		}()
		v, err = fn(ctx, args)
		if err != nil {
			if _, ok := err.(*rqlerr.Error); !ok {
				err = &rqlerr.Error{Code: rqlerr.UserFuncCall, Domain: rqlerr.External,
					Msg: "function " + name + ": " + err.Error(), Err: err}
			}
			return nil, err
		}
		return v, nil
	}
}

// callContext returns ec's context (Background when unset) carrying ec's
// idempotency key.
func callContext(ec *EvalContext) context.Context {
	ctx := context.Background()
	if ec != nil && ec.Ctx != nil {
		ctx = ec.Ctx
	}
	if ec != nil && ec.IdempotencyKey != "" {
		ctx = context.WithValue(ctx, idemKey{}, ec.IdempotencyKey)
	}
	return ctx
}

type idemKey struct{}

// IdempotencyKeyFrom returns the idempotency key of the call ctx belongs to
// ("" when the caller gave none).
func IdempotencyKeyFrom(ctx context.Context) string {
	s, _ := ctx.Value(idemKey{}).(string)
	return s
}
