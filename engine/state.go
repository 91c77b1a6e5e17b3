package engine

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/state"
)

// State of persistent queries (see doc.go, "State"): one RocksDB per task
// of a stateful sub-topology, in <state-dir>/<service-id>/<query-id>/<partition>,
// seen by the task's operators through a state.Txn; every state table has
// a compacted changelog topic <service-id>-<query-id>-<store>-changelog,
// partition p written by the task of partition p in the cycle's
// transaction.

// checkpointEvery is how often a task measures its changelogs' end offsets
// to advance the restore checkpoint (and at every graceful close).
const checkpointEvery = 2 * time.Second

// changelog is one state table of a stateful sub-topology and its topic.
// A window store purged by time (retention > 0: a stream-stream join's)
// drops whole segments with a range delete, which is no changelog record:
// its topic expires records by time too (cleanup.policy compact,delete).
type changelog struct {
	table     string
	topic     string
	retention int64
}

// changelogTopic names the changelog of table for query id: the store name
// is the table name without its leading "<query-id>-".
func (e *Engine) changelogTopic(id, table string) string {
	store := strings.TrimPrefix(table, id+"-")
	return e.opts.ServiceID + "-" + id + "-" + store + "-changelog"
}

// queryStateDir is where query id keeps its tasks' state.
func (e *Engine) queryStateDir(id string) string {
	return filepath.Join(e.opts.StateDir, e.opts.ServiceID, id)
}

