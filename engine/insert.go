package engine

import (
	"context"
	"errors"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// insert runs INSERT INTO ... VALUES through the session's producer,
// under Session.RunWith's properties over (nil: the engine's).
func (s *Session) insert(ctx context.Context, st *parser.InsertValues, over map[string]string) (Result, error) {
	plan, props, err := s.e.planSession(st, over, replaceProps)
	if err != nil {
		return Result{}, err
	}
	p, ok := plan.(*planner.InsertValuesPlan)
	if !ok {
		return Result{}, rqlerr.Bug("INSERT VALUES planned as %T", plan)
	}
	recs, err := valuesRecords(ctx, p, props, time.Now())
	if err != nil {
		return Result{}, err
	}
	s.e.mu.Lock()
	err = s.e.placeRecords(ctx, recs)
	s.e.mu.Unlock()
	if err != nil {
		return Result{}, err
	}
	prod, err := s.producer()
	if err != nil {
		return Result{}, err
	}
	if err := prod.Produce(ctx, recs...); err != nil {
		return Result{}, insertError(p, err)
	}
	return Result{Kind: "INSERT_VALUES"}, nil
}

// insertValues runs INSERT INTO ... VALUES for Engine.Execute, through a
// producer of its own (a Session keeps one across statements); e.mu is
// held.
func (e *Engine) insertValues(ctx context.Context, p *planner.InsertValuesPlan) (Result, error) {
	recs, err := valuesRecords(ctx, p, e.cat.Props, time.Now())
	if err != nil {
		return Result{}, err
	}
	if err := e.placeRecords(ctx, recs); err != nil {
		return Result{}, err
	}
	prod, err := kafka.NewProducer(e.clientOpts()...)
	if err != nil {
		return Result{}, err
	}
	defer prod.Close(ctx)
	if err := prod.Produce(ctx, recs...); err != nil {
		return Result{}, insertError(p, err)
	}
	return Result{Kind: "INSERT_VALUES"}, nil
}

func insertError(p *planner.InsertValuesPlan, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	code := rqlerr.CodeOf(err)
	if code == "" {
		code = rqlerr.KafkaDelivery
	}
	return rqlerr.Wrap(code, err, "Failed to insert values into '%s'", p.Target.Name)
}

// valuesRecords evaluates the constant row of an INSERT VALUES and
// serializes it with the target's key and value formats (as a persistent
// query's sink would), stamped with ROWTIME, the TIMESTAMP column or now.
func valuesRecords(ctx context.Context, p *planner.InsertValuesPlan, props map[string]string, now time.Time) ([]*kafka.Record, error) {
	var empty exec.Row
	row := exec.Row{Vals: make([]sqltypes.Value, len(p.Target.Schema.Columns)), Rowtime: now.UnixMilli()}
	for i, x := range p.Exprs {
		if x == nil {
			continue
		}
		v, err := evalConst(x, props, &empty)
		if err != nil {
			return nil, err
		}
		row.Vals[i] = v
	}
	if p.Rowtime != nil {
		v, err := evalConst(p.Rowtime, props, &empty)
		if err != nil {
			return nil, err
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
		return nil, err
	}
	var logged []exec.LogEntry
	if err := sink.Init(ctx, &exec.Env{Props: props, Log: func(e exec.LogEntry) { logged = append(logged, e) }}); err != nil {
		return nil, err
	}
	if err := sink.Process(ctx, 0, &exec.Batch{Rows: []exec.Row{row}}, exec.Discard{}); err != nil {
		return nil, err
	}
	if len(logged) > 0 {
		return nil, rqlerr.New(rqlerr.FormatSerialize, "Failed to insert values into '%s'. %s", p.Target.Name, logged[0].Reason)
	}
	out := make([]*kafka.Record, 0, len(produced))
	for _, r := range produced {
		rec := &kafka.Record{Topic: r.Topic, Partition: -1, Key: r.Key, Value: r.Value, Timestamp: time.UnixMilli(r.Timestamp)}
		for _, h := range r.Headers {
			rec.Headers = append(rec.Headers, kafka.Header{Key: h.Key, Value: h.Value})
		}
		out = append(out, rec)
	}
	return out, nil
}

// placeRecords sets the partition of keyed records as Kafka's default
// partitioner (and the runtime) chooses it, murmur2 of the serialized key;
// records with a null key are left to the client; e.mu is held.
func (e *Engine) placeRecords(ctx context.Context, recs []*kafka.Record) error {
	for _, r := range recs {
		if r.Key == nil {
			continue
		}
		n, err := e.topicPartitions(ctx, r.Topic)
		if err != nil {
			return err
		}
		if n == 0 {
			return rqlerr.New(rqlerr.KafkaTopicMissing, "Topic '%s' does not exist", r.Topic)
		}
		r.Partition = partitionFor(r.Key, n)
	}
	return nil
}

// evalConst evaluates an expression of an INSERT VALUES row.
func evalConst(x planner.Expr, props map[string]string, row *exec.Row) (sqltypes.Value, error) {
	ev, err := exec.Compile(x, props)
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
