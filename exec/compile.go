package exec

import (
	"fmt"

	"github.com/rql/rql/internal/vbox"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// evalCtx is the state one evaluation reads: the input row, the lambda
// parameter frames (innermost last) and the function context.
type evalCtx struct {
	row     *Row
	lambdas [][]sqltypes.Value
	ec      *udf.EvalContext
	// warn receives errors that were turned into NULLs (function errors).
	warn func(*Row, error)
	// box boxes computed scalars (see internal/vbox).
	box vbox.Boxes
}

type evalFn func(c *evalCtx) (sqltypes.Value, error)

// Evaluator is a compiled expression. An Evaluator is not safe for
// concurrent use (one operator, one goroutine, as the operators that own
// them); it may be re-entered.
type Evaluator struct {
	fn evalFn
	ec *udf.EvalContext
	// Expr is the source expression (for messages).
	Expr planner.Expr
	// OnError, when set, receives the errors of function calls, which
	// evaluate to NULL as in ksqlDB (the expression goes on).
	OnError func(*Row, error)

	// ctx is the evaluation state reused by every Eval (an evalCtx passed
	// to the compiled closures escapes: a fresh one per Eval is an
	// allocation per row); busy marks it in use (a re-entered Eval takes a
	// fresh one).
	ctx  evalCtx
	busy bool
}

// Eval evaluates the expression over row. Errors are *rqlerr.Error with
// code ExecEval or ExecFunction.
func (e *Evaluator) Eval(row *Row) (v sqltypes.Value, err error) {
	c := &e.ctx
	if e.busy {
		c = &evalCtx{}
	} else {
		e.busy = true
	}
	defer func() {
		if c == &e.ctx {
			e.busy = false
			c.row, c.lambdas = nil, c.lambdas[:0]
		}
		if r := recover(); r != nil {
			v, err = nil, rqlerr.New(rqlerr.ExecEval, "error evaluating %s: %v", e.Expr, r)
		}
	}()
	c.row, c.ec, c.warn = row, e.ec, e.OnError
	return e.fn(c)
}

// Compile turns a bound expression into an Evaluator. props are the
// query's properties, visible to functions.
func Compile(e planner.Expr, props map[string]string) (*Evaluator, error) {
	fn, err := compile(e)
	if err != nil {
		return nil, err
	}
	ev := &Evaluator{fn: fn, ec: &udf.EvalContext{Props: props}, Expr: e}
	ev.ec.SetBoxes(&ev.ctx.box) // string results box without an allocation each
	return ev, nil
}

func evalErr(format string, args ...any) error {
	return rqlerr.New(rqlerr.ExecEval, format, args...)
}

func compile(e planner.Expr) (evalFn, error) {
	switch x := e.(type) {
	case *planner.ColRef:
		i := x.Index
		return func(c *evalCtx) (sqltypes.Value, error) {
			if i >= len(c.row.Vals) {
				return nil, nil
			}
			return c.row.Vals[i], nil
		}, nil
	case *planner.PseudoRef:
		switch x.Col {
		case planner.PseudoRowtime:
			return func(c *evalCtx) (sqltypes.Value, error) { return c.row.Rowtime, nil }, nil
		case planner.PseudoRowpartition:
			return func(c *evalCtx) (sqltypes.Value, error) { return c.row.Partition, nil }, nil
		case planner.PseudoRowoffset:
			return func(c *evalCtx) (sqltypes.Value, error) { return c.row.Offset, nil }, nil
		case planner.PseudoWindowstart:
			return func(c *evalCtx) (sqltypes.Value, error) { return c.row.WindowStart, nil }, nil
		case planner.PseudoWindowend:
			return func(c *evalCtx) (sqltypes.Value, error) { return c.row.WindowEnd, nil }, nil
		}
	case *planner.LambdaVar:
		d, i := x.Depth, x.Index
		return func(c *evalCtx) (sqltypes.Value, error) {
			f := c.lambdas[len(c.lambdas)-1-d]
			return f[i], nil
		}, nil
	case *planner.Literal:
		v := x.V
		return func(*evalCtx) (sqltypes.Value, error) { return v, nil }, nil
	case *planner.Cast:
		return compileCast(x)
	case *planner.Call:
		return compileCall(x)
	case *planner.LambdaExpr:
		return nil, rqlerr.Bug("lambda outside a call")
	case *planner.Arith:
		return compileArith(x)
	case *planner.Neg:
		return compileNeg(x)
	case *planner.Concat:
		return compileConcat(x)
	case *planner.Cmp:
		return compileCmp(x)
	case *planner.Logic:
		return compileLogic(x)
	case *planner.Not:
		f, err := compile(x.X)
		if err != nil {
			return nil, err
		}
		return func(c *evalCtx) (sqltypes.Value, error) {
			v, err := f(c)
			if v == nil || err != nil {
				return nil, err
			}
			return !v.(bool), nil
		}, nil
	case *planner.IsNull:
		f, err := compile(x.X)
		if err != nil {
			return nil, err
		}
		not := x.Not
		return func(c *evalCtx) (sqltypes.Value, error) {
			v, err := f(c)
			if err != nil {
				return nil, err
			}
			return (v == nil) != not, nil
		}, nil
	case *planner.In:
		return compileIn(x)
	case *planner.Between:
		return compileBetween(x)
	case *planner.Like:
		return compileLike(x)
	case *planner.Case:
		return compileCase(x)
	case *planner.Deref:
		return compileDeref(x)
	case *planner.Subscript:
		return compileSubscript(x)
	case *planner.ArrayCtor:
		return compileArray(x)
	case *planner.MapCtor:
		return compileMap(x)
	case *planner.StructCtor:
		return compileStruct(x)
	}
	return nil, rqlerr.Bug("cannot compile %T", e)
}

func compileAll(es []planner.Expr) ([]evalFn, error) {
	out := make([]evalFn, len(es))
	for i, e := range es {
		f, err := compile(e)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

func compileCast(x *planner.Cast) (evalFn, error) {
	f, err := compile(x.X)
	if err != nil {
		return nil, err
	}
	from, to := x.X.Type(), x.To
	if from.Equal(to) {
		return f, nil
	}
	implicit := x.Implicit
	cast := func(v sqltypes.Value) (sqltypes.Value, error) {
		if implicit {
			if r, err := udf.Coerce(v, from, to); err == nil {
				return r, nil
			}
		}
		return udf.Cast(v, from, to)
	}
	if l, ok := x.X.(*planner.Literal); ok && l.V != nil {
		// A literal is cast once (casts are pure); a failing cast is left
		// to each evaluation, which reports it.
		if r, err := cast(l.V); err == nil {
			return func(*evalCtx) (sqltypes.Value, error) { return r, nil }, nil
		}
	}
	return func(c *evalCtx) (sqltypes.Value, error) {
		v, err := f(c)
		if v == nil || err != nil {
			return nil, err
		}
		return cast(v)
	}, nil
}

// lambdaValue is the run-time value of a lambda argument.
type lambdaValue struct {
	c    *evalCtx
	body evalFn
}

func (l *lambdaValue) Call(args ...sqltypes.Value) (sqltypes.Value, error) {
	l.c.lambdas = append(l.c.lambdas, args)
	v, err := l.body(l.c)
	l.c.lambdas = l.c.lambdas[:len(l.c.lambdas)-1]
	return v, err
}

func compileCall(x *planner.Call) (evalFn, error) {
	v := x.Fn.Variant
	if v == nil || v.Eval == nil {
		return nil, rqlerr.Bug("function %s has no implementation", x.Name)
	}
	n := len(x.Args)
	fns := make([]evalFn, n)
	isLambda := make([]bool, n)
	for i, a := range x.Args {
		if l, ok := a.(*planner.LambdaExpr); ok {
			f, err := compile(l.Body)
			if err != nil {
				return nil, err
			}
			fns[i], isLambda[i] = f, true
			continue
		}
		f, err := compile(a)
		if err != nil {
			return nil, err
		}
		fns[i] = f
	}
	passNulls := v.PassNulls
	name := x.Name
	eval := v.Eval
	// The argument slice is reused across calls when the function cannot
	// hand it back: a built-in, synchronous, without lambdas, whose result
	// is a scalar (a scalar cannot alias the slice). Others get a fresh one.
	var buf []sqltypes.Value
	reuse := reusableArgs(x, isLambda)
	if reuse {
		buf = make([]sqltypes.Value, n)
	}
	return func(c *evalCtx) (sqltypes.Value, error) {
		var args []sqltypes.Value
		if reuse {
			// Calls of one site do not nest (a call is not inside its own
			// arguments); reuse stays off while one is running anyway.
			args, reuse = buf, false
			defer func() {
				clear(buf)
				reuse = true
			}()
		} else {
			args = make([]sqltypes.Value, n)
		}
		for i, f := range fns {
			if isLambda[i] {
				args[i] = &lambdaValue{c: c, body: f}
				continue
			}
			a, err := f(c)
			if err != nil {
				return nil, err
			}
			if a == nil && !passNulls {
				return nil, nil
			}
			args[i] = a
		}
		r, err := eval(c.ec, args)
		if err != nil {
			if len(c.lambdas) > 0 {
				return nil, wrapFnErr(name, err)
			}
			// A function error makes the call NULL (ksqlDB's UDF
			// behaviour) and is reported.
			if c.warn != nil {
				c.warn(c.row, wrapFnErr(name, err))
			}
			return nil, nil
		}
		return r, nil
	}, nil
}

// reusableArgs reports whether call x may get the same argument slice on
// every call (see compileCall).
func reusableArgs(x *planner.Call, isLambda []bool) bool {
	for _, l := range isLambda {
		if l {
			return false
		}
	}
	if x.Fn.Variant.Blocking || x.Fn.Def == nil || x.Fn.Def.Category == udf.CategoryUser || x.Fn.Return == nil {
		return false
	}
	switch x.Fn.Return.Kind {
	case sqltypes.KindBoolean, sqltypes.KindInt, sqltypes.KindBigint, sqltypes.KindDouble, sqltypes.KindDecimal,
		sqltypes.KindString, sqltypes.KindTimestamp, sqltypes.KindDate, sqltypes.KindTime:
		return true
	}
	return false
}

func wrapFnErr(name string, err error) error {
	if _, ok := err.(*rqlerr.Error); ok {
		return err
	}
	return &rqlerr.Error{Code: rqlerr.ExecFunction, Msg: fmt.Sprintf("Error computing %s: %v", name, err), Err: err}
}
