package driver

import (
	"context"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/exec/build"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// runSelect runs a transient push query over the records currently in its
// source topics and returns the rows (at most LIMIT).
func (d *Driver) runSelect(ctx context.Context, q *planner.QueryPlan) (Result, error) {
	schema := q.Root.Schema()
	res := Result{Kind: "QUERY"}
	for _, c := range schema.Columns {
		res.Columns = append(res.Columns, c.Name)
	}
	res.Values = [][]sqltypes.Value{}
	done := false
	rows := exec.CollectFunc(func(_ context.Context, b *exec.Batch) error {
		for _, r := range b.Rows {
			if done {
				return nil
			}
			vals := append([]sqltypes.Value(nil), r.Vals...)
			res.Values = append(res.Values, vals)
			text := make([]string, len(vals))
			for i, v := range vals {
				text[i] = valueText(v, schema.Columns[i].Type)
			}
			res.Rows = append(res.Rows, text)
			if q.Limit >= 0 && int64(len(res.Values)) >= q.Limit {
				done = true
			}
		}
		return nil
	})
	st, err := d.storeFor(q)
	if err != nil {
		return Result{}, err
	}
	pipe, err := build.Build(ctx, q, build.Options{Registry: d.reg, Props: d.props(), Rows: rows, Log: d.logEntry,
		State: st, QueryID: d.nextTransientID(), DeadLetters: d.emitter(nil)})
	if err != nil {
		return Result{}, err
	}
	defer pipe.Close(ctx)
	var topics []string
	for _, in := range pipe.Inputs {
		topics = append(topics, in.Topic)
	}
	for _, r := range d.pending(topics) {
		if done {
			break
		}
		if err := pipe.Push(ctx, r.Topic, []exec.Record{toExec(r)}); err != nil {
			return Result{}, err
		}
		if err := pipe.Drain(ctx); err != nil {
			return Result{}, err
		}
		if err := d.commitState(); err != nil {
			return Result{}, err
		}
	}
	return res, nil
}

func valueText(v sqltypes.Value, t *sqltypes.Type) string {
	if v == nil {
		return "null"
	}
	return udf.ValueText(v, t)
}
