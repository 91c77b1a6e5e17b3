package engine

import (
	"context"
	"maps"
	"sync"

	"github.com/rql/rql/exec/build"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// Output receives what the statements of Session.Run produce, as they
// produce it. A nil field discards what it would receive. An error
// returned by a callback stops Run with that error.
type Output struct {
	// Result receives the result of each statement that is not streamed
	// (DDL, SHOW, DESCRIBE, SET, INSERT VALUES, ...).
	Result func(Result) error
	// Columns receives a push query's columns (names as the query wrote
	// them, types), once, when the query has started reading its topics.
	Columns func(cols []sqltypes.Column) error
	// Row receives each row of a push query as it arrives, in Columns
	// order. The slice is the callee's.
	Row func(row []sqltypes.Value) error
	// Line receives each line PRINT writes (without the newline): the
	// detected key and value formats, then one line per record, as
	// ksqlDB's PRINT does.
	Line func(line string) error
}

// Session is a client's session on an Engine, as a REPL or a server
// connection holds one: it runs the statements that stream their output
// or need a client — INSERT INTO ... VALUES (produced through the session's
// producer), PRINT and transient push queries (SELECT ... EMIT CHANGES,
// read with read_committed readers from auto.offset.reset) — and hands
// every other statement to Engine.ExecuteStatement. Properties (SET) and
// variables (DEFINE) are the engine's; RunWith runs a request's session
// statements under properties of its own instead, without changing the
// engine's. A Session's methods may be called from several goroutines
// (each call with its own properties); Close releases it.
type Session struct {
	e *Engine

	mu     sync.Mutex
	prod   *kafka.Producer // created by the first INSERT VALUES
	closed bool
}

// NewSession returns a session on e.
func (e *Engine) NewSession() *Session { return &Session{e: e} }

// Engine returns the session's engine.
func (s *Session) Engine() *Engine { return s.e }

// Run parses sql and runs its statements in order, stopping at the first
// failing one with its error (an *rqlerr.Error, or ctx's error when ctx
// ended). Push queries and PRINT run until their LIMIT or until ctx ends;
// a push query or PRINT ended by ctx returns ctx's error.
func (s *Session) Run(ctx context.Context, sql string, out Output) error {
	return s.RunWith(ctx, sql, nil, out)
}

// RunWith is Run with the session properties props in place of the
// engine's (those SET on it) for the session statements of sql — push
// and pull queries (including what a pull query forwards to other
// members), PRINT and INSERT VALUES: they plan and run under props
// alone, whatever the engine's properties are meanwhile (a property
// absent from props is unset for them), and the engine's are neither read
// nor changed. Other statements (DDL, SET, SHOW, ...) run as Run runs
// them, under the engine's properties. props nil: the engine's properties,
// as Run. props is not modified and may be shared by concurrent calls.
// RunWith takes no lock across a statement: concurrent calls, and
// Engine.ExecuteStatement, proceed while a query runs.
func (s *Session) RunWith(ctx context.Context, sql string, props map[string]string, out Output) error {
	stmts, err := s.e.parse(sql)
	if err != nil {
		return err
	}
	for _, st := range stmts {
		if err := s.runStatement(ctx, st, props, out); err != nil {
			return err
		}
	}
	return nil
}

// runStatement runs st; props are RunWith's (nil: the engine's).
func (s *Session) runStatement(ctx context.Context, st parser.Statement, props map[string]string, out Output) error {
	switch x := st.(type) {
	case *parser.SelectStmt:
		return s.push(ctx, x, props, out)
	case *parser.Print:
		return s.print(ctx, x, props, out)
	case *parser.InsertValues:
		res, err := s.insert(ctx, x, props)
		if err != nil {
			return err
		}
		return emitResult(out, res)
	}
	res, err := s.e.ExecuteStatement(ctx, st)
	if err != nil {
		return err
	}
	return emitResult(out, res)
}

func emitResult(out Output, r Result) error {
	if out.Result == nil {
		return nil
	}
	return out.Result(r)
}

// Query runs one push query (SELECT ... EMIT CHANGES) and calls fn with
// each row as it arrives, until LIMIT rows (then it returns nil), ctx ends
// (ctx's error), fn fails (fn's error) or the query fails. cols are the
// column names as the query wrote them; it is the same slice on every
// call.
func (s *Session) Query(ctx context.Context, sql string, fn func(cols []string, row []sqltypes.Value) error) error {
	stmts, err := s.e.parse(sql)
	if err != nil {
		return err
	}
	if len(stmts) != 1 {
		return rqlerr.New(rqlerr.StmtInvalidProps, "expected one SELECT statement, got %d statements", len(stmts))
	}
	sel, ok := stmts[0].(*parser.SelectStmt)
	if !ok {
		return rqlerr.New(rqlerr.StmtInvalidProps, "expected a SELECT statement: %s", stmts[0].SQL())
	}
	var names []string
	return s.push(ctx, sel, nil, Output{
		Columns: func(cols []sqltypes.Column) error {
			for _, c := range cols {
				names = append(names, c.Name)
			}
			return nil
		},
		Row: func(row []sqltypes.Value) error { return fn(names, row) },
	})
}

// Close releases the session's producer, waiting for its records until
// ctx ends. It may be called more than once.
func (s *Session) Close(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.prod != nil {
		s.prod.Close(ctx)
		s.prod = nil
	}
}

// producer returns the session's producer, creating it on first use.
func (s *Session) producer() (*kafka.Producer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, rqlerr.New(rqlerr.KafkaConfig, "the session is closed")
	}
	if s.prod == nil {
		p, err := kafka.NewProducer(s.e.clientOpts()...)
		if err != nil {
			return nil, err
		}
		s.prod = p
	}
	return s.prod, nil
}

