package engine

import (
	"context"
	"path/filepath"
	"strconv"
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
// changelog: the topic itself is the source of truth. With every fetch it
// applies, the store records, in the same database, the next offset of
// each partition (a checkpoint); a restart reads on from the checkpoint
// when it lies within every partition's offsets, else it drops the table
// and reads the topic from its beginning. Re-reading records after a crash
// between a fetch's writes and its checkpoint is harmless: the table is
// the last value per key, and the replay ends in the same state. Every task of the query reads
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
	// ckpt is the next offset of each partition applied to the store
	// (stored under ckptName(store, partition) with every fetch).
	ckpt state.Offsets
}

func (f *globalFeed) ckptName(p int32) string {
	return "global/" + f.join.RightStore + "/" + strconv.Itoa(int(p))
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
	db, err := state.Open(dir, state.Options{})
	if err != nil {
		return err
	}
	g.db = db
	gctx, cancel := context.WithCancel(ctx)
	g.cancel = cancel
	for _, f := range g.feeds {
		began := time.Now()
		from, err := g.checkpoint(ctx, f)
		if err != nil {
			return err
		}
		plan := &planner.QueryPlan{ID: q.id, Kind: q.topo.subs[0].plan.Kind, Root: f.join}
		f.pipe, err = build.Build(ctx, plan, build.Options{Registry: q.e.reg, Props: q.props, State: db,
			Log: func(en exec.LogEntry) { g.logEntry(en) }})
		if err != nil {
			return err
		}
		f.r, err = kafka.NewReader(ctx, f.topic, append(q.e.clientOpts(), kafka.FromBeginning(),
			kafka.StartOffsets(from), kafka.PollWait(50*time.Millisecond), kafka.MaxPollRecords(10000))...)
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
		// Partitions without records since the checkpoint keep theirs; an
		// empty one is checkpointed at its end.
		pos, err := f.r.Positions()
		if err != nil {
			return err
		}
		for p, off := range pos {
			if name := f.ckptName(p); off > f.ckpt[name] {
				f.ckpt[name] = off
			}
		}
		if err := db.Commit(nil, f.ckpt); err != nil {
			return err
		}
		q.e.log.Info("global table ready", "query", q.id, "topic", f.topic, "records", n,
			"from-checkpoint", from != nil, "took", time.Since(began).Round(time.Millisecond))
		f.ch, f.errc = make(chan []*kafka.Record, 16), make(chan error, 1)
		g.wg.Add(1)
		go f.follow(gctx, &g.wg)
	}
	return nil
}

// checkpoint returns where to read f's topic from: the stored checkpoint
// when it lies within every partition's offsets (f.ckpt then holds it),
// else nil after dropping f's table (read from the beginning).
func (g *globalTables) checkpoint(ctx context.Context, f *globalFeed) (map[int32]int64, error) {
	q := g.q
	f.ckpt = state.Offsets{}
	stored, err := g.db.Offsets()
	if err != nil {
		return nil, err
	}
	n, err := q.e.topicPartitions(ctx, f.topic)
	if err != nil {
		return nil, err
	}
	r, err := q.restoreReader()
	if err != nil {
		return nil, err
	}
	from := make(map[int32]int64, n)
	lows := make(map[int32]int64, n)
	seen := false
	for p := int32(0); p < int32(n); p++ {
		off, ok := stored[f.ckptName(p)]
		seen = seen || ok
		low, high, err := r.Offsets(ctx, f.topic, p)
		if err != nil {
			return nil, err
		}
		lows[p] = low
		if !ok || off < low || off > high {
			from = nil
			continue
		}
		if from != nil {
			from[p] = off
		}
	}
	if from != nil {
		for p, off := range from {
			f.ckpt[f.ckptName(p)] = off
		}
		return from, nil
	}
	for p, low := range lows {
		f.ckpt[f.ckptName(p)] = low // reading from the beginning
	}
	if seen {
		q.e.log.Info("global table checkpoint invalid, reading the topic from the beginning",
			"query", q.id, "topic", f.topic)
	}
	return nil, g.db.DropTable(f.join.RightStore)
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
		in[i] = toExecWindowed(r, false, "", w)
	}
	if err := f.pipe.Push(ctx, f.topic, in); err != nil {
		return err
	}
	// Records come in runs per partition: one name per run.
	for i := 0; i < len(recs); {
		j := i + 1
		for j < len(recs) && recs[j].Partition == recs[i].Partition {
			j++
		}
		f.ckpt[f.ckptName(recs[i].Partition)] = recs[j-1].Offset + 1
		i = j
	}
	return g.db.Commit(nil, f.ckpt)
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
