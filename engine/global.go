package engine

import (
	"context"
	"path/filepath"
	"sync"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/exec/build"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/state"
)

// Global tables on the Kafka runtime (see doc.go, "Joins"). A query that
// joins global tables keeps, per engine (member), one replica of each:
// a reader of every partition of the table's topic — no consumer group,
// read_committed — feeds a store in <state-dir>/<service>/<query>/global.
// When the query starts, the reader reads the topic to its end before any
// task processes a record (Kafka Streams' global store bootstrap); then
// it follows the topic on a goroutine of its own, and the query applies
// what it read between two fetches of its input. The store has no
// changelog: the topic itself is the source of truth, and the store is
// rebuilt from its beginning at every start. Every task of the query reads
// the same store (through stateView), so the table costs its size once
// per member, not once per task.
//
// A global table is not time-synchronized with the stream: a stream record
// joins the table as the member has read it when the record is processed.

// globalTables is a query's replica of its global tables.
type globalTables struct {
	q      *query
	db     *state.DB
	tables map[string]bool // store names
	feeds  []*globalFeed
	wg     sync.WaitGroup
	cancel context.CancelFunc
}

// globalFeed is one global table: its reader, and the operator that
// applies its records to the store.
type globalFeed struct {
	join  *planner.Join
	topic string
	pipe  *exec.Pipeline
	r     *kafka.Reader
	ch    chan []*kafka.Record
	errc  chan error
}

// newGlobalTables returns the replica of q's global tables (nil when it
// joins none).
func newGlobalTables(q *query) *globalTables {
	var g *globalTables
	for _, sub := range q.topo.subs {
		for _, j := range sub.globals {
			if g == nil {
				g = &globalTables{q: q, tables: map[string]bool{}}
			}
			if g.tables[j.RightStore] {
				continue
			}
			g.tables[j.RightStore] = true
			g.feeds = append(g.feeds, &globalFeed{join: j, topic: j.Right.(*planner.Scan).Source.Topic})
		}
	}
	return g
}

// stateView is the store a task of sub sees: its transactional state,
// with the global tables it joins read from the query's replica.
func (q *query) stateView(sub *subTopology, txn *state.Txn) state.Store {
	if len(sub.globals) == 0 || q.glob == nil {
		return txn
	}
	return &globalView{Txn: txn, g: q.glob}
}

// start opens the store and reads every global table to the end of its
// topic, then starts following them.
func (g *globalTables) start(ctx context.Context) error {
	if g == nil {
		return nil
	}
	q := g.q
	dir := filepath.Join(q.e.queryStateDir(q.id), "global")
	if err := state.DestroyDir(dir); err != nil {
		return err
	}
	db, err := state.Open(dir, state.Options{})
	if err != nil {
		return err
	}
	g.db = db
	gctx, cancel := context.WithCancel(ctx)
	g.cancel = cancel
	for _, f := range g.feeds {
		began := time.Now()
		plan := &planner.QueryPlan{ID: q.id, Kind: q.topo.subs[0].plan.Kind, Root: f.join}
		f.pipe, err = build.Build(ctx, plan, build.Options{Registry: q.e.reg, Props: q.props, State: db,
			Log: func(en exec.LogEntry) { g.logEntry(en) }})
		if err != nil {
			return err
		}
		f.r, err = kafka.NewReader(ctx, f.topic, append(q.e.clientOpts(), kafka.FromBeginning(),
			kafka.PollWait(50*time.Millisecond), kafka.MaxPollRecords(10000))...)
		if err != nil {
			return err
		}
		ends, err := f.r.Ends(ctx)
		if err != nil {
			return err
		}
		n := 0
		for {
			done, err := f.r.CaughtUp(ends)
			if err != nil {
				return err
			}
			if done {
				break
			}
			fe, err := f.r.Poll(ctx)
			if err != nil {
				return err
			}
			if err := g.apply(ctx, f, fe.Records); err != nil {
				return err
			}
			n += len(fe.Records)
		}
		q.e.log.Info("global table ready", "query", q.id, "topic", f.topic, "records", n,
			"took", time.Since(began).Round(time.Millisecond))
		f.ch, f.errc = make(chan []*kafka.Record, 16), make(chan error, 1)
		g.wg.Add(1)
		go f.follow(gctx, &g.wg)
	}
	return nil
}

