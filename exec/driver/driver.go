package driver

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/exec/build"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/state"
	"github.com/rql/rql/udf"
)

// Options configure a Driver.
type Options struct {
	// Registry holds the functions (nil: udf.Builtins()).
	Registry *udf.Registry
	// Properties are the initial session properties.
	Properties map[string]string
	// Now returns the wall-clock time in milliseconds, used as the
	// timestamp of INSERT VALUES records without ROWTIME (nil: time.Now).
	Now func() int64
	// MaxDepth bounds how deep records produced by queries may cascade
	// into other queries (default 64): a query writing its own input stops
	// there with an error instead of looping.
	MaxDepth int
	// HTTPClient, when set, is the client of the HTTP user functions that
	// CREATE FUNCTION makes (nil: each function its own). Golden tests use
	// it to route function URLs to loopback test services.
	HTTPClient *http.Client
}

// Driver runs statements and records in process. A Driver is not safe for
// concurrent use.
type Driver struct {
	opts    Options
	reg     *udf.Registry
	cat     *planner.Catalog
	topics  map[string]*topic
	queries []*running
	log     []LogEntry
	depth   int
	// vars are the DEFINE'd variables, substituted in later Execute calls.
	vars map[string]string
	// db is the state store of stateful queries (opened on first use, in
	// stateDir); transients counts transient queries.
	db         *state.DB
	txn        *state.Txn // the operators' view of db (see store)
	stateDir   string
	transients int
}

type topic struct {
	name       string
	partitions int
	records    []Record
	next       []int64 // next offset per partition
}

// running is a started persistent query.
type running struct {
	id     string
	topics []string
	pipe   *exec.Pipeline
}

// New returns a driver with an empty catalog and no topics.
func New(opts Options) (*Driver, error) {
	if opts.Registry == nil {
		opts.Registry = udf.Builtins()
	}
	if opts.Now == nil {
		opts.Now = func() int64 { return time.Now().UnixMilli() }
	}
	if opts.MaxDepth == 0 {
		opts.MaxDepth = 64
	}
	return &Driver{opts: opts, reg: opts.Registry, cat: planner.NewCatalog(opts.Properties),
		topics: map[string]*topic{}, vars: map[string]string{}}, nil
}

// Catalog returns the driver's catalog (sources, types, queries, properties).
func (d *Driver) Catalog() *planner.Catalog { return d.cat }

// Registry returns the driver's function registry.
func (d *Driver) Registry() *udf.Registry { return d.reg }

