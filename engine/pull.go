package engine

import (
	"context"
	"sync"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/state"
)

// Pull queries (SELECT ... FROM source [WHERE ...] [LIMIT n] without
// EMIT) on the Kafka runtime.
//
// Tables are answered from the state stores of the tasks of the
// persistent query that writes the table: the aggregation's state table of
// a CREATE TABLE ... AS SELECT ... GROUP BY, the Materialize table that
// startQuery adds before the sink of any other CREATE TABLE AS SELECT
// (planner.MaterializeQuery), or the Materialize table of the internal
// query CST_<name> that materializes a CREATE SOURCE TABLE (pull_source.go).
// Each task's database holds the keys of its partition. Only committed
// state is read (what the changelogs hold), never a cycle's pending
// writes.
//
// Several members: the partitions of the store are split among the
// members of the query's group. A pull query needs some partitions (the
// partition of each key of a key lookup when the runtime can compute it,
// else every partition); it reads those whose task is open here and asks
// the owners of the others, found by describing the group, for theirs
// (pull_route.go). A partition nobody can serve (restoring, rebalancing,
// owner gone) fails the query after a bounded wait: never a partial
// answer.
//
// Streams are answered by a bounded scan of the stream's topic, from the
// beginning of each partition to its end when the query starts
// (pull_stream.go); it reads the topic itself and sees every partition.

// pullStore is where a registered database belongs: the sub-topology of
// its task and the task's partition.
type pullStore struct {
	sub  *subTopology
	part int32
}

// pullStores are the open databases of a query's tasks, for pull queries:
// a task registers its database when created and unregisters it before
// closing it, which waits for the pull queries reading it.
type pullStores struct {
	mu  sync.RWMutex
	dbs map[*state.DB]pullStore
}

func (ps *pullStores) add(db *state.DB, sub *subTopology, part int32) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.dbs == nil {
		ps.dbs = map[*state.DB]pullStore{}
	}
	ps.dbs[db] = pullStore{sub: sub, part: part}
}

func (ps *pullStores) remove(db *state.DB) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	delete(ps.dbs, db)
}

// pull answers a pull query: columns, then the rows, through out. sql is
// the statement's text, forwarded to the members owning partitions this
// one does not.
func (s *Session) pull(ctx context.Context, sql string, p *planner.PullPlan, props map[string]string, out Output) error {
	if p.Stream != nil {
		return s.pullStream(ctx, p, props, out) // pull_stream.go
	}
	rows, err := s.e.pullTable(ctx, sql, p, props, nil)
	if err != nil {
		return err
	}
	return emitPull(p, rows, out)
}

// emitPull sends a table pull query's columns and rows to out.
func emitPull(p *planner.PullPlan, rows [][]sqltypes.Value, out Output) error {
	if out.Columns != nil {
		if err := out.Columns(append([]sqltypes.Column(nil), p.Out.Columns...)); err != nil {
			return err
		}
	}
	if out.Row == nil {
		return nil
	}
	for _, r := range rows {
		if err := out.Row(r); err != nil {
			return err
		}
	}
	return nil
}

// queryOf returns the running query that materializes p's table.
func (e *Engine) queryOf(p *planner.PullPlan) (*query, error) {
	if p.Store == nil {
		return nil, rqlerr.Bug("pull query on table %s has no store", p.Source.Name)
	}
	e.mu.Lock()
	q := e.queries[p.Store.QueryID]
	e.mu.Unlock()
	if q == nil {
		return nil, rqlerr.New(rqlerr.BindUnsupported,
			"table %s is not materialized by a query running on this rql instance (its query %s is not running here), so it cannot answer pull queries",
			p.Source.Name, p.Store.QueryID)
	}
	return q, nil
}

// pull runs p against the databases of sub's partitions in want (every
// registered database when sub is nil), keeping LIMIT overall. missing
// are the partitions of want without an open database here; rows are
// then those of the others.
func (ps *pullStores) pull(ctx context.Context, p *planner.PullPlan, props map[string]string, sub *subTopology, want []int32) (rows [][]sqltypes.Value, missing []int32, err error) {
	ps.mu.RLock()
	defer ps.mu.RUnlock()
	var dbs []*state.DB
	if sub == nil {
		for db := range ps.dbs {
			dbs = append(dbs, db)
		}
	} else {
		byPart := make(map[int32]*state.DB, len(ps.dbs))
		for db, at := range ps.dbs {
			if at.sub == sub {
				byPart[at.part] = db
			}
		}
		for _, part := range want {
			if db, ok := byPart[part]; ok {
				dbs = append(dbs, db)
			} else {
				missing = append(missing, part)
			}
		}
	}
	for _, db := range dbs {
		if p.Limit >= 0 && int64(len(rows)) >= p.Limit {
			break
		}
		r, err := exec.Pull(ctx, p, db, props)
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, r...)
	}
	if p.Limit >= 0 && int64(len(rows)) > p.Limit {
		rows = rows[:p.Limit]
	}
	return rows, missing, nil
}
