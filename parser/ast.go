package parser

import (
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// Pos is a position in the user's original statement text.
type Pos = rqlerr.Pos

// Names in the AST are canonical: unquoted identifiers are upper-cased (as
// ksqlDB does), quoted ones (`x` or "x") keep their case exactly.

// ---------------------------------------------------------------------------
// Statements

// Statement is one parsed statement. Text is the statement's own text
// (without the trailing semicolon), StmtPos where it starts in the input.
type Statement interface {
	Position() Pos
	SQL() string
	stmt()
}

// StmtBase carries what every statement has.
type StmtBase struct {
	StmtPos Pos
	Text    string
}

func (s *StmtBase) Position() Pos { return s.StmtPos }
func (s *StmtBase) SQL() string   { return s.Text }
func (*StmtBase) stmt()           {}

// SourceKind says whether a statement is about a stream or a table.
type SourceKind uint8

const (
	KindStream SourceKind = iota
	KindTable
)

func (k SourceKind) String() string {
	if k == KindTable {
		return "TABLE"
	}
	return "STREAM"
}

// ColumnConstraint marks a column of CREATE STREAM/TABLE.
type ColumnConstraint uint8

const (
	ColValue      ColumnConstraint = iota // an ordinary value column
	ColKey                                // KEY (streams)
	ColPrimaryKey                         // PRIMARY KEY (tables)
	ColHeaders                            // HEADERS
	ColHeader                             // HEADER('key'), see TableElement.HeaderKey
)

// TableElement is one column definition.
type TableElement struct {
	Pos        Pos
	Name       string
	Type       *sqltypes.Type // may contain KindNamed references to CREATE TYPE types
	Constraint ColumnConstraint
	HeaderKey  string
}

// Property is one entry of a WITH (...) list. Name is upper-cased
// (KAFKA_TOPIC); Value is a string, int64, float64 or bool literal as
// written.
type Property struct {
	Pos   Pos
	Name  string
	Value any
}

// Properties is a WITH (...) list in source order.
type Properties []Property

// Get returns the property named name (case-insensitive), if present.
func (p Properties) Get(name string) (Property, bool) {
	for _, q := range p {
		if equalFold(q.Name, name) {
			return q, true
		}
	}
	return Property{}, false
}

// CreateSource is CREATE [OR REPLACE] [SOURCE] STREAM|TABLE [IF NOT EXISTS]
// name (elements) WITH (props).
type CreateSource struct {
	StmtBase
	Kind        SourceKind
	OrReplace   bool
	Source      bool // CREATE SOURCE ...: read-only
	IfNotExists bool
	Name        string
	NamePos     Pos
	Elements    []TableElement
	Props       Properties
}

// CreateAsSelect is CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] name
// [WITH (props)] AS SELECT ....
type CreateAsSelect struct {
	StmtBase
	Kind        SourceKind
	OrReplace   bool
	IfNotExists bool
	Name        string
	NamePos     Pos
	Props       Properties
	Query       *Query
}

// InsertInto is INSERT INTO target [WITH (props)] SELECT ....
type InsertInto struct {
	StmtBase
	Target    string
	TargetPos Pos
	Props     Properties
	Query     *Query
}

// InsertValues is INSERT INTO target [(columns)] VALUES (values).
type InsertValues struct {
	StmtBase
	Target    string
	TargetPos Pos
	Columns   []string // empty: all columns in schema order
	Values    []Expr
}

// DropKind says what a DROP statement drops.
type DropKind uint8

const (
	DropStream DropKind = iota
	DropTable
	DropType
	DropFunction
)

// Drop is DROP STREAM|TABLE [IF EXISTS] name [DELETE TOPIC], DROP TYPE,
// DROP FUNCTION.
type Drop struct {
	StmtBase
	Kind        DropKind
	IfExists    bool
	Name        string
	NamePos     Pos
	DeleteTopic bool
}

// ShowKind is what SHOW / LIST lists.
type ShowKind uint8

const (
	ShowStreams ShowKind = iota
	ShowTables
	ShowTopics
	ShowQueries
	ShowFunctions
	ShowProperties
	ShowTypes
	ShowVariables
)

// Show is SHOW|LIST STREAMS|TABLES|TOPICS|QUERIES|FUNCTIONS|PROPERTIES|TYPES|VARIABLES [EXTENDED].
type Show struct {
	StmtBase
	What     ShowKind
	Extended bool
}

// Describe is DESCRIBE [EXTENDED] name, or DESCRIBE STREAMS|TABLES [EXTENDED]
// when All is set.
type Describe struct {
	StmtBase
	Name     string
	NamePos  Pos
	All      SourceKind
	IsAll    bool
	Extended bool
}

// DescribeFunction is DESCRIBE FUNCTION name.
type DescribeFunction struct {
	StmtBase
	Name string
}

// Explain is EXPLAIN [ANALYZE] statement or EXPLAIN [ANALYZE] query_id.
// ANALYZE (rql's) adds the running query's runtime figures.
type Explain struct {
	StmtBase
	Statement Statement // nil when QueryID is set
	QueryID   string
	Analyze   bool
}

// Terminate is TERMINATE query_id or TERMINATE ALL.
type Terminate struct {
	StmtBase
	QueryID string
	All     bool
}

// SetProperty is SET 'name' = 'value'.
type SetProperty struct {
	StmtBase
	Name, Value string
}

// UnsetProperty is UNSET 'name'.
type UnsetProperty struct {
	StmtBase
	Name string
}

// DefineVariable is DEFINE name = 'value'; later statements' ${name} are
// substituted before parsing.
type DefineVariable struct {
	StmtBase
	Name, Value string
}

// UndefineVariable is UNDEFINE name.
type UndefineVariable struct {
	StmtBase
	Name string
}

// Print is PRINT topic [FROM BEGINNING] [INTERVAL n] [LIMIT n].
type Print struct {
	StmtBase
	Topic         string
	FromBeginning bool
	Interval      int64 // 0: every record
	Limit         int64 // 0: no limit
}

// CreateType is CREATE TYPE [IF NOT EXISTS] name AS type.
type CreateType struct {
	StmtBase
	Name        string
	IfNotExists bool
	Type        *sqltypes.Type
}

// RunScript is RUN SCRIPT 'file'.
type RunScript struct {
	StmtBase
	Path string
}

// SelectStmt is a query run on its own: a push query (EMIT CHANGES) or a
// pull query.
type SelectStmt struct {
	StmtBase
	Query *Query
}

// ---------------------------------------------------------------------------
// Queries

// EmitKind is the EMIT clause.
type EmitKind uint8

const (
	EmitNone    EmitKind = iota // no EMIT: a pull query, or a persistent query
	EmitChanges                 // EMIT CHANGES
	EmitFinal                   // EMIT FINAL
)

// Query is a SELECT in ksqlDB's clause order:
//
//	SELECT items FROM from [ENRICH ...] [WINDOW w] [WHERE e] [GROUP BY es]
//	[HAVING e] [PARTITION BY es] [EMIT CHANGES|FINAL] [LIMIT n]
type Query struct {
	Pos         Pos
	Select      []SelectItem
	From        Relation
	Enrich      []*Enrich
	Window      *Window
	Where       Expr
	GroupBy     []Expr
	Having      Expr
	PartitionBy []Expr
	Emit        EmitKind
	Limit       *int64
}

// SelectItem is one entry of the select list.
type SelectItem struct {
	Pos Pos
	// Star is set for * and q.*; Qualifier is q for q.*, else "".
	Star      bool
	Qualifier string
	// Expr and its optional alias ("" when none) for ordinary items.
	Expr  Expr
	Alias string
}

// Relation is a FROM item: a *Table or a *Join.
type Relation interface {
	Position() Pos
	relation()
}

// Table is a stream or table named in FROM, with its optional alias.
type Table struct {
	Pos   Pos
	Name  string
	Alias string // "" when none
}

// JoinType is the kind of join.
type JoinType uint8

const (
	JoinInner JoinType = iota
	JoinLeft
	JoinRight
	JoinFull
)

// Join is left JOIN right ON cond [WITHIN ...]. Joins nest to the left: the
// first JOIN of the text is the innermost.
type Join struct {
	Pos    Pos
	Type   JoinType
	Left   Relation
	Right  Relation
	On     Expr
	Within *Within // nil when no WITHIN clause
}

// Within is WITHIN n UNIT | WITHIN (before, after) [GRACE PERIOD g].
// Durations are in milliseconds; Grace is -1 when not given.
type Within struct {
	Pos    Pos
	Before int64
	After  int64
	Grace  int64
}

func (t *Table) Position() Pos { return t.Pos }
func (j *Join) Position() Pos  { return j.Pos }
func (*Table) relation()       {}
func (*Join) relation()        {}

// WindowKind is the kind of WINDOW clause.
type WindowKind uint8

const (
	WindowTumbling WindowKind = iota
	WindowHopping
	WindowSession
)

// Window is WINDOW TUMBLING|HOPPING|SESSION (...). Durations in
// milliseconds; Grace and Retention are -1 when not given.
type Window struct {
	Pos       Pos
	Kind      WindowKind
	Size      int64 // TUMBLING, HOPPING; the gap for SESSION
	Advance   int64 // HOPPING
	Retention int64
	Grace     int64
}

// Enrich is ENRICH USING [ASYNC] f(args) AS alias [WITH (props)].
type Enrich struct {
	Pos   Pos
	Async bool
	Call  *Call
	Alias string
	Props Properties
}

// ---------------------------------------------------------------------------
// Expressions

// Expr is an expression node. Every node records where it starts in the
// user's original text (Position).
type Expr interface {
	Position() Pos
	expr()
}

// ColumnRef is a column reference: NAME or Q.NAME.
type ColumnRef struct {
	Pos       Pos
	Qualifier string
	Name      string
}

// LiteralKind classifies a literal by how it was written.
type LiteralKind uint8

const (
	LitNull    LiteralKind = iota
	LitBool                // TRUE / FALSE: Value is bool
	LitInt                 // an integer that fits INT: Value is int32
	LitBigint              // an integer that fits BIGINT but not INT: Value is int64
	LitDecimal             // 1.50: Value is sqltypes.Decimal (scale as written)
	LitDouble              // 1.5E2: Value is float64
	LitString              // 'text': Value is string (quotes removed, '' unescaped)
)

// Literal is a constant.
type Literal struct {
	Pos   Pos
	Kind  LiteralKind
	Value sqltypes.Value
	Text  string // as written
}

// UnaryOp is a prefix operator.
type UnaryOp uint8

const (
	OpNeg UnaryOp = iota
	OpPlus
	OpNot
)

// Unary is -x, +x, NOT x.
type Unary struct {
	Pos Pos
	Op  UnaryOp
	X   Expr
}

// BinaryOp is an infix operator.
type BinaryOp uint8

const (
	OpAdd BinaryOp = iota
	OpSub
	OpMul
	OpDiv
	OpMod
	OpConcat // ||
	OpEq
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpAnd
	OpOr
	OpIsDistinct    // IS DISTINCT FROM
	OpIsNotDistinct // IS NOT DISTINCT FROM
)

var binaryOpNames = [...]string{"+", "-", "*", "/", "%", "||", "=", "<>", "<", "<=", ">", ">=",
	"AND", "OR", "IS DISTINCT FROM", "IS NOT DISTINCT FROM"}

func (o BinaryOp) String() string { return binaryOpNames[o] }

// Binary is L op R.
type Binary struct {
	Pos  Pos
	Op   BinaryOp
	L, R Expr
}

// IsNull is X IS [NOT] NULL.
type IsNull struct {
	Pos Pos
	X   Expr
	Not bool
}

// In is X [NOT] IN (list).
type In struct {
	Pos  Pos
	X    Expr
	List []Expr
	Not  bool
}

// Between is X [NOT] BETWEEN Lo AND Hi.
type Between struct {
	Pos    Pos
	X      Expr
	Lo, Hi Expr
	Not    bool
}

// Like is X [NOT] LIKE Pattern [ESCAPE Escape].
type Like struct {
	Pos     Pos
	X       Expr
	Pattern Expr
	Escape  Expr // nil when no ESCAPE
	Not     bool
}

// When is one WHEN cond THEN result arm of a CASE.
type When struct {
	Cond, Result Expr
}

// Case is CASE [Operand] WHEN ... THEN ... [ELSE ...] END. Operand is nil
// for a searched CASE.
type Case struct {
	Pos     Pos
	Operand Expr
	Whens   []When
	Else    Expr
}

// Cast is CAST(X AS Type).
type Cast struct {
	Pos  Pos
	X    Expr
	Type *sqltypes.Type
}

// Call is a function call. Name is upper-cased. Star is set for f(*)
// (COUNT(*)), in which case Args is empty.
type Call struct {
	Pos  Pos
	Name string
	Args []Expr
	Star bool
}

// Deref is struct field access X->Field (Field canonical as other names).
// Star is set for X->*.
type Deref struct {
	Pos   Pos
	X     Expr
	Field string
	Star  bool
}

// Subscript is X[Index] (arrays: 1-based, negative from the end; maps: key).
type Subscript struct {
	Pos   Pos
	X     Expr
	Index Expr
}

// ArrayCtor is ARRAY[e, ...].
type ArrayCtor struct {
	Pos   Pos
	Elems []Expr
}

// MapCtor is MAP(k := v, ...).
type MapCtor struct {
	Pos  Pos
	Keys []Expr
	Vals []Expr
}

// StructCtor is STRUCT(name := v, ...).
type StructCtor struct {
	Pos    Pos
	Names  []string
	Values []Expr
}

// Lambda is x => body or (x, y) => body. Params are canonical names.
type Lambda struct {
	Pos    Pos
	Params []string
	Body   Expr
}

func (e *ColumnRef) Position() Pos  { return e.Pos }
func (e *Literal) Position() Pos    { return e.Pos }
func (e *Unary) Position() Pos      { return e.Pos }
func (e *Binary) Position() Pos     { return e.Pos }
func (e *IsNull) Position() Pos     { return e.Pos }
func (e *In) Position() Pos         { return e.Pos }
func (e *Between) Position() Pos    { return e.Pos }
func (e *Like) Position() Pos       { return e.Pos }
func (e *Case) Position() Pos       { return e.Pos }
func (e *Cast) Position() Pos       { return e.Pos }
func (e *Call) Position() Pos       { return e.Pos }
func (e *Deref) Position() Pos      { return e.Pos }
func (e *Subscript) Position() Pos  { return e.Pos }
func (e *ArrayCtor) Position() Pos  { return e.Pos }
func (e *MapCtor) Position() Pos    { return e.Pos }
func (e *StructCtor) Position() Pos { return e.Pos }
func (e *Lambda) Position() Pos     { return e.Pos }

func (*ColumnRef) expr()  {}
func (*Literal) expr()    {}
func (*Unary) expr()      {}
func (*Binary) expr()     {}
func (*IsNull) expr()     {}
func (*In) expr()         {}
func (*Between) expr()    {}
func (*Like) expr()       {}
func (*Case) expr()       {}
func (*Cast) expr()       {}
func (*Call) expr()       {}
func (*Deref) expr()      {}
func (*Subscript) expr()  {}
func (*ArrayCtor) expr()  {}
func (*MapCtor) expr()    {}
func (*StructCtor) expr() {}
func (*Lambda) expr()     {}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// AlterSource is ALTER STREAM|TABLE name ADD [COLUMN] col type [, ADD ...].
// (Added by the parser: ksqlDB's ALTER only adds value columns.)
type AlterSource struct {
	StmtBase
	Kind    SourceKind
	Name    string
	NamePos Pos
	Columns []TableElement
}
