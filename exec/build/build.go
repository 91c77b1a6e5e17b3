package build

import (
	"context"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/state"
	"github.com/rql/rql/udf"
)

// Options configure Build.
type Options struct {
	Registry *udf.Registry
	// Props are the query's effective properties.
	Props map[string]string
	// Emit receives the records a persistent query's sink produces.
	Emit exec.RecordSink
	// Rows receives the rows of a transient query's projection.
	Rows exec.Collector
	// Log receives processing-log entries.
	Log func(exec.LogEntry)
	// State is the store of the stateful operators (required when the plan
	// aggregates).
	State state.Store
	// QueryID overrides q.ID as the operators' query id (transient
	// queries get a unique one, which names their state tables).
	QueryID string
	// DeadLetters receives ENRICH's dead letters (on_failure='dlq'); nil:
	// Emit.
	DeadLetters exec.RecordSink
}

// Build wires the operators of q. The returned pipeline is initialized.
func Build(ctx context.Context, q *planner.QueryPlan, o Options) (*exec.Pipeline, error) {
	id := q.ID
	if o.QueryID != "" {
		id = o.QueryID
	}
	env := &exec.Env{QueryID: id, Props: o.Props, Log: o.Log, State: o.State,
		Transient: q.Kind == planner.QueryTransient}
	p := &exec.Pipeline{QueryID: q.ID, Env: env}
	b := &builder{o: o, p: p}
	var out exec.Collector = o.Rows
	if out == nil {
		out = exec.Discard{}
	}
	if err := b.node(q.Root, out); err != nil {
		return nil, err
	}
	if len(p.Inputs) > 0 {
		env.SourceTopic = p.Inputs[0].Topic
	}
	if err := p.Init(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

type builder struct {
	o Options
	p *exec.Pipeline
}

// node builds n so that its output goes to out.
func (b *builder) node(n planner.Node, out exec.Collector) error {
	props := b.o.Props
	var op exec.Operator
	var err error
	switch x := n.(type) {
	case *planner.Scan:
		src, err := exec.NewSource(x, b.tsParser(x.Source.TimestampFormat))
		if err != nil {
			return err
		}
		b.p.Ops = append(b.p.Ops, src)
		b.p.Inputs = append(b.p.Inputs, &exec.Input{Topic: x.Source.Topic, Source: src, Next: out})
		return nil
	case *planner.Filter:
		op, err = exec.NewFilter(x, props)
	case *planner.FlatMap:
		op, err = exec.NewFlatMap(x, props)
	case *planner.Rekey:
		op, err = exec.NewRekey(x, props)
	case *planner.Project:
		op, err = exec.NewProject(x, props)
	case *planner.Aggregate:
		op, err = exec.NewAggregate(x, props)
	case *exec.GroupChangesNode: // a table re-grouping split by a partitioned runtime
		op, err = exec.NewGroupChanges(x, props)
	case *exec.ApplyChangesNode:
		op, err = exec.NewApplyChanges(x, props)
	case *planner.Repartition:
		op = exec.NewRepartition(x)
	case *planner.Materialize:
		op = exec.NewMaterialize(x)
	case *planner.Enrich:
		op, err = b.enrich(x, out)
	case *planner.Join:
		op, err = buildJoin(x, props)
	case *planner.Sink:
		emit := b.o.Emit
		if emit == nil {
			return rqlerr.Bug("sink without a record sink")
		}
		op, err = exec.NewSink(x, emit, b.tsParser(x.Target.TimestampFormat))
	default:
		return rqlerr.Bug("cannot build %T", n)
	}
	if err != nil {
		return err
	}
	b.p.Ops = append(b.p.Ops, op)
	for i, c := range n.Children() {
		if err := b.node(c, &exec.Chain{Op: op, Next: out, Input: i}); err != nil {
			return err
		}
	}
	return nil
}

// tsParser returns a parser of STRING timestamps in the given
// TIMESTAMP_FORMAT, through the STRINGTOTIMESTAMP function.
func (b *builder) tsParser(format string) func(string) (int64, error) {
	if format == "" || b.o.Registry == nil {
		return nil
	}
	res, err := b.o.Registry.Resolve("STRINGTOTIMESTAMP", []udf.Arg{{Type: sqltypes.String}, {Type: sqltypes.String, Literal: true}})
	if err != nil || res.Variant == nil || res.Variant.Eval == nil {
		return nil
	}
	eval := res.Variant.Eval
	ec := &udf.EvalContext{Props: b.o.Props}
	return func(s string) (int64, error) {
		v, err := eval(ec, []sqltypes.Value{s, format})
		if err != nil {
			return 0, err
		}
		switch t := v.(type) {
		case int64:
			return t, nil
		case sqltypes.Timestamp:
			return int64(t), nil
		}
		return 0, rqlerr.New(rqlerr.ExecEval, "cannot parse timestamp %q with format %q", s, format)
	}
}
