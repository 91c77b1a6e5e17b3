package planner

import (
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// Expr is a bound, typed expression. Every node knows its SQL type and the
// position of the AST node it came from. Exprs are immutable values: the
// executor compiles them into closures once per query.
type Expr interface {
	// Type is the SQL type of the expression's value (sqltypes.Null only for
	// an untyped NULL literal that no context gave a type).
	Type() *sqltypes.Type
	// Pos is where the expression starts in the user's text.
	Pos() rqlerr.Pos
	// String renders the expression as ksqlDB prints it in messages and
	// generated names: (A + 1), ABS(ID), 'x', S->F.
	String() string
}

// Pseudo names a pseudo column: a value that is not in the record key or
// value but in its metadata.
type Pseudo uint8

const (
	PseudoRowtime Pseudo = iota
	PseudoRowpartition
	PseudoRowoffset
	PseudoWindowstart
	PseudoWindowend
)

var pseudoNames = [...]string{"ROWTIME", "ROWPARTITION", "ROWOFFSET", "WINDOWSTART", "WINDOWEND"}

func (p Pseudo) String() string { return pseudoNames[p] }

// ColRef reads column Index of the input row.
type ColRef struct {
	P     rqlerr.Pos
	Index int
	Name  string
	// Qualifier is the source name or alias the column was resolved in.
	Qualifier string
	T         *sqltypes.Type
}

// PseudoRef reads a pseudo column of the input row's metadata.
type PseudoRef struct {
	P   rqlerr.Pos
	Col Pseudo
}

// LambdaVar reads a lambda parameter. Depth counts enclosing lambdas
// (0 = the innermost), Index the parameter position.
type LambdaVar struct {
	P            rqlerr.Pos
	Name         string
	Depth, Index int
	T            *sqltypes.Type
}

// Literal is a constant.
type Literal struct {
	P    rqlerr.Pos
	V    sqltypes.Value
	T    *sqltypes.Type
	Text string // as written; "" for values made by the planner
}

// Call is a scalar function call. Args are already converted to
// Fn.ArgTypes (the binder wraps them in Casts) except lambdas.
type Call struct {
	P    rqlerr.Pos
	Name string
	Fn   *udf.Resolved
	Args []Expr
}

// LambdaExpr is a lambda argument: (x, y) => body.
type LambdaExpr struct {
	P          rqlerr.Pos
	Params     []string
	ParamTypes []*sqltypes.Type
	Body       Expr
}

// Cast converts X to To with ksqlDB's CAST semantics.
type Cast struct {
	P  rqlerr.Pos
	X  Expr
	To *sqltypes.Type
	// Implicit casts are inserted by the binder; they print as their
	// operand.
	Implicit bool
}

// ArithOp is an arithmetic operator.
type ArithOp uint8

const (
	ArithAdd ArithOp = iota
	ArithSub
	ArithMul
	ArithDiv
	ArithMod
)

var arithNames = [...]string{"+", "-", "*", "/", "%"}

func (o ArithOp) String() string { return arithNames[o] }

// Arith is L op R; both operands have type T already (the binder inserts
// implicit casts), except STRING + STRING which concatenates.
type Arith struct {
	P    rqlerr.Pos
	Op   ArithOp
	L, R Expr
	T    *sqltypes.Type
}

// Neg is -X.
type Neg struct {
	P rqlerr.Pos
	X Expr
}

// Concat is L || R on strings.
type Concat struct {
	P    rqlerr.Pos
	L, R Expr
	// Plus marks a concatenation written L + R (it prints so).
	Plus bool
}

// CmpOp is a comparison operator.
type CmpOp uint8

const (
	CmpEq CmpOp = iota
	CmpNe
	CmpLt
	CmpLe
	CmpGt
	CmpGe
	CmpIsDistinct
	CmpIsNotDistinct
)

var cmpNames = [...]string{"=", "<>", "<", "<=", ">", ">=", "IS DISTINCT FROM", "IS NOT DISTINCT FROM"}
var cmpJava = [...]string{"EQUAL", "NOT_EQUAL", "LESS_THAN", "LESS_THAN_OR_EQUAL", "GREATER_THAN",
	"GREATER_THAN_OR_EQUAL", "IS_DISTINCT_FROM", "IS_NOT_DISTINCT_FROM"}

func (o CmpOp) String() string { return cmpNames[o] }

// Cmp compares L and R, both converted to a common comparable type.
type Cmp struct {
	P    rqlerr.Pos
	Op   CmpOp
	L, R Expr
}

// Logic is AND / OR with SQL three-valued logic.
type Logic struct {
	P    rqlerr.Pos
	And  bool
	L, R Expr
}

// Not is NOT X.
type Not struct {
	P rqlerr.Pos
	X Expr
}

// IsNull is X IS [NOT] NULL.
type IsNull struct {
	P   rqlerr.Pos
	X   Expr
	Not bool
}

// In is X [NOT] IN (List); List items have X's type.
type In struct {
	P    rqlerr.Pos
	X    Expr
	List []Expr
	Not  bool
}

// Between is X [NOT] BETWEEN Lo AND Hi, all of one comparable type.
type Between struct {
	P         rqlerr.Pos
	X, Lo, Hi Expr
	Not       bool
}

// Like is X [NOT] LIKE Pattern [ESCAPE Escape].
type Like struct {
	P          rqlerr.Pos
	X, Pattern Expr
	Escape     Expr // nil when absent
	Not        bool
}

// When is one arm of a searched CASE.
type When struct {
	Cond, Result Expr
}

// Case is a searched CASE (a simple CASE is rewritten to one); results have
// type T.
type Case struct {
	P     rqlerr.Pos
	Whens []When
	Else  Expr // nil: NULL
	T     *sqltypes.Type
}

// Deref is X->Field on a STRUCT.
type Deref struct {
	P     rqlerr.Pos
	X     Expr
	Field string
	Index int
	T     *sqltypes.Type
}

// Subscript is X[Index] on an ARRAY (1-based, negative from the end) or a
// MAP (by key).
type Subscript struct {
	P        rqlerr.Pos
	X, Index Expr
	T        *sqltypes.Type
}

// ArrayCtor is ARRAY[...]; elements have the element type.
type ArrayCtor struct {
	P     rqlerr.Pos
	Elems []Expr
	T     *sqltypes.Type
}

// MapCtor is MAP(k := v, ...).
type MapCtor struct {
	P          rqlerr.Pos
	Keys, Vals []Expr
	T          *sqltypes.Type
}

// StructCtor is STRUCT(name := v, ...).
type StructCtor struct {
	P    rqlerr.Pos
	Vals []Expr
	T    *sqltypes.Type
}

func (e *ColRef) Type() *sqltypes.Type     { return e.T }
func (e *PseudoRef) Type() *sqltypes.Type  { return pseudoType(e.Col) }
func (e *LambdaVar) Type() *sqltypes.Type  { return e.T }
func (e *Literal) Type() *sqltypes.Type    { return e.T }
func (e *Call) Type() *sqltypes.Type       { return e.Fn.Return }
func (e *LambdaExpr) Type() *sqltypes.Type { return sqltypes.LambdaOf(e.Body.Type(), e.ParamTypes...) }
func (e *Cast) Type() *sqltypes.Type       { return e.To }
func (e *Arith) Type() *sqltypes.Type      { return e.T }
func (e *Neg) Type() *sqltypes.Type        { return e.X.Type() }
func (e *Concat) Type() *sqltypes.Type     { return sqltypes.String }
func (e *Cmp) Type() *sqltypes.Type        { return sqltypes.Boolean }
func (e *Logic) Type() *sqltypes.Type      { return sqltypes.Boolean }
func (e *Not) Type() *sqltypes.Type        { return sqltypes.Boolean }
func (e *IsNull) Type() *sqltypes.Type     { return sqltypes.Boolean }
func (e *In) Type() *sqltypes.Type         { return sqltypes.Boolean }
func (e *Between) Type() *sqltypes.Type    { return sqltypes.Boolean }
func (e *Like) Type() *sqltypes.Type       { return sqltypes.Boolean }
func (e *Case) Type() *sqltypes.Type       { return e.T }
func (e *Deref) Type() *sqltypes.Type      { return e.T }
func (e *Subscript) Type() *sqltypes.Type  { return e.T }
func (e *ArrayCtor) Type() *sqltypes.Type  { return e.T }
func (e *MapCtor) Type() *sqltypes.Type    { return e.T }
func (e *StructCtor) Type() *sqltypes.Type { return e.T }

func (e *ColRef) Pos() rqlerr.Pos     { return e.P }
func (e *PseudoRef) Pos() rqlerr.Pos  { return e.P }
func (e *LambdaVar) Pos() rqlerr.Pos  { return e.P }
func (e *Literal) Pos() rqlerr.Pos    { return e.P }
func (e *Call) Pos() rqlerr.Pos       { return e.P }
func (e *LambdaExpr) Pos() rqlerr.Pos { return e.P }
func (e *Cast) Pos() rqlerr.Pos       { return e.P }
func (e *Arith) Pos() rqlerr.Pos      { return e.P }
func (e *Neg) Pos() rqlerr.Pos        { return e.P }
func (e *Concat) Pos() rqlerr.Pos     { return e.P }
func (e *Cmp) Pos() rqlerr.Pos        { return e.P }
func (e *Logic) Pos() rqlerr.Pos      { return e.P }
func (e *Not) Pos() rqlerr.Pos        { return e.P }
func (e *IsNull) Pos() rqlerr.Pos     { return e.P }
func (e *In) Pos() rqlerr.Pos         { return e.P }
func (e *Between) Pos() rqlerr.Pos    { return e.P }
func (e *Like) Pos() rqlerr.Pos       { return e.P }
func (e *Case) Pos() rqlerr.Pos       { return e.P }
func (e *Deref) Pos() rqlerr.Pos      { return e.P }
func (e *Subscript) Pos() rqlerr.Pos  { return e.P }
func (e *ArrayCtor) Pos() rqlerr.Pos  { return e.P }
func (e *MapCtor) Pos() rqlerr.Pos    { return e.P }
func (e *StructCtor) Pos() rqlerr.Pos { return e.P }

func pseudoType(p Pseudo) *sqltypes.Type {
	if p == PseudoRowpartition {
		return sqltypes.Int
	}
	return sqltypes.Bigint
}

// pseudoByName returns the pseudo column named name.
func pseudoByName(name string) (Pseudo, bool) {
	for i, n := range pseudoNames {
		if n == name {
			return Pseudo(i), true
		}
	}
	return 0, false
}

// posOf returns the position of an AST expression.
func posOf(e parser.Expr) rqlerr.Pos {
	if e == nil {
		return rqlerr.Pos{}
	}
	return e.Position()
}
