package driver

import (
	"context"
	"errors"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// insertValues evaluates the constant row of an INSERT VALUES, serializes
// it with the target's formats and produces it.
func (d *Driver) insertValues(ctx context.Context, p *planner.InsertValuesPlan) error {
	var empty exec.Row
	row := exec.Row{Vals: make([]sqltypes.Value, len(p.Target.Schema.Columns)), Rowtime: d.opts.Now()}
	for i, e := range p.Exprs {
		if e == nil {
			continue
		}
		v, err := evalConst(e, d.props(), &empty)
		if err != nil {
			return err
		}
		row.Vals[i] = v
	}
	if p.Rowtime != nil {
		v, err := evalConst(p.Rowtime, d.props(), &empty)
		if err != nil {
			return err
		}
		if ts, ok := v.(int64); ok {
			row.Rowtime = ts
		}
	}
	ts := -1
	if p.Target.TimestampColumn != "" {
		ts = p.Target.Schema.Find(p.Target.TimestampColumn)
	}
	var produced []exec.Record
	sink, err := exec.NewSink(&planner.Sink{Target: p.Target, TimestampIndex: ts},
		exec.RecordSinkFunc(func(_ context.Context, r exec.Record) error {
			produced = append(produced, r)
			return nil
		}), nil)
	if err != nil {
		return err
	}
	var logged []exec.LogEntry
	if err := sink.Init(ctx, &exec.Env{Log: func(e exec.LogEntry) { logged = append(logged, e) }}); err != nil {
		return err
	}
	if err := sink.Process(ctx, 0, &exec.Batch{Rows: []exec.Row{row}}, exec.Discard{}); err != nil {
		return err
	}
	if len(logged) > 0 {
		return rqlerr.New(rqlerr.FormatSerialize, "Failed to insert values into '%s'. %s", p.Target.Name, logged[0].Reason)
	}
	for _, r := range produced {
		rec := Record{Topic: r.Topic, Key: r.Key, Value: r.Value, Timestamp: r.Timestamp}
		if err := d.Produce(ctx, rec); err != nil {
			return err
		}
	}
	return nil
}

func evalConst(e planner.Expr, props map[string]string, row *exec.Row) (sqltypes.Value, error) {
	ev, err := exec.Compile(e, props)
	if err != nil {
		return nil, err
	}
	v, err := ev.Eval(row)
	if err != nil {
		var re *rqlerr.Error
		if errors.As(err, &re) {
			return nil, rqlerr.Wrap(rqlerr.ExecEval, err, "Failed to insert values")
		}
		return nil, err
	}
	return v, nil
}
