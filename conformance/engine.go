package conformance

import (
	"context"

	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/udf"
)

// Engine is what a case runs on: the in-process test driver (DriverEngine)
// or, in this package's tests, a fake.
type Engine interface {
	// Execute runs one or more statements and stops at the first failing
	// one, returning the results of the statements that ran and its error.
	Execute(ctx context.Context, sql string) ([]driver.Result, error)
	// Produce writes a record to its topic; running queries process it.
	Produce(ctx context.Context, r driver.Record) error
	// Records returns what a topic holds, in offset order.
	Records(topic string) []driver.Record
	// Topics lists the topics that exist.
	Topics() []string
	// ProcessingLog returns the records that could not be processed.
	ProcessingLog() []driver.LogEntry
	// SourceByName and SourcesForTopic look sources up in the catalog.
	SourceByName(name string) (*planner.Source, bool)
	SourcesForTopic(topic string) []*planner.Source
}

// EngineFactory makes a fresh engine for one case, with the case's
// properties (ksqlDB config overrides).
type EngineFactory func(props map[string]string) (Engine, error)

// DriverEngine is the EngineFactory of cases: the in-process test driver
// with the built-in and test functions (a fresh registry per engine).
// INSERT VALUES without ROWTIME stamps records with time 0, so that
// results are deterministic.
func DriverEngine(props map[string]string) (Engine, error) {
	d, err := driver.New(driver.Options{Registry: testRegistry(), Properties: props, Now: func() int64 { return 0 }})
	if err != nil {
		return nil, err
	}
	return driverEngine{d}, nil
}

// NewDriverEngine returns the in-process test driver with the functions
// of reg, as an Engine.
func NewDriverEngine(reg *udf.Registry, props map[string]string) (Engine, error) {
	d, err := driver.New(driver.Options{Registry: reg, Properties: props})
	if err != nil {
		return nil, err
	}
	return driverEngine{d}, nil
}

// testRegistry returns the registry cases run with: the built-ins plus
// the functions ksqlDB's test suite registers (udf.RegisterTestFunctions).
func testRegistry() *udf.Registry {
	r := udf.Builtins()
	udf.RegisterTestFunctions(r)
	udf.RegisterTestAggregates(r)
	return r
}

// driverEngine adapts *driver.Driver to Engine.
type driverEngine struct{ *driver.Driver }

func (e driverEngine) SourceByName(name string) (*planner.Source, bool) {
	return e.Catalog().SourceByName(name)
}

func (e driverEngine) SourcesForTopic(topic string) []*planner.Source {
	return e.Catalog().SourcesForTopic(topic)
}
