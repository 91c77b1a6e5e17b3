package engine

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/rql/rql/exec/build"
	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
)

// Execute parses sql and applies its statements in order, stopping at the
// first failing one: it returns the results of the statements before it
// and the error (an *rqlerr.Error, or ctx's error).
func (e *Engine) Execute(ctx context.Context, sql string) ([]Result, error) {
	e.mu.Lock()
	vars := make(map[string]string, len(e.vars))
	for k, v := range e.vars {
		vars[k] = v
	}
	e.mu.Unlock()
	stmts, err := parser.Parse(sql, parser.ParseOptions{Variables: vars})
	if err != nil {
		return nil, err
	}
	var out []Result
	for _, s := range stmts {
		r, err := e.ExecuteStatement(ctx, s)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// ExecuteStatement plans one parsed statement against the catalog and
// applies it.
func (e *Engine) ExecuteStatement(ctx context.Context, s parser.Statement) (res Result, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return Result{}, rqlerr.New(rqlerr.KafkaConfig, "the engine is closed")
	}
	defer func() {
		if r := recover(); r != nil {
			err = rqlerr.Bug("engine panic on %q: %v", s.SQL(), r)
		}
	}()
	plan, err := planner.PlanStatementWith(e.cat, e.reg, s, nil, planner.PlanOptions{CheckEnrich: build.CheckEnrichOptions})
	if err != nil {
		return Result{}, err
	}
	return e.apply(ctx, s, plan)
}

func kindName(k parser.SourceKind) string {
	if k == parser.KindTable {
		return "Table"
	}
	return "Stream"
}

func upperKind(k parser.SourceKind) string {
	if k == parser.KindTable {
		return "TABLE"
	}
	return "STREAM"
}

// apply runs a statement plan; e.mu is held.
func (e *Engine) apply(ctx context.Context, s parser.Statement, plan planner.StatementPlan) (Result, error) {
	switch p := plan.(type) {
	case *planner.CreateSourcePlan:
		kind := "CREATE_" + upperKind(p.Source.Kind)
		if p.Noop {
			return Result{Kind: kind, Message: fmt.Sprintf("%s %s already exists", kindName(p.Source.Kind), p.Source.Name)}, nil
		}
		src, err := e.ensureSourceTopic(ctx, p.Source)
		if err != nil {
			return Result{}, err
		}
		e.cat.PutSource(src)
		if err := e.materializeSourceTable(ctx, s.SQL(), src); err != nil { // pull_source.go
			e.cat.DropSource(src.Name)
			return Result{}, err
		}
		return Result{Kind: kind, Message: kindName(src.Kind) + " created"}, nil
	case *planner.CreateAsSelectPlan:
		kind := "CREATE_" + upperKind(p.Sink.Kind) + "_AS_SELECT"
		if p.Noop {
			return Result{Kind: kind, Message: fmt.Sprintf("%s %s already exists", kindName(p.Sink.Kind), p.Sink.Name)}, nil
		}
		if err := checkSupported(p.Query.Root); err != nil {
			return Result{}, err
		}
		sink, err := e.ensureSinkTopic(ctx, p.Sink)
		if err != nil {
			return Result{}, err
		}
		if p.Replace {
			e.stopQueryLocked(ctx, p.Query.ID)
			e.cat.RemoveQuery(p.Query.ID)
		}
		prev, had := e.cat.SourceByName(sink.Name)
		e.cat.PutSource(sink)
		if err := e.startQuery(ctx, s.SQL(), sink, p.Query); err != nil {
			if had {
				e.cat.PutSource(prev)
			} else {
				e.cat.DropSource(sink.Name)
			}
			return Result{}, err
		}
		return Result{Kind: kind, QueryID: p.Query.ID, Message: "Created query with ID " + p.Query.ID}, nil
	case *planner.InsertIntoPlan:
		if err := e.startQuery(ctx, s.SQL(), p.Target, p.Query); err != nil {
			return Result{}, err
		}
		return Result{Kind: "INSERT_INTO", QueryID: p.Query.ID, Message: "Created query with ID " + p.Query.ID}, nil
	case *planner.DropPlan:
		return e.drop(ctx, p)
	case *planner.TerminatePlan:
		for _, id := range p.QueryIDs {
			e.terminateQueryLocked(ctx, id)
			e.cat.RemoveQuery(id)
		}
		return Result{Kind: "TERMINATE", Message: "Query terminated."}, nil
	case *planner.SetPlan:
		if p.Unset {
			delete(e.cat.Props, p.Name)
			return Result{Kind: "UNSET_PROPERTY", Message: "Successfully unset " + p.Name}, nil
		}
		e.cat.Props[p.Name] = p.Value
		return Result{Kind: "SET_PROPERTY", Message: "Successfully set " + p.Name}, nil
	case *planner.CreateTypePlan:
		if !p.Noop {
			e.cat.PutType(p.Name, p.Type)
		}
		return Result{Kind: "CREATE_TYPE", Message: "Registered custom type with name '" + p.Name + "'"}, nil
	case *planner.ShowPlan:
		return e.show(ctx, p)
	case *planner.DescribePlan: // show_runtime.go
		return e.describe(p), nil
	case *planner.ExplainPlan:
		return e.explain(s, p)
	case *planner.CreateFunctionPlan: // function.go
		return e.createFunction(p)
	case *planner.DropFunctionPlan:
		return e.dropFunction(p), nil
	case *planner.DescribeFunctionPlan:
		return driver.DescribeFunctionResult(e.reg, p.Name), nil
	case *planner.InsertValuesPlan: // session statements: see session.go
		return e.insertValues(ctx, p)
	case *planner.SelectPlan, *planner.PrintPlan:
		return Result{}, errStreamed(s)
	case *planner.NoopPlan:
		switch v := s.(type) {
		case *parser.DefineVariable:
			e.vars[v.Name] = v.Value
			return Result{Kind: "DEFINE_VARIABLE"}, nil
		case *parser.UndefineVariable:
			delete(e.vars, v.Name)
			return Result{Kind: "UNDEFINE_VARIABLE"}, nil
		}
		return Result{Kind: "NOOP", Message: p.Message}, nil
	}
	return Result{}, rqlerr.New(rqlerr.StmtInvalidProps,
		"statement not supported by the Kafka engine yet (%T): %s", plan, s.SQL())
}

// drop removes a source, stopping the queries writing it, and deletes its
// topic for DELETE TOPIC.
func (e *Engine) drop(ctx context.Context, p *planner.DropPlan) (Result, error) {
	if p.Kind == parser.DropType {
		if !p.Noop {
			e.cat.DropType(p.Name)
		}
		return Result{Kind: "DROP_TYPE", Message: "Dropped type '" + p.Name + "'"}, nil
	}
	kind := "DROP_STREAM"
	if p.Kind == parser.DropTable {
		kind = "DROP_TABLE"
	}
	if p.Noop || p.Source == nil {
		return Result{Kind: kind, Message: "Source " + p.Name + " does not exist."}, nil
	}
	for _, id := range e.cat.QueriesWriting(p.Name) {
		e.terminateQueryLocked(ctx, id)
		e.cat.RemoveQuery(id)
	}
	e.cat.DropSource(p.Name)
	if p.DeleteTopic {
		if err := e.admin.DeleteTopics(ctx, p.Source.Topic); err != nil && rqlerr.CodeOf(err) != rqlerr.KafkaTopicMissing {
			return Result{}, err
		}
		delete(e.parts, p.Source.Topic)
	}
	return Result{Kind: kind, Message: "Source `" + p.Name + "` (topic: " + p.Source.Topic + ") was dropped."}, nil
}

// show lists catalog objects the engine knows about (streams, tables,
// queries with their state, topics, functions, properties, custom types,
// variables).
func (e *Engine) show(ctx context.Context, p *planner.ShowPlan) (Result, error) {
	switch p.What {
	case parser.ShowStreams, parser.ShowTables:
		want, kind, name := parser.KindStream, "SHOW_STREAMS", "Stream Name"
		if p.What == parser.ShowTables {
			want, kind, name = parser.KindTable, "SHOW_TABLES", "Table Name"
		}
		res := Result{Kind: kind, Columns: []string{name, "Kafka Topic", "Key Format", "Value Format", "Windowed"}}
		srcs := e.cat.Sources()
		sort.Slice(srcs, func(i, j int) bool { return srcs[i].Name < srcs[j].Name })
		for _, s := range srcs {
			if s.Kind == want {
				res.Rows = append(res.Rows, []string{s.Name, s.Topic, s.KeyFormat, s.ValueFormat, strconv.FormatBool(s.Window != nil)})
			}
		}
		return res, nil
	case parser.ShowQueries: // show_runtime.go
		return e.showQueries(), nil
	case parser.ShowTopics:
		if p.Extended {
			return e.showTopicsExtended(ctx)
		}
		names, err := e.admin.ListTopics(ctx)
		if err != nil {
			return Result{}, err
		}
		res := Result{Kind: "SHOW_TOPICS", Columns: []string{"Kafka Topic", "Partitions", "Partition Replicas"}}
		infos, err := e.admin.DescribeTopics(ctx, names...)
		if err != nil {
			return Result{}, err
		}
		for _, ti := range infos {
			res.Rows = append(res.Rows, []string{ti.Name, strconv.Itoa(ti.Partitions), strconv.Itoa(ti.Replication)})
		}
		return res, nil
	case parser.ShowFunctions:
		return showFunctions(e.reg), nil
	case parser.ShowProperties:
		res := Result{Kind: "SHOW_PROPERTIES", Columns: []string{"Property", "Value"}}
		keys := make([]string, 0, len(e.cat.Props))
		for k := range e.cat.Props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			res.Rows = append(res.Rows, []string{k, e.cat.Props[k]})
		}
		return res, nil
	case parser.ShowTypes:
		return driver.ShowTypes(e.cat), nil
	case parser.ShowVariables:
		return driver.ShowVariables(e.vars), nil
	}
	return Result{}, rqlerr.New(rqlerr.StmtInvalidProps, "SHOW of this kind is not supported by the Kafka engine yet")
}