// follow reads the topic on, handing fetches to the query goroutine.
func (f *globalFeed) follow(ctx context.Context, wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		fe, err := f.r.Poll(ctx)
		if err != nil {
			if ctx.Err() == nil {
				f.errc <- err
			}
			return
		}
		if len(fe.Records) == 0 {
			continue
		}
		select {
		case f.ch <- fe.Records:
		case <-ctx.Done():
			return
		}
	}
}

// follow applies what the readers read since the last call (on the query
// goroutine, between fetches: no task is processing).
func (g *globalTables) follow(ctx context.Context) error {
	if g == nil {
		return nil
	}
	for _, f := range g.feeds {
		for more := true; more; {
			select {
			case recs := <-f.ch:
				if err := g.apply(ctx, f, recs); err != nil {
					return err
				}
			case err := <-f.errc:
				return err
			default:
				more = false
			}
		}
	}
	return nil
}

// apply upserts records of a global table's topic into the store.
func (g *globalTables) apply(ctx context.Context, f *globalFeed, recs []*kafka.Record) error {
	if len(recs) == 0 {
		return nil
	}
	in := make([]exec.Record, len(recs))
	w := f.join.Right.(*planner.Scan).Source.Window
	for i, r := range recs {
		in[i] = toExecWindowed(r, false, w)
	}
	return f.pipe.Push(ctx, f.topic, in)
}

// logEntry reports a global table record that could not be read (to the
// engine's log and, within the open cycle, the processing log).
func (g *globalTables) logEntry(en exec.LogEntry) {
	q := g.q
	q.perrors.Add(1)
	q.out = append(q.out, q.e.plog.record(en))
	q.e.log.Warn("processing error", "query", en.QueryID, "topic", en.Topic, "partition", en.Partition,
		"offset", en.Offset, "reason", en.Reason)
}

// close stops the readers and closes the store.
func (g *globalTables) close() {
	if g == nil {
		return
	}
	if g.cancel != nil {
		g.cancel()
	}
	g.wg.Wait()
	for _, f := range g.feeds {
		if f.pipe != nil {
			_ = f.pipe.Close(context.Background())
		}
		if f.r != nil {
			f.r.Close()
		}
	}
	if g.db != nil {
		_ = g.db.Close()
	}
}

// globalView is a task's store: its transaction, except for the global
// tables, read from the query's replica (never written by tasks).
type globalView struct {
	*state.Txn
	g *globalTables
}

func (v *globalView) global(table string) bool { return v.g.tables[table] && v.g.db != nil }

func (v *globalView) Get(table string, key, dst []byte) ([]byte, bool, error) {
	if v.global(table) {
		return v.g.db.Get(table, key, dst)
	}
	return v.Txn.Get(table, key, dst)
}

func (v *globalView) GetThrough(b *state.Batch, table string, key, dst []byte) ([]byte, bool, error) {
	if v.global(table) {
		return v.g.db.Get(table, key, dst)
	}
	return v.Txn.GetThrough(b, table, key, dst)
}

func (v *globalView) Range(table string, lo, hi []byte) state.Iterator {
	if v.global(table) {
		return v.g.db.Range(table, lo, hi)
	}
	return v.Txn.Range(table, lo, hi)
}

func (v *globalView) Reverse(table string, lo, hi []byte) state.Iterator {
	if v.global(table) {
		return v.g.db.Reverse(table, lo, hi)
	}
	return v.Txn.Reverse(table, lo, hi)
}

func (v *globalView) Prefix(table string, prefix []byte) state.Iterator {
	if v.global(table) {
		return v.g.db.Prefix(table, prefix)
	}
	return v.Txn.Prefix(table, prefix)
}