// Topics returns the names of every topic, sorted.
func (d *Driver) Topics() []string {
	out := make([]string, 0, len(d.topics))
	for n := range d.topics {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Records returns a copy of the records of topic in the order they were
// appended (nil for an unknown topic).
func (d *Driver) Records(topic string) []Record {
	t, ok := d.topics[topic]
	if !ok {
		return nil
	}
	return append([]Record(nil), t.records...)
}

// ProcessingLog returns the processing-log entries so far.
func (d *Driver) ProcessingLog() []LogEntry { return append([]LogEntry(nil), d.log...) }

// CreateTopic creates a topic with the given number of partitions (at
// least 1) if it does not exist.
func (d *Driver) CreateTopic(name string, partitions int) {
	if _, ok := d.topics[name]; ok {
		return
	}
	if partitions < 1 {
		partitions = 1
	}
	d.topics[name] = &topic{name: name, partitions: partitions, next: make([]int64, partitions)}
}

// Produce appends rec to its topic (creating it with one partition if
// needed), assigning its offset, then runs every query reading the topic,
// in query creation order, depth-first: records those queries produce are
// processed before Produce returns. rec.Partition must be within the
// topic's partitions (else 0 is used); rec.Offset is ignored.
func (d *Driver) Produce(ctx context.Context, rec Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.CreateTopic(rec.Topic, 1)
	t := d.topics[rec.Topic]
	if rec.Partition < 0 || int(rec.Partition) >= t.partitions {
		rec.Partition = 0
	}
	rec.Offset = t.next[rec.Partition]
	t.next[rec.Partition]++
	t.records = append(t.records, rec)
	if d.depth >= d.opts.MaxDepth {
		return rqlerr.New(rqlerr.ExecEval, "records cascade deeper than %d queries (does a query write its own input?)", d.opts.MaxDepth)
	}
	if err := d.runQueries(ctx, rec); err != nil {
		return err
	}
	return d.commitState()
}

// runQueries pushes rec through every query reading its topic (one level
// deeper in the cascade).
func (d *Driver) runQueries(ctx context.Context, rec Record) error {
	d.depth++
	defer func() { d.depth-- }()
	in := []exec.Record{toExec(rec)}
	for _, q := range append([]*running(nil), d.queries...) {
		if !q.reads(rec.Topic) {
			continue
		}
		if err := q.pipe.Push(ctx, rec.Topic, in); err != nil {
			return err
		}
		// Asynchronous enrichments finish the record before the next one:
		// the driver's output stays deterministic.
		if err := q.pipe.Drain(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (q *running) reads(topic string) bool {
	for _, t := range q.topics {
		if t == topic {
			return true
		}
	}
	return false
}

func toExec(r Record) exec.Record {
	e := exec.Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Key: r.Key, Value: r.Value,
		Timestamp: r.Timestamp}
	for _, h := range r.Headers {
		e.Headers = append(e.Headers, exec.Header{Key: h.Key, Value: h.Value})
	}
	if r.Window != nil {
		e.HasWindow, e.WindowStart, e.WindowEnd = true, r.Window.Start, r.Window.End
	}
	return e
}

// emitter returns the RecordSink through which a query's sink produces.
func (d *Driver) emitter(window *Window) exec.RecordSink {
	return exec.RecordSinkFunc(func(ctx context.Context, r exec.Record) error {
		rec := Record{Topic: r.Topic, Key: r.Key, Value: r.Value, Timestamp: r.Timestamp}
		for _, h := range r.Headers {
			rec.Headers = append(rec.Headers, Header{Key: h.Key, Value: h.Value})
		}
		if r.HasWindow {
			rec.Window = &Window{Start: r.WindowStart, End: r.WindowEnd, Type: "TIME"}
			for _, s := range d.cat.SourcesForTopic(r.Topic) {
				if s.Window != nil && s.Window.Kind == parser.WindowSession {
					rec.Window.Type = "SESSION"
				}
			}
		}
		return d.Produce(ctx, rec)
	})
}

func (d *Driver) logEntry(e exec.LogEntry) {
	d.log = append(d.log, LogEntry{QueryID: e.QueryID, Topic: e.Topic, Partition: e.Partition, Offset: e.Offset, Reason: e.Reason})
}

// Execute parses sql and runs its statements in order. It stops at the
// first failing statement, returning the results of the statements before
// it and the error (an *rqlerr.Error).
func (d *Driver) Execute(ctx context.Context, sql string) ([]Result, error) {
	stmts, err := parser.Parse(sql, parser.ParseOptions{Variables: d.vars})
	if err != nil {
		return nil, err
	}
	var out []Result
	for _, s := range stmts {
		r, err := d.ExecuteStatement(ctx, s)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// ExecuteStatement plans and runs one parsed statement.
func (d *Driver) ExecuteStatement(ctx context.Context, s parser.Statement) (res Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = rqlerr.Bug("driver panic on %q: %v", s.SQL(), r)
		}
	}()
	plan, err := planner.PlanStatementWith(d.cat, d.reg, s, nil, planner.PlanOptions{CheckEnrich: build.CheckEnrichOptions})
	if err != nil {
		return Result{}, err
	}
	return d.apply(ctx, s, plan)
}

func (d *Driver) props() map[string]string { return d.cat.Props }

// propsSnapshot returns a copy of the session properties: a persistent
// query keeps the properties it was started with (as in ksqlDB), so a
// later SET or UNSET does not change it.
func (d *Driver) propsSnapshot() map[string]string {
	out := make(map[string]string, len(d.cat.Props))
	for k, v := range d.cat.Props {
		out[k] = v
	}
	return out
}

func sourceKind(k parser.SourceKind) string {
	if k == parser.KindTable {
		return "Table"
	}
	return "Stream"
}

func (d *Driver) apply(ctx context.Context, s parser.Statement, plan planner.StatementPlan) (Result, error) {
	switch p := plan.(type) {
	case *planner.CreateSourcePlan:
		kind := "CREATE_" + upper(sourceKind(p.Source.Kind))
		if p.Noop {
			return Result{Kind: kind, Message: fmt.Sprintf("%s %s already exists", sourceKind(p.Source.Kind), p.Source.Name)}, nil
		}
		d.CreateTopic(p.Source.Topic, p.Source.Partitions)
		if p.Source.Partitions == 0 {
			// A source over an existing topic takes its partition count
			// (the planner checks joins' co-partitioning with it).
			cp := *p.Source
			cp.Partitions = d.topics[p.Source.Topic].partitions
			p.Source = &cp
		}
		d.cat.PutSource(p.Source)
		if err := d.materializeSourceTable(ctx, p.Source); err != nil {
			return Result{}, err
		}
		if p.Alter {
			return Result{Kind: "ALTER_" + upper(sourceKind(p.Source.Kind)),
				Message: sourceKind(p.Source.Kind) + " " + p.Source.Name + " altered."}, nil
		}
		msg := sourceKind(p.Source.Kind) + " created"
		return Result{Kind: kind, Message: msg}, nil
	case *planner.CreateAsSelectPlan:
		kind := "CREATE_" + upper(sourceKind(p.Sink.Kind)) + "_AS_SELECT"
		if p.Noop {
			return Result{Kind: kind, Message: fmt.Sprintf("%s %s already exists", sourceKind(p.Sink.Kind), p.Sink.Name)}, nil
		}
		d.CreateTopic(p.Sink.Topic, p.Sink.Partitions)
		if p.Replace {
			d.stopQuery(p.Query.ID)
		}
		d.cat.PutSource(p.Sink)
		if err := d.startQuery(ctx, s.SQL(), p.Sink.Name, p.Query); err != nil {
			return Result{}, err
		}
		return Result{Kind: kind, QueryID: p.Query.ID, Message: "Created query with ID " + p.Query.ID}, nil
	case *planner.InsertIntoPlan:
		if err := d.startQuery(ctx, s.SQL(), p.Target.Name, p.Query); err != nil {
			return Result{}, err
		}
		return Result{Kind: "INSERT_INTO", QueryID: p.Query.ID, Message: "Created query with ID " + p.Query.ID}, nil
	case *planner.InsertValuesPlan:
		if err := d.insertValues(ctx, p); err != nil {
			return Result{}, err
		}
		return Result{Kind: "INSERT_VALUES"}, nil
	case *planner.SelectPlan:
		return d.runSelect(ctx, p.Query)
	case *planner.PullPlan:
		return d.runPull(ctx, p)
	case *planner.DropPlan:
		return d.drop(p)
	case *planner.ShowPlan:
		return d.show(p)
	case *planner.DescribePlan:
		return d.describe(p), nil
	case *planner.DescribeFunctionPlan:
		return DescribeFunctionResult(d.reg, p.Name), nil
	case *planner.ExplainPlan:
		return d.explain(ctx, s, p)
	case *planner.TerminatePlan:
		for _, id := range p.QueryIDs {
			d.stopQuery(id)
			d.cat.RemoveQuery(id)
		}
		return Result{Kind: "TERMINATE", Message: "Query terminated."}, nil
	case *planner.SetPlan:
		if p.Unset {
			delete(d.cat.Props, p.Name)
			return Result{Kind: "UNSET_PROPERTY", Message: "Successfully unset " + p.Name}, nil
		}
		d.cat.Props[p.Name] = p.Value
		return Result{Kind: "SET_PROPERTY", Message: "Successfully set " + p.Name}, nil
	case *planner.PrintPlan:
		return d.print(p.Stmt), nil
	case *planner.CreateTypePlan:
		if !p.Noop {
			d.cat.PutType(p.Name, p.Type)
		}
		return Result{Kind: "CREATE_TYPE", Message: "Registered custom type with name '" + p.Name + "'"}, nil
	case *planner.CreateFunctionPlan:
		return d.createFunction(p)
	case *planner.DropFunctionPlan:
		return d.dropFunction(p), nil
	case *planner.NoopPlan:
		switch v := s.(type) {
		case *parser.DefineVariable:
			d.vars[v.Name] = v.Value
			return Result{Kind: "DEFINE_VARIABLE"}, nil
		case *parser.UndefineVariable:
			delete(d.vars, v.Name)
			return Result{Kind: "UNDEFINE_VARIABLE"}, nil
		}
		return Result{Kind: "NOOP", Message: p.Message}, nil
	}
	return Result{}, rqlerr.Bug("unhandled plan %T", plan)
}

// startQuery builds q, registers it and replays the records already in its
// source topics.
func (d *Driver) startQuery(ctx context.Context, sql, sink string, q *planner.QueryPlan) error {
	mq := planner.MaterializeQuery(q) // pull queries read CTAS results from state
	st, err := d.storeFor(mq)
	if err != nil {
		return err
	}
	pipe, err := build.Build(ctx, mq, build.Options{Registry: d.reg, Props: d.propsSnapshot(), Emit: d.emitter(nil), Log: d.logEntry, State: st})
	if err != nil {
		return err
	}
	run := &running{id: q.ID, pipe: pipe}
	for _, in := range pipe.Inputs {
		run.topics = append(run.topics, in.Topic)
	}
	d.cat.AddQuery(&planner.PersistentQuery{ID: q.ID, SQL: sql, Plan: q, Sink: sink, Sources: q.Sources})
	d.queries = append(d.queries, run)
	return d.replayBootstrapped(ctx, pipe, mq, run.topics)
}

// replay pushes the records currently in topics through pipe, one at a
// time in the order of pending (several topics interleave by time;
// records appended meanwhile are delivered by Produce).
func (d *Driver) replay(ctx context.Context, pipe *exec.Pipeline, topics []string) error {
	for _, r := range d.pending(topics) {
		if err := pipe.Push(ctx, r.Topic, []exec.Record{toExec(r)}); err != nil {
			return err
		}
		if err := pipe.Drain(ctx); err != nil {
			return err
		}
		if err := d.commitState(); err != nil {
			return err
		}
	}
	return nil
}

func (d *Driver) stopQuery(id string) {
	for i, q := range d.queries {
		if q.id == id {
			_ = q.pipe.Close(context.Background())
			d.queries = append(d.queries[:i:i], d.queries[i+1:]...)
			return
		}
	}
}

func (d *Driver) drop(p *planner.DropPlan) (Result, error) {
	if p.Kind == parser.DropType {
		if !p.Noop {
			d.cat.DropType(p.Name)
		}
		return Result{Kind: "DROP_TYPE", Message: "Dropped type '" + p.Name + "'"}, nil
	}
	kind := "DROP_STREAM"
	if p.Kind == parser.DropTable {
		kind = "DROP_TABLE"
	}
	if p.Noop {
		return Result{Kind: kind, Message: "Source " + p.Name + " does not exist."}, nil
	}
	for _, id := range d.cat.QueriesWriting(p.Name) {
		d.stopQuery(id)
		d.cat.RemoveQuery(id)
	}
	d.cat.DropSource(p.Name)
	d.stopQuery(planner.SourceTableQueryID(p.Name))
	if p.DeleteTopic && p.Source != nil {
		delete(d.topics, p.Source.Topic)
	}
	return Result{Kind: kind, Message: "Source `" + p.Name + "` (topic: " + p.Source.Topic + ") was dropped."}, nil
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