// tableSpecs collects the state tables the operators of p declare
// (operators with state implement Tables).
func tableSpecs(p *exec.Pipeline) []state.TableSpec {
	type tabler interface{ Tables() []state.TableSpec }
	var out []state.TableSpec
	seen := map[string]bool{}
	for _, op := range p.Ops {
		if t, ok := op.(tabler); ok {
			for _, s := range t.Tables() {
				if !seen[s.Name] {
					seen[s.Name] = true
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// needsState reports whether plan n has stateful operators (the halves of
// a table re-grouping, exec.GroupChangesNode and exec.ApplyChangesNode,
// included).
func needsState(n planner.Node) bool {
	switch x := n.(type) {
	case *planner.Aggregate, *planner.Join, *planner.Materialize,
		*exec.GroupChangesNode, *exec.ApplyChangesNode:
		return true
	case *planner.Filter:
		if x.PassedStore != "" {
			return true
		}
	}
	for _, c := range n.Children() {
		if needsState(c) {
			return true
		}
	}
	return false
}

// taskState is the state of one task: its database, the transactional
// view its operators write through, and the restore checkpoint of each
// changelog partition (the offset of the first changelog record the
// database may not reflect).
type taskState struct {
	dir      string
	db       *state.DB
	txn      *state.Txn
	logs     []changelog
	byTable  map[string]string // table → changelog topic
	part     int32
	ckpt     state.Offsets // "topic/partition" → restore checkpoint
	measured time.Time
	restored int64 // changelog records read by the restore
}

func ckptName(topic string, p int32) string { return topic + "/" + strconv.Itoa(int(p)) }

// openTaskState opens (creating) the database of partition p of q's
// stateful sub-topology sub and restores it from the changelogs, reading
// them with r (nil: the query's reader, on the run goroutine only). (A
// query with joins may have several stateful sub-topologies, each with its
// own changelogs and directories; see subTopology.stateTag.) It touches
// nothing of q but read-only fields, the restore metrics and q.restored,
// so it may run on a goroutine of its own (restore.go).
func (q *query) openTaskState(ctx context.Context, sub *subTopology, p int32, r *kafka.PartitionReader) (*taskState, error) {
	logs := q.changelogs
	if q.topo.joins || sub.stateTag != "" || q.multiState {
		logs = sub.changelogs
	}
	dir := filepath.Join(q.e.queryStateDir(q.id), sub.stateTag+strconv.Itoa(int(p)))
	db, err := state.Open(dir, state.Options{})
	if err != nil {
		return nil, err
	}
	ts := &taskState{dir: dir, db: db, txn: state.NewTxn(db), logs: logs, part: p,
		byTable: map[string]string{}, ckpt: state.Offsets{}}
	for _, c := range logs {
		ts.byTable[c.table] = c.topic
	}
	if err := q.restore(ctx, ts, r); err != nil {
		_ = db.Close()
		return nil, err
	}
	ts.measured = time.Now()
	return ts, nil
}

// restore brings ts's tables up to the end of their changelog partitions:
// from the local checkpoint when it is valid (within the partition's
// offsets), else from the beginning after wiping the table. The records
// are read with read_committed (aborted writes of crashed cycles are never
// seen) and applied in batches, each with the offset it reached, so that
// an interrupted restore (cancelled by a revocation) resumes where it
// stopped. r nil means the query's reader.
func (q *query) restore(ctx context.Context, ts *taskState, r *kafka.PartitionReader) error {
	stored, err := ts.db.Offsets()
	if err != nil {
		return err
	}
	if r == nil {
		if r, err = q.restoreReader(); err != nil {
			return err
		}
	}
	hooks := hooksOf(ctx) // restore.go
	start := time.Now()
	var total int64
	for _, c := range ts.logs {
		name := ckptName(c.topic, ts.part)
		low, high, err := r.Offsets(ctx, c.topic, ts.part)
		if err != nil {
			return rqlerr.Wrap(rqlerr.CodeOf(err), err, "restoring %s", name)
		}
		from, ok := stored[name]
		if !ok || from < low || from > high {
			if ok || from != 0 {
				q.e.log.Info("state checkpoint invalid, restoring from the beginning", "query", q.id,
					"changelog", name, "checkpoint", from, "low", low, "high", high)
			}
			if err := ts.db.DropTable(c.table); err != nil {
				return err
			}
			from = low
		}
		b := ts.db.NewBatch()
		next := from
		prog := q.restoreBegin(name, high-from) // metrics.go
		if hooks != nil && hooks.restore != nil {
			if err := hooks.restore(ctx, name); err != nil {
				q.restoreEnd(prog)
				return err
			}
		}
		n, err := r.Read(ctx, c.topic, ts.part, from, high, func(rec *kafka.Record) error {
			prog.step()
			if rec.Value == nil {
				b.Delete(c.table, rec.Key)
			} else {
				b.Put(c.table, rec.Key, rec.Value)
			}
			next = rec.Offset + 1
			if b.Len() >= 10000 {
				return ts.db.Commit(b, state.Offsets{name: next})
			}
			return nil
		})
		q.restoreEnd(prog)
		if err != nil {
			return rqlerr.Wrap(rqlerr.CodeOf(err), err, "restoring %s", name)
		}
		// The end reached (past any trailing transaction markers).
		if err := ts.db.Commit(b, state.Offsets{name: max(high, next)}); err != nil {
			return err
		}
		ts.ckpt[name] = max(high, next)
		total += n
		if n > 0 || from != high {
			q.e.log.Info("state restored", "query", q.id, "changelog", name, "from", from, "to", high, "records", n)
		}
	}
	ts.restored = total
	q.restored.Add(total)
	q.e.log.Info("task state ready", "query", q.id, "partition", ts.part, "restored", total,
		"took", time.Since(start).Round(time.Millisecond))
	return nil
}

// changelogRecords appends the records of ts's pending writes to out: one
// per written key, a tombstone for a delete.
func (ts *taskState) changelogRecords(out []*kafka.Record) ([]*kafka.Record, error) {
	now := time.Now()
	err := ts.txn.Pending().Each(func(table string, key, val []byte, op state.Op) error {
		topic, ok := ts.byTable[table]
		if !ok {
			return rqlerr.Bug("an operator wrote state table %q, which it did not declare (Tables)", table)
		}
		r := &kafka.Record{Topic: topic, Partition: ts.part, Key: key, Timestamp: now}
		if op == state.OpPut {
			r.Value = val
			if r.Value == nil {
				r.Value = []byte{}
			}
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// apply makes the committed cycle's writes durable locally, with the
// current checkpoints.
func (ts *taskState) apply() error {
	return ts.txn.Apply(ts.ckpt)
}

// measure advances the checkpoints to the changelogs' current ends, right
// after a committed cycle (nothing of this task is in flight then, so the
// end is at most the first record the database does not reflect), and
// stores them.
func (q *query) measure(ctx context.Context, ts *taskState) error {
	r, err := q.restoreReader()
	if err != nil {
		return err
	}
	for _, c := range ts.logs {
		_, high, err := r.Offsets(ctx, c.topic, ts.part)
		if err != nil {
			return err
		}
		ts.ckpt[ckptName(c.topic, ts.part)] = high
	}
	ts.measured = time.Now()
	return ts.db.Commit(nil, ts.ckpt)
}

// close closes the database, dropping any pending (uncommitted) writes.
func (ts *taskState) close() {
	ts.txn.Discard()
	_ = ts.db.Close()
}

// createChangelogs creates the compacted changelog topics of q's state
// tables with parts partitions (existing ones are kept).
func (e *Engine) createChangelogs(ctx context.Context, logs []changelog, parts int) error {
	for _, c := range logs {
		configs := map[string]string{"cleanup.policy": "compact"}
		if c.retention > 0 {
			// Kept at least the store's retention (plus a day, as Kafka
			// Streams' windowstore.changelog.additional.retention.ms).
			configs = map[string]string{"cleanup.policy": "compact,delete",
				"retention.ms": strconv.FormatInt(c.retention+24*time.Hour.Milliseconds(), 10)}
		}
		n, err := e.createTopic(ctx, c.topic, parts, configs)
		if err != nil {
			return err
		}
		if n < parts {
			return rqlerr.New(rqlerr.StmtInvalidProps,
				"changelog topic %s has %d partitions, the query needs %d", c.topic, n, parts)
		}
	}
	return nil
}

// cleanupQuery deletes what a terminated query leaves: its local state
// directory and its internal topics (changelogs, repartition).
func (e *Engine) cleanupQuery(ctx context.Context, id string, topics []string) {
	if err := os.RemoveAll(e.queryStateDir(id)); err != nil {
		e.log.Warn("removing query state", "query", id, "error", err)
	}
	if len(topics) == 0 {
		return
	}
	if err := e.admin.DeleteTopics(ctx, topics...); err != nil && rqlerr.CodeOf(err) != rqlerr.KafkaTopicMissing {
		e.log.Warn("deleting internal topics", "query", id, "topics", topics, "error", err)
	}
	for _, t := range topics {
		delete(e.parts, t)
	}
	e.log.Info("query cleaned up", "query", id, "topics", topics)
}
