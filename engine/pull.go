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
// Tables are answered from the state stores of the local tasks of the
// persistent query that writes the table: the aggregation's state table of
// a CREATE TABLE ... AS SELECT ... GROUP BY, the Materialize table that
// startQuery adds before the sink of any other CREATE TABLE AS SELECT
// (planner.MaterializeQuery), or the Materialize table of the internal
// query CST_<name> that materializes a CREATE SOURCE TABLE (pull_source.go).
// Each task's database holds the keys of its partition: a key lookup reads
// every local database (the key is in one), a range or a scan concatenates
// them, LIMIT applies overall. Only committed state is read (what the
// changelogs hold), never a cycle's pending writes; a query still catching
// up (or restoring) answers with what it has materialized so far.
//
// Streams are answered by a bounded scan of the stream's topic, from the
// beginning of each partition to its end when the query starts
// (pull_stream.go).
//
// Single instance: with several members in the service, a pull query on a
// table sees the partitions of the member it runs on only (a key whose
// partition another member owns is not found, a scan misses those
// partitions). Routing key lookups to the member owning the key's
// partition, and fanning scans out, as ksqlDB does with its host info, is
// not done. Stream pull queries read the topic itself and see every
// partition.

// pullStores are the open databases of a query's tasks, for pull queries:
// a task registers its database when created and unregisters it before
// closing it, which waits for the pull queries reading it.
type pullStores struct {
	mu  sync.RWMutex
	dbs map[*state.DB]struct{}
}

func (ps *pullStores) add(db *state.DB) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.dbs == nil {
		ps.dbs = map[*state.DB]struct{}{}
	}
	ps.dbs[db] = struct{}{}
}

func (ps *pullStores) remove(db *state.DB) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	delete(ps.dbs, db)
}

// pull answers a pull query: columns, then the rows, through out.
func (s *Session) pull(ctx context.Context, p *planner.PullPlan, props map[string]string, out Output) error {
	if p.Stream != nil {
		return s.pullStream(ctx, p, props, out) // pull_stream.go
	}
	if p.Store == nil {
		return rqlerr.Bug("pull query on table %s has no store", p.Source.Name)
	}
	s.e.mu.Lock()
	q := s.e.queries[p.Store.QueryID]
	s.e.mu.Unlock()
	if q == nil {
		return rqlerr.New(rqlerr.BindUnsupported,
			"table %s is not materialized by a query running on this rql instance (its query %s is not running here), so it cannot answer pull queries",
			p.Source.Name, p.Store.QueryID)
	}
	rows, err := q.stores.pull(ctx, p, props)
	if err != nil {
		return err
	}
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

// pull runs p against every registered database, keeping LIMIT overall.
func (ps *pullStores) pull(ctx context.Context, p *planner.PullPlan, props map[string]string) ([][]sqltypes.Value, error) {
	ps.mu.RLock()
	defer ps.mu.RUnlock()
	var rows [][]sqltypes.Value
	for db := range ps.dbs {
		if p.Limit >= 0 && int64(len(rows)) >= p.Limit {
			break
		}
		r, err := exec.Pull(ctx, p, db, props)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	if p.Limit >= 0 && int64(len(rows)) > p.Limit {
		rows = rows[:p.Limit]
	}
	return rows, nil
}
