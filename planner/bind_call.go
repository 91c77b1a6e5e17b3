package planner

import (
	"strconv"
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

func (b *binder) bindCall(x *parser.Call) (Expr, error) {
	def, ok := b.reg.Lookup(x.Name)
	if !ok {
		return nil, b.errAt(rqlerr.BindUnknownFunction, x.Pos, "Can't find any functions with the name '%s'", x.Name)
	}
	if def.Kind == udf.Aggregate && b.aggHook != nil {
		return b.aggHook(x)
	}
	if def.Kind == udf.Aggregate {
		return nil, b.errAt(rqlerr.BindUnsupported, x.Pos, "aggregate function %s is not supported yet (GROUP BY / aggregation)", x.Name)
	}
	if def.Kind == udf.Table && !b.allowTable {
		return nil, b.errAt(rqlerr.BindInvalid, x.Pos, "Table functions can only be used in the SELECT clause of a stream query: %s", x.Name)
	}
	args := make([]Expr, len(x.Args))
	uargs := make([]udf.Arg, len(x.Args))
	for i, a := range x.Args {
		if i == 0 && timeUnitFuncs[x.Name] {
			// The unit is a bare identifier (DAYS): pass its text.
			if c, ok := a.(*parser.ColumnRef); ok && c.Qualifier == "" && timeUnits[strings.TrimSuffix(c.Name, "S")] {
				args[i] = &Literal{P: c.Pos, V: c.Name, T: sqltypes.String, Text: c.Name}
				uargs[i] = udf.Arg{Type: sqltypes.String, Literal: true}
				continue
			}
		}
		if lam, ok := a.(*parser.Lambda); ok {
			lam := lam
			uargs[i] = udf.Arg{LambdaArity: len(lam.Params), BindLambda: func(params []*sqltypes.Type) (*sqltypes.Type, error) {
				l, err := b.bindLambda(lam, params)
				if err != nil {
					return nil, err
				}
				return l.Body.Type(), nil
			}}
			continue
		}
		v, err := b.bind(a)
		if err != nil {
			return nil, err
		}
		args[i] = v
		_, lit := v.(*Literal)
		uargs[i] = udf.Arg{Type: v.Type(), Literal: lit}
	}
	res, err := b.reg.Resolve(x.Name, uargs)
	if err != nil {
		return nil, asRQL(err, rqlerr.BindFunctionArgs, x.Pos)
	}
	for i, a := range x.Args {
		if lam, ok := a.(*parser.Lambda); ok {
			var params []*sqltypes.Type
			if i < len(res.ArgTypes) && res.ArgTypes[i] != nil {
				params = res.ArgTypes[i].Params
			}
			l, err := b.bindLambda(lam, params)
			if err != nil {
				return nil, err
			}
			args[i] = l
			continue
		}
		if i < len(res.ArgTypes) && res.ArgTypes[i] != nil && !isGenericish(res.ArgTypes[i]) {
			args[i] = implicitCast(args[i], res.ArgTypes[i])
		}
	}
	if def.Kind == udf.Table {
		b.tableCalls = append(b.tableCalls, &TableCall{Name: x.Name, Fn: res, Args: args})
		idx := b.tableBase + len(b.tableCalls) - 1
		return &ColRef{P: x.Pos, Index: idx, Name: synthName(idx - b.tableBase), T: res.Return}, nil
	}
	return &Call{P: x.Pos, Name: x.Name, Fn: res, Args: args}, nil
}

// synthName names the i-th table function column of a FlatMap.
func synthName(i int) string { return "KSQL_SYNTH_" + strconv.Itoa(i) }

// timeUnitFuncs take a time unit identifier as their first argument.
var timeUnitFuncs = map[string]bool{"DATEADD": true, "DATESUB": true, "TIMEADD": true, "TIMESUB": true,
	"TIMESTAMPADD": true, "TIMESTAMPSUB": true}

var timeUnits = map[string]bool{"NANOSECOND": true, "MICROSECOND": true, "MILLISECOND": true,
	"SECOND": true, "MINUTE": true, "HOUR": true, "DAY": true}

// isGenericish reports whether t is nil or still contains type variables,
// ANY or a lambda (the argument is then passed as it is).
func isGenericish(t *sqltypes.Type) bool {
	return t == nil || udf.ContainsType(t, func(u *sqltypes.Type) bool {
		return u.Kind == sqltypes.KindAny || u.Kind == sqltypes.KindGeneric || u.Kind == sqltypes.KindLambda
	})
}

// bindLambda binds a lambda's body with the given parameter types.
func (b *binder) bindLambda(l *parser.Lambda, params []*sqltypes.Type) (*LambdaExpr, error) {
	if len(params) != len(l.Params) {
		return nil, b.errAt(rqlerr.BindFunctionArgs, l.Pos, "lambda has %d parameters, the function passes %d", len(l.Params), len(params))
	}
	b.lambdas = append(b.lambdas, lambdaFrame{names: l.Params, types: params})
	defer func() { b.lambdas = b.lambdas[:len(b.lambdas)-1] }()
	body, err := b.bind(l.Body)
	if err != nil {
		return nil, err
	}
	return &LambdaExpr{P: l.Pos, Params: l.Params, ParamTypes: params, Body: body}, nil
}
