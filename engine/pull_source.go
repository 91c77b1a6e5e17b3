package engine

import (
	"context"
	"time"

	"github.com/rql/rql/planner"
)

// Source tables (CREATE SOURCE TABLE) answer pull queries from an internal
// persistent query, planner.MaterializeSourceTable: Scan → Materialize,
// id planner.SourceTableQueryID(name) ("CST_<name>"), no sink. It runs as
// any stateful query does (startQuery): one task per partition of the
// table's topic, each with its RocksDB store and the store's changelog
// topic <service-id>-CST_<name>-Materialize-changelog, committed in the
// cycle's transaction; a restart of the engine with the same state dir
// and service id resumes it from its checkpoint. It is listed by SHOW
// QUERIES (sink: the table itself, which it never writes), ends with DROP
// TABLE only (TERMINATE refuses it and TERMINATE ALL skips it, as in
// ksqlDB), and DROP TABLE deletes its state and changelog.

// materializeSourceTable starts the internal query of a CREATE SOURCE
// TABLE (nothing for other sources); e.mu is held. The query always reads
// its topic from the beginning, whatever auto.offset.reset says: the table
// is every key the topic holds. The catalog lists it as writing the table
// (so DROP TABLE terminates it) and reading nothing (so that it does not
// keep DROP TABLE from running).
func (e *Engine) materializeSourceTable(ctx context.Context, sql string, src *planner.Source) error {
	q := planner.MaterializeSourceTable(src)
	if q == nil {
		return nil
	}
	cp := *q
	cp.Sources = nil
	// startQuery reads the offset reset from the session properties; the
	// statement runs under e.mu, so the override is seen by nothing else.
	const reset = "auto.offset.reset"
	old, had := e.cat.Props[reset]
	e.cat.Props[reset] = "earliest"
	defer func() {
		if had {
			e.cat.Props[reset] = old
		} else {
			delete(e.cat.Props, reset)
		}
	}()
	return e.startQuery(ctx, sql, src, &cp)
}

// deleteGroup deletes the consumer group of a terminated query (nothing
// for ""), as TERMINATE deletes its state and internal topics: a later
// query of the same id (a source table created again under its name —
// its id is the name alone —, or a CREATE ... AS SELECT numbered alike
// after a restart) must not resume from the old group's committed offsets
// with none of the state they assume. The member left the group when the
// query stopped; the broker may take a moment to see the group empty, so
// the deletion is retried for a few seconds. A failure is logged.
func (e *Engine) deleteGroup(ctx context.Context, group string) {
	if group == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		err := e.admin.DeleteGroups(ctx, group)
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			e.log.Warn("deleting the consumer group of a terminated query", "group", group, "error", err)
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}
