package udf

import (
	"github.com/rql/rql/sqltypes"
)

// aggImpl is an Aggregator assembled from functions; undo nil means the
// function cannot aggregate tables, result nil means the identity.
type aggImpl struct {
	name     string
	accType  *sqltypes.Type
	retType  *sqltypes.Type
	init     func() Acc
	add      func(acc Acc, args []sqltypes.Value) (Acc, error)
	undo     func(acc Acc, args []sqltypes.Value) (Acc, error)
	merge    func(a, b Acc) (Acc, error)
	resultFn func(acc Acc) sqltypes.Value
}

func (a *aggImpl) AccType() *sqltypes.Type    { return a.accType }
func (a *aggImpl) ReturnType() *sqltypes.Type { return a.retType }
func (a *aggImpl) Init() Acc                  { return a.init() }
func (a *aggImpl) CanUndo() bool              { return a.undo != nil }

func (a *aggImpl) Add(acc Acc, args []sqltypes.Value) (Acc, error) {
	if len(args) == 0 {
		return acc, aggErr("%s: no argument to aggregate", a.name)
	}
	return a.add(acc, args)
}

func (a *aggImpl) Undo(acc Acc, args []sqltypes.Value) (Acc, error) {
	if a.undo == nil {
		return acc, errNoUndo(a.name)
	}
	if len(args) == 0 {
		return acc, aggErr("%s: no argument to undo", a.name)
	}
	return a.undo(acc, args)
}

func (a *aggImpl) Merge(x, y Acc) (Acc, error) { return a.merge(x, y) }

func (a *aggImpl) Result(acc Acc) sqltypes.Value {
	if a.resultFn == nil {
		return acc
	}
	return a.resultFn(acc)
}

// accStruct returns the field values of a STRUCT accumulator, or nil.
func accStruct(acc Acc) []sqltypes.Value {
	if s, ok := acc.(*sqltypes.Struct); ok {
		return s.Vals
	}
	return nil
}

// accList returns the elements of an ARRAY accumulator.
func accList(acc Acc) []sqltypes.Value {
	l, _ := acc.([]sqltypes.Value)
	return l
}

// withAppended returns a copy of l with v appended.
func withAppended(l []sqltypes.Value, vs ...sqltypes.Value) []sqltypes.Value {
	out := make([]sqltypes.Value, 0, len(l)+len(vs))
	out = append(out, l...)
	return append(out, vs...)
}

// asI64 reads a BIGINT (or INT) accumulator field.
func asI64(v sqltypes.Value) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	}
	return 0
}

// asF64 reads a DOUBLE accumulator field.
func asF64(v sqltypes.Value) float64 {
	f, _ := v.(float64)
	return f
}

// firstArgType returns the type of the first column argument.
func firstArgType(call *AggregateCall) *sqltypes.Type {
	if len(call.ArgTypes) == 0 || call.ArgTypes[0] == nil {
		return sqltypes.Null
	}
	return call.ArgTypes[0]
}

// literalInt reads an INT init argument.
func literalInt(call *AggregateCall, i int) (int, bool) {
	if i >= len(call.Literals) {
		return 0, false
	}
	switch x := call.Literals[i].(type) {
	case int32:
		return int(x), true
	case int64:
		return int(x), true
	}
	return 0, false
}

// literalBool reads a BOOLEAN init argument.
func literalBool(call *AggregateCall, i int) (bool, bool) {
	if i >= len(call.Literals) {
		return false, false
	}
	b, ok := call.Literals[i].(bool)
	return b, ok
}
