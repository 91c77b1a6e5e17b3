package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/exec/build"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/state"
)

// errLimit ends a push query that reached its LIMIT.
var errLimit = errors.New("limit reached")

// push runs a transient push query: the operators exec/build builds for
// the query, fed by one read_committed Reader per input topic (no consumer
// group, nothing committed) starting at the end of each partition, or at
// its beginning under auto.offset.reset=earliest. Rows go to out.Row as
// each polled batch is processed. over are Session.RunWith's properties
// (nil: the engine's); a pull query (a SELECT without EMIT) is answered by
// pull under the same.
func (s *Session) push(ctx context.Context, st *parser.SelectStmt, over map[string]string, out Output) error {
	plan, props, err := s.e.planSession(st, over, replaceProps)
	if err != nil {
		return err
	}
	if pp, ok := plan.(*planner.PullPlan); ok {
		return s.pull(ctx, st.SQL(), pp, props, out)
	}
	sp, ok := plan.(*planner.SelectPlan)
	if !ok {
		return rqlerr.Bug("SELECT planned as %T", plan)
	}
	qc, err := readQueryConfig(props)
	if err != nil {
		return err
	}
	q := *sp.Query
	q.ID = transientID(q.Scans())
	schema := q.Root.Schema()
	cols := append([]sqltypes.Column(nil), schema.Columns...)

	rows := limitedRows(q.Limit, out)
	lg := s.e.log
	store, closeState, err := transientState(&q)
	if err != nil {
		return err
	}
	defer closeState()
	pipe, err := build.Build(ctx, &q, build.Options{Registry: s.e.reg, Props: props, Rows: rows, State: store,
		QueryID: q.ID,
		Log: func(en exec.LogEntry) {
			lg.Warn("processing error", "query", en.QueryID, "topic", en.Topic, "partition", en.Partition,
				"offset", en.Offset, "reason", en.Reason)
		}})
	if err != nil {
		return err
	}
	defer pipe.Close(context.WithoutCancel(ctx))

	readers, err := s.e.openReaders(ctx, pipe.Inputs, qc.reset == "earliest")
	if err != nil {
		return err
	}
	defer func() {
		for _, r := range readers {
			r.Close()
		}
	}()
	if out.Columns != nil {
		if err := out.Columns(cols); err != nil {
			return err
		}
	}
	if q.Limit == 0 {
		return nil
	}
	return pollInto(ctx, readers, sourceWindows(&q), func(topic string, recs []exec.Record) error {
		err := pipe.Push(ctx, topic, recs)
		if errors.Is(err, errLimit) {
			return errLimit
		}
		return err
	})
}

// transientState opens a state store for a push query with stateful
// operators (aggregations): a RocksDB database in a temporary directory,
// removed when the query ends. Stateless queries get none.
func transientState(q *planner.QueryPlan) (state.Store, func(), error) {
	if !hasAggregate(q.Root) {
		return nil, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "rql-transient-")
	if err != nil {
		return nil, nil, rqlerr.New(rqlerr.StateIO, "cannot create a push query's state directory: %v", err)
	}
	db, err := state.Open(dir, state.Options{DisableWAL: true})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, nil, err
	}
	return db, func() {
		_ = db.Close()
		_ = os.RemoveAll(dir)
	}, nil
}

func hasAggregate(n planner.Node) bool {
	if _, ok := n.(*planner.Aggregate); ok {
		return true
	}
	for _, c := range n.Children() {
		if hasAggregate(c) {
			return true
		}
	}
	return false
}

// openReaders opens a Reader per distinct input topic of a pipeline.
func (e *Engine) openReaders(ctx context.Context, inputs []*exec.Input, fromBeginning bool) ([]*kafka.Reader, error) {
	seen := map[string]bool{}
	var topics []string
	for _, in := range inputs {
		if !seen[in.Topic] {
			seen[in.Topic] = true
			topics = append(topics, in.Topic)
		}
	}
	wait := 100 * time.Millisecond
	if len(topics) > 1 {
		wait = 20 * time.Millisecond
	}
	opts := append(e.clientOpts(), kafka.PollWait(wait))
	if fromBeginning {
		opts = append(opts, kafka.FromBeginning())
	}
	var readers []*kafka.Reader
	for _, t := range topics {
		r, err := kafka.NewReader(ctx, t, opts...)
		if err != nil {
			for _, r := range readers {
				r.Close()
			}
			return nil, err
		}
		readers = append(readers, r)
	}
	return readers, nil
}

// pollInto polls readers in turn and hands their records, as exec
// records (with their window for the topics of windowed sources,
// windows), to push, until push returns errLimit (then nil), another error,
// or ctx ends (ctx's error). A partition error other than a retriable one
// (librdkafka retries those itself) ends the query.
func pollInto(ctx context.Context, readers []*kafka.Reader, windows map[string]*parser.Window, push func(topic string, recs []exec.Record) error) error {
	for {
		for _, r := range readers {
			f, err := r.Poll(ctx)
			if err != nil {
				return err
			}
			for _, fe := range f.Errors {
				if rqlerr.CodeOf(fe.Err) != rqlerr.KafkaRetriable {
					return fe.Err
				}
			}
			if len(f.Records) == 0 {
				continue
			}
			byTopic := map[string][]exec.Record{}
			var order []string
			for _, rec := range f.Records {
				if _, ok := byTopic[rec.Topic]; !ok {
					order = append(order, rec.Topic)
				}
				byTopic[rec.Topic] = append(byTopic[rec.Topic], toExecWindowed(rec, false, "", windows[rec.Topic]))
			}
			for _, t := range order {
				if err := push(t, byTopic[t]); err != nil {
					if errors.Is(err, errLimit) {
						return nil
					}
					return err
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// transientID names a transient query as ksqlDB does:
// transient_<SOURCE>_<random>.
func transientID(scans []*planner.Scan) string {
	name := "QUERY"
	if len(scans) > 0 {
		name = strings.ToUpper(scans[0].Source.Name)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "transient_" + name + "_" + hex.EncodeToString(b[:])
}

// limitedRows is the sink of a transient query: it hands each row (a
// copy) to out.Row and ends the query with errLimit once limit rows went
// out (limit < 0: no limit).
func limitedRows(limit int64, out Output) exec.CollectFunc {
	sent := int64(0)
	return exec.CollectFunc(func(_ context.Context, b *exec.Batch) error {
		for _, r := range b.Rows {
			if limit >= 0 && sent >= limit {
				return errLimit
			}
			sent++
			if out.Row != nil {
				if err := out.Row(append([]sqltypes.Value(nil), r.Vals...)); err != nil {
					return err
				}
			}
		}
		if limit >= 0 && sent >= limit {
			return errLimit
		}
		return nil
	})
}