// parse parses sql with the engine's variables.
func (e *Engine) parse(sql string) ([]parser.Statement, error) {
	e.mu.Lock()
	vars := make(map[string]string, len(e.vars))
	for k, v := range e.vars {
		vars[k] = v
	}
	e.mu.Unlock()
	return parser.Parse(sql, parser.ParseOptions{Variables: vars})
}

// planSession plans a session statement against the catalog under e.mu
// and returns the plan with the properties it runs under, a map of its
// own: a copy of the engine's properties (over nil), the engine's with over
// on top (merge), or over alone (replace: the engine's are not read, a
// property absent from over is unset for the statement).
func (e *Engine) planSession(st parser.Statement, over map[string]string, mode propsMode) (plan planner.StatementPlan, props map[string]string, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, nil, rqlerr.New(rqlerr.KafkaConfig, "the engine is closed")
	}
	defer func() {
		if r := recover(); r != nil {
			err = rqlerr.Bug("engine panic on %q: %v", st.SQL(), r)
		}
	}()
	props = make(map[string]string, len(e.cat.Props)+len(over))
	if over == nil || mode == mergeProps {
		for k, v := range e.cat.Props {
			props[k] = v
		}
	}
	for k, v := range over {
		props[k] = v
	}
	// The planner reads its overrides first, then the catalog's
	// properties: under replace, the catalog's that props lacks are
	// overridden by "", which the planner reads as unset.
	var planProps map[string]string
	if over != nil {
		planProps = maps.Clone(props)
		for k := range e.cat.Props {
			if _, ok := planProps[k]; !ok {
				planProps[k] = ""
			}
		}
	}
	plan, err = planner.PlanStatementWith(e.cat, e.reg, st, planProps, planner.PlanOptions{CheckEnrich: build.CheckEnrichOptions})
	if err != nil {
		return nil, nil, err
	}
	return plan, props, nil
}

// propsMode is how planSession combines a statement's properties with the
// engine's.
type propsMode int

const (
	replaceProps propsMode = iota // the statement's alone (Session.RunWith)
	mergeProps                    // the statement's over the engine's (Session.PullPartitions)
)

// errStreamed is Engine.Execute's answer to a push query or PRINT, whose
// output streams: they run through a Session.
func errStreamed(st parser.Statement) error {
	return rqlerr.New(rqlerr.StmtInvalidProps,
		"push queries and PRINT stream their output: run them in a session (the REPL, or engine.Session.Run): %s", st.SQL())
}
