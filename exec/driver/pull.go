package driver

import (
	"context"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/exec/build"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
)

// Pull queries in the driver. Tables are queryable when their rows are in
// the driver's state store:
//
//   - a CREATE TABLE AS SELECT that aggregates: the aggregation's state;
//   - any other CREATE TABLE AS SELECT: the query runs with a Materialize
//     before its sink (planner.MaterializeQuery);
//   - a CREATE SOURCE TABLE: an internal query (planner.MaterializeSourceTable,
//     id CST_<name>, not listed by SHOW QUERIES) materializes its topic.
//
// A pull query on a stream reads the records its topic holds now.

// runPull answers a pull query.
func (d *Driver) runPull(ctx context.Context, p *planner.PullPlan) (Result, error) {
	if p.Stream != nil {
		return d.runSelect(ctx, p.Stream)
	}
	res := Result{Kind: "QUERY"}
	for _, c := range p.Out.Columns {
		res.Columns = append(res.Columns, c.Name)
	}
	st, err := d.store()
	if err != nil {
		return Result{}, err
	}
	rows, err := exec.Pull(ctx, p, st, d.props())
	if err != nil {
		return Result{}, err
	}
	res.Values = rows
	if res.Values == nil {
		res.Values = [][]sqltypes.Value{}
	}
	for _, vals := range rows {
		text := make([]string, len(vals))
		for i, v := range vals {
			text[i] = valueText(v, p.Out.Columns[i].Type)
		}
		res.Rows = append(res.Rows, text)
	}
	return res, nil
}

// materializeSourceTable starts the internal query that keeps a CREATE
// SOURCE TABLE's rows in state (nothing for other sources).
func (d *Driver) materializeSourceTable(ctx context.Context, src *planner.Source) error {
	q := planner.MaterializeSourceTable(src)
	if q == nil {
		return nil
	}
	d.stopQuery(q.ID)
	st, err := d.store()
	if err != nil {
		return err
	}
	pipe, err := build.Build(ctx, q, build.Options{Registry: d.reg, Props: d.propsSnapshot(), Log: d.logEntry, State: st})
	if err != nil {
		return err
	}
	run := &running{id: q.ID, pipe: pipe}
	for _, in := range pipe.Inputs {
		run.topics = append(run.topics, in.Topic)
	}
	d.queries = append(d.queries, run)
	return d.replay(ctx, pipe, run.topics)
}
