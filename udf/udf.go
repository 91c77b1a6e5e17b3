package udf

import (
	"context"

	"github.com/rql/rql/internal/vbox"
	"github.com/rql/rql/sqltypes"
)

// Kind says how a function is used in SQL.
type Kind uint8

const (
	// Scalar functions map one row's argument values to one value.
	Scalar Kind = iota
	// Table functions (EXPLODE, ...) map one row's arguments to zero or more
	// values, one output row each.
	Table
	// Aggregate functions fold many rows into one value (GROUP BY).
	Aggregate
)

func (k Kind) String() string {
	switch k {
	case Table:
		return "TABLE"
	case Aggregate:
		return "AGGREGATE"
	}
	return "SCALAR"
}

// Lambda is the run-time value of a lambda argument (x => x + 1). Call
// evaluates the lambda body with args bound to its parameters. A Lambda is
// only valid during the Eval call that received it.
type Lambda interface {
	Call(args ...sqltypes.Value) (sqltypes.Value, error)
}

// EvalContext is what a function's Eval may read besides its arguments.
type EvalContext struct {
	// Ctx is cancelled when the query stops; functions that block (external
	// calls) must honour it.
	Ctx context.Context
	// Props are the query's effective properties
	// ("ksql.functions.substring.legacy.args" = "true", ...).
	Props map[string]string
	// IdempotencyKey, when not empty, identifies the input record of this
	// call stably across retries and restarts
	// ("<query>/<alias>/<topic>/<partition>/<offset>[/<row>]", see
	// exec.IdempotencyKey);
	// external functions send it with the call (HTTP functions as the
	// Idempotency-Key header) so that an endpoint can deduplicate: the
	// external call itself is at-least-once. See userfunc.go.
	IdempotencyKey string

	// box, when set (SetBoxes), boxes the strings BoxString returns.
	box *vbox.Boxes
}

// SetBoxes makes BoxString box through b, which must be used by one
// goroutine at a time, as the EvalContext itself (exec's evaluators give
// their own).
func (ec *EvalContext) SetBoxes(b *vbox.Boxes) { ec.box = b }

// BoxString returns s as a Value. Storing a string in an interface
// allocates; with boxes (SetBoxes) the header goes to a shared block
// instead, so a function returning a new string costs that string only.
// ec may be nil.
func (ec *EvalContext) BoxString(s string) sqltypes.Value {
	if ec == nil || ec.box == nil {
		return s
	}
	return ec.box.String(s)
}

// Prop returns a property's value or "" when unset.
func (ec *EvalContext) Prop(name string) string {
	if ec == nil || ec.Props == nil {
		return ""
	}
	return ec.Props[name]
}

// EvalFunc evaluates one call. args holds one value per argument, already
// coerced to the variant's parameter types (for a variadic variant, the
// trailing arguments each coerced to the element type). For a Table function
// the result is a []sqltypes.Value holding one value per output row (nil or
// empty: no rows). An error makes the expression's result NULL and is
// reported to the processing log by the caller.
type EvalFunc func(ec *EvalContext, args []sqltypes.Value) (sqltypes.Value, error)

// Param is one declared parameter. Its Type may use generics (KindGeneric,
// bound consistently across the parameters and the return type), KindAny
// (anything), and KindLambda (a lambda argument whose parameter and result
// types may use the same generics).
type Param struct {
	Name string
	Type *sqltypes.Type
}

// Variant is one signature of a function.
type Variant struct {
	Params []Param
	// Variadic: the last parameter may be repeated zero or more times (its
	// Type is the type of each repeated argument).
	Variadic bool
	// Return is the result type; it may use the generics of Params. For a
	// Table function it is the type of each produced value.
	Return *sqltypes.Type
	// ReturnFn, when set, computes the result type from the argument types
	// after coercion (for results such as DECIMAL precision that generics
	// cannot express); it takes precedence over Return.
	ReturnFn func(args []*sqltypes.Type) (*sqltypes.Type, error)
	// PassNulls: when false (the default), a call with any NULL argument
	// returns NULL without calling Eval; when true, Eval sees NULLs.
	PassNulls bool
	// Description documents this variant for DESCRIBE FUNCTION.
	Description string
	Eval        EvalFunc
	// EvalFor, when set, builds the EvalFunc for the argument types of one
	// resolved call (for functions whose behaviour depends on the types,
	// e.g. TO_JSON_STRING printing STRUCT field names): Resolve then
	// returns a copy of the variant whose Eval is EvalFor(ArgTypes).
	EvalFor func(argTypes []*sqltypes.Type) EvalFunc
	// Aggregate is set on the variants of an Aggregate function (Eval is
	// then unused): see AggregateSpec in aggregate.go.
	Aggregate *AggregateSpec
	// Blocking marks a variant whose Eval may wait on an external system
	// (HTTP user functions, Go functions registered with Async): it honours
	// EvalContext.Ctx, and the planner should run it through ENRICH USING
	// ASYNC rather than on the task goroutine when latency matters.
	Blocking bool
}

// FuncDef is a named function with one or more variants.
type FuncDef struct {
	Name string // upper case
	// DisplayName is the name as ksqlDB declares the function, used in
	// resolution error messages ("Function 'greatest' does not accept
	// parameters ..."); empty means the lower-case Name.
	DisplayName string
	Kind        Kind
	Category    string // "STRING", "MATHEMATICAL", "DATE / TIME", ... as ksqlDB's SHOW FUNCTIONS groups them
	Description string
	Variants    []*Variant
}
