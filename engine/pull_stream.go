package engine

import (
	"context"
	"errors"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/exec/build"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// pullStreamBatch is how many records a stream pull query hands the
// operators at once.
const pullStreamBatch = 512

// pullStream answers a pull query on a stream (ksqlDB's "pull queries on
// streams"): it takes the end offset of every partition of the stream's
// topic when it starts (the last stable offset: read_committed), reads each
// partition from its beginning up to that end with a kafka.PartitionReader
// (no consumer group, nothing committed), runs the records through the
// operators of p.Stream (deserialization, WHERE, projection) and hands the
// rows to out in partition order, then offset order, until LIMIT rows or
// the ends. Records produced after the start are not read. A record that
// fails to deserialize or evaluate is skipped and makes an entry of the
// processing-log topic (produced through the session's producer when the
// query ends), as in persistent queries.
func (s *Session) pullStream(ctx context.Context, p *planner.PullPlan, props map[string]string, out Output) (err error) {
	q := *p.Stream
	q.ID = transientID(q.Scans())
	scans := q.Scans()
	if len(scans) != 1 {
		return rqlerr.Bug("pull query on stream %s scans %d sources", p.Source.Name, len(scans))
	}
	topic := scans[0].Source.Topic
	window := sourceWindows(&q)[topic]

	rows := limitedRows(q.Limit, out)
	var logged []*kafka.Record
	lg := s.e.log
	store, closeState, err := transientState(&q)
	if err != nil {
		return err
	}
	defer closeState()
	pipe, err := build.Build(ctx, &q, build.Options{Registry: s.e.reg, Props: props, Rows: rows, State: store,
		QueryID: q.ID,
		Log: func(en exec.LogEntry) {
			logged = append(logged, s.e.plog.record(en))
			lg.Warn("processing error", "query", en.QueryID, "topic", en.Topic, "partition", en.Partition,
				"offset", en.Offset, "reason", en.Reason)
		}})
	if err != nil {
		return err
	}
	defer pipe.Close(context.WithoutCancel(ctx))
	// The processing-log entries go out however the query ends.
	defer func() {
		if len(logged) == 0 {
			return
		}
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), closeTimeout)
		defer cancel()
		if perr := s.logEntries(lctx, logged); err == nil {
			err = perr
		}
	}()

	infos, err := s.e.admin.DescribeTopics(ctx, topic)
	if err != nil {
		return err
	}
	if len(infos) == 0 || infos[0].Partitions == 0 {
		return rqlerr.New(rqlerr.KafkaTopicMissing, "topic %s of stream %s does not exist", topic, p.Source.Name)
	}
	r, err := kafka.NewPartitionReader(s.e.clientOpts()...)
	if err != nil {
		return err
	}
	defer r.Close()
	// Every end first: the query reads the topic as it was when it started.
	type span struct {
		part     int32
		from, to int64
	}
	spans := make([]span, 0, infos[0].Partitions)
	for part := range int32(infos[0].Partitions) {
		low, high, err := r.Offsets(ctx, topic, part)
		if err != nil {
			return err
		}
		spans = append(spans, span{part, low, high})
	}
	if out.Columns != nil {
		if err := out.Columns(append([]sqltypes.Column(nil), p.Out.Columns...)); err != nil {
			return err
		}
	}
	if q.Limit == 0 {
		return nil
	}
	batch := make([]exec.Record, 0, pullStreamBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := pipe.Push(ctx, topic, batch)
		clear(batch)
		batch = batch[:0]
		return err
	}
	for _, sp := range spans {
		_, err := r.Read(ctx, topic, sp.part, sp.from, sp.to, func(rec *kafka.Record) error {
			batch = append(batch, toExecWindowed(rec, false, "", window))
			if len(batch) < pullStreamBatch {
				return nil
			}
			return flush()
		})
		if err == nil {
			err = flush()
		}
		if errors.Is(err, errLimit) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// logEntries produces processing-log records through the session's
// producer.
func (s *Session) logEntries(ctx context.Context, recs []*kafka.Record) error {
	prod, err := s.producer()
	if err != nil {
		return err
	}
	return prod.Produce(ctx, recs...)
}
