package planner

import (
	"github.com/rql/rql/parser"
	"github.com/rql/rql/sqltypes"
)

// StatementPlan is the planned form of one statement: plain data that the
// driver or engine applies (catalog changes, queries to start, records to
// produce). Planning never mutates the catalog except to reserve query ids.
type StatementPlan interface{ statementPlan() }

// CreateSourcePlan registers a source (CREATE STREAM / TABLE).
type CreateSourcePlan struct {
	Source *Source
	// Noop is set for IF NOT EXISTS when the source exists already.
	Noop bool
	// Replace is set for CREATE OR REPLACE of an existing source.
	Replace bool
	// Alter is set for ALTER STREAM|TABLE (Source is the altered source,
	// Replace is set too): ksqlDB reports "Stream S altered.".
	Alter bool
}

// CreateAsSelectPlan registers Sink and starts Query writing it (CSAS /
// CTAS).
type CreateAsSelectPlan struct {
	Sink    *Source
	Query   *QueryPlan
	Noop    bool
	Replace bool
}

// InsertIntoPlan starts Query writing into the existing Target.
type InsertIntoPlan struct {
	Target *Source
	Query  *QueryPlan
}

// InsertValuesPlan produces one record into Target: Exprs holds one
// constant expression per column of Target.Schema, already converted to the
// column's type (nil: NULL); Rowtime, when non-nil, gives the record
// timestamp (else the driver's current time).
type InsertValuesPlan struct {
	Target  *Source
	Exprs   []Expr
	Rowtime Expr
}

// DropPlan removes a source (and its topic when DeleteTopic), or a type.
type DropPlan struct {
	Kind        parser.DropKind
	Name        string
	DeleteTopic bool
	// Noop is set for IF EXISTS when nothing exists.
	Noop bool
	// Source is the dropped source (nil for types or Noop).
	Source *Source
}

// ShowPlan lists catalog objects.
type ShowPlan struct {
	What     parser.ShowKind
	Extended bool
}

// DescribePlan describes sources.
type DescribePlan struct {
	Sources  []*Source
	Extended bool
}

// DescribeFunctionPlan describes a function.
type DescribeFunctionPlan struct{ Name string }

// ExplainPlan explains a query plan (of a statement or of a running query).
type ExplainPlan struct {
	Query *QueryPlan
	Text  string
	// Pull is set (and Query nil) when a pull query is explained.
	Pull *PullPlan
}

// TerminatePlan stops queries.
type TerminatePlan struct {
	QueryIDs []string
}

// SetPlan sets (Unset=false) or removes a property.
type SetPlan struct {
	Name, Value string
	Unset       bool
}

// PrintPlan prints a topic's records.
type PrintPlan struct{ Stmt *parser.Print }

// CreateTypePlan registers a custom type.
type CreateTypePlan struct {
	Name string
	Type *sqltypes.Type
	Noop bool
}

// SelectPlan is a transient query (SELECT ... EMIT CHANGES).
type SelectPlan struct{ Query *QueryPlan }

// NoopPlan is a statement with nothing to do (DEFINE handled by the parser,
// IF EXISTS on nothing, ...).
type NoopPlan struct{ Message string }

func (*CreateSourcePlan) statementPlan()     {}
func (*CreateAsSelectPlan) statementPlan()   {}
func (*InsertIntoPlan) statementPlan()       {}
func (*InsertValuesPlan) statementPlan()     {}
func (*DropPlan) statementPlan()             {}
func (*ShowPlan) statementPlan()             {}
func (*DescribePlan) statementPlan()         {}
func (*DescribeFunctionPlan) statementPlan() {}
func (*ExplainPlan) statementPlan()          {}
func (*TerminatePlan) statementPlan()        {}
func (*SetPlan) statementPlan()              {}
func (*PrintPlan) statementPlan()            {}
func (*CreateTypePlan) statementPlan()       {}
func (*SelectPlan) statementPlan()           {}
func (*NoopPlan) statementPlan()             {}
