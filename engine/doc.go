// Package engine runs rql statements against a Kafka cluster: the same
// planner.PlanStatement as the in-process test driver (exec/driver), the same
// operators built by exec/build, but the topics are real Kafka topics and
// persistent queries run as consumer groups under librdkafka transactions.
//
// # Statements
//
// Engine.Execute parses SQL text and applies each statement's plan:
//
//   - CREATE STREAM|TABLE registers a source over a topic; the topic must
//     exist unless PARTITIONS is given (then it is created). A source over
//     an existing topic takes the topic's partition count.
//   - CREATE STREAM|TABLE ... AS SELECT and INSERT INTO ... SELECT start a
//     persistent query. A missing sink topic is created with the PARTITIONS
//     of the WITH clause, else the source topic's partition count (ksqlDB's
//     rule). An existing sink topic is reused, so that re-executing a file
//     after a restart (`rql run`) resumes its queries rather than failing.
//   - DROP (… DELETE TOPIC), TERMINATE, SET / UNSET, SHOW, DESCRIBE,
//     EXPLAIN, CREATE TYPE, DEFINE work on the catalog as in the driver.
//   - INSERT VALUES produces one record to the source's topic (insert.go).
//   - Streamed statements run in a Session (session.go): Session.Run and
//     Session.Query also run push queries (SELECT ... EMIT CHANGES, read
//     from the topics without a consumer group; push.go), PRINT (print.go)
//     and pull queries (pull.go). Execute refuses the streamed ones with
//     an error pointing to a session.
//
// # Persistent queries
//
// A query is one consumer group named "<service-id>-<query-id>" with one
// member per Engine (several processes with the same service id split the
// partitions). A member owns one task per assigned input partition: tasks
// are created when partitions are assigned and closed when they are
// revoked; each task runs its own exec.Pipeline (the operators exec/build
// builds for the driver). Every member runs the commit cycle of a
// kafka.TxnSession on one goroutine:
//
//	Begin → Poll → push records through the tasks → Produce outputs → …
//	      → End(commit) every commit.interval.ms
//
// Without asynchronous enrichment the pushing and producing of a fetch
// run on a goroutine beside the next Poll (query.go startStage); End, the
// rebalance callbacks and a stop wait for it, and a cycle in which a
// fetch was not wholly processed and produced (a stop's cancellation
// included) aborts instead of committing.
//
// Under processing.guarantee=exactly_once_v2 (the default) End sends the
// consumed offsets with the consumer group metadata to the transaction and
// commits it (EOS v2), so a member killed at any instant and restarted
// neither loses nor duplicates a record for read_committed readers. Under
// at_least_once, End waits for every produced record to be acknowledged,
// then commits the offsets. A rebalance during a cycle aborts it; the
// records are delivered again to whoever owns their partition.
//
// PARTITION BY splits a query into two sub-topologies joined by the
// internal topic "<service-id>-<query-id>-<operator>-repartition" (created
// with the source's partition count): the first re-keys rows and produces
// them to it (JSON key and value, the record timestamp kept, the original
// partition and offset carried in an internal header), the second consumes
// it in the same consumer group and transaction and writes the sink. Output
// records are partitioned as Kafka's default partitioner does (murmur2 of the
// serialized key), so that equal keys land in equal partitions of
// co-partitioned topics.
//
// Properties read by a query (the catalog's, after SET, over
// Options.Properties; the "ksql.streams." prefixed names are accepted too):
//
//	processing.guarantee  exactly_once_v2 (default) | at_least_once
//	commit.interval.ms    default 100 under exactly-once, 2000 under at-least-once
//	auto.offset.reset     latest (default, as ksqlDB) | earliest
//
// # State
//
// Aggregations (GROUP BY, windows, sessions, EMIT CHANGES and EMIT FINAL),
// table filters, materializations and joins run with state (state.go). A
// GROUP BY whose key is not the input key
// goes through "<service-id>-<query-id>-Aggregate-GroupBy-repartition"
// (rows in JSON, partitioned by murmur2 of the encoded grouping values).
// Re-grouping a table writes signed changes there instead, from a first
// stateful sub-topology that keeps the table's input store (Kafka Streams'
// KTable#groupBy; see splitTableGroupBy and exec/aggregate_change.go).
// Each task of the stateful sub-topology owns one RocksDB database,
// <StateDir>/<service-id>/<query-id>/<partition>, that its operators see
// through a state.Txn. The commit cycle becomes:
//
//	… process (operators stage writes in the task's pending batch)
//	→ produce each pending entry to "<service-id>-<query-id>-<store>-changelog",
//	  partition p (compacted; created at query start with the input's
//	  partition count), in the cycle's transaction
//	→ CommitTransaction → apply the batch to RocksDB with the checkpoints
//	   (or, aborted: drop the batch, rebuild the operators from the store)
//
// A task is restored before it processes anything — at start, after a
// crash, after a rebalance moved its partition here — from each changelog
// partition, read with read_committed up to its end: from the local
// checkpoint when it lies within the partition's offsets, else from the
// beginning with the table wiped. The restore runs on a goroutine, not in
// the rebalance callback: the task's partitions are held (nothing of them
// processed or committed; paused at their first record) while the query
// keeps polling and processing its other partitions, and are released when
// the task is built (restore.go). Checkpoints are the changelog ends
// measured right after a committed cycle (every 2 s and when a task
// closes). Event time, stream time and window closing are per task.
// TERMINATE and DROP delete the query's state directory and internal
// topics. See docs/state.md.
//
// # Joins
//
// A query with joins is cut into sub-topologies at its internal topics
// (join_topology.go), all in the query's group and transactions:
//
//   - a join side not keyed by its join expression is written by a
//     sub-topology of its own to "<service-id>-<query-id>-JoinN-left|right-repartition"
//     (planner.Join.Partitions partitions), each row in the partition where
//     the co-partitioned side keeps its key: murmur2 of the key serialized
//     in that side's key format (JSON when both sides are repartitioned);
//   - a sub-topology reading both sides of a join has one task per
//     partition number, owning partition p of each input (join queries use
//     the range assignor, which assigns co-partitioned topics alike); it
//     pushes a fetch's records in timestamp order (join_task.go);
//   - a foreign-key join is two sub-topologies (exec/fkjoin halves with a
//     Transport): the left table's sends subscriptions to
//     "<service-id>-<query-id>-JoinN-subscription" (co-partitioned with the
//     right table) and resolves "...-response" (co-partitioned with the
//     left table); the right table's answers;
//   - a global table is no input: each engine reads its topic in full
//     (global.go) with a reader of its own (no group, read_committed), to
//     the end before the query processes anything, then follows it; the
//     local store, shared by the query's tasks, has no changelog (the
//     topic is the source of truth) and is rebuilt at every start.
//
// Window stores (stream-stream joins) purge by range deletes, which are no
// changelog records: their changelogs get cleanup.policy=compact,delete
// and retention.ms = retention + 24 h. See docs/joins.md.
//
// A fatal error in a query (a task that cannot process, a fenced producer)
// stops that query only: its state becomes StateError with the error (see
// Queries); the engine and other queries go on.
//
// # Enrichment
//
// ENRICH USING ASYNC runs with its calls in flight across fetches and
// commits (enrich.go): each task has its own operator (workers, buffer and
// rate divided by the input partition count); records wait in the task's
// backlog until a slot frees, and a long backlog pauses the partition in
// the consumer; while calls are in flight the loop polls Kafka with a 1 ms
// wait and lets tasks whose operator is Ready emit their results. A commit
// sends, per input partition, the lowest offset whose result is not
// produced yet (kafka.TxnSession.SetCommitOffset) and, in key and
// unordered order, writes the offsets above it already produced to the
// state table "<query-id>-EnrichCheckpoint" in the same transaction; a new
// task restores them (asyncio Restore) before consuming. An aborted cycle
// rewinds to the committed offsets and rebuilds the operators.
// rql.enrich.commit=drain drains every call before each commit instead.
// A task with several inputs (after a join) always drains: re-running an
// in-flight row after a crash would join it again against a table that
// has moved on. Its backlog is one queue per input topic, pushed in
// timestamp order; backpressure pauses all its partitions; it commits
// their consumed positions and keeps no checkpoint table.
//
// # Pull queries
//
// Session.Run / Query answer a pull query on a table written by a CREATE
// TABLE AS SELECT running here from the committed state of the query's
// local tasks (pull.go; startQuery adds planner.MaterializeQuery's store to
// CTAS without aggregation). CREATE SOURCE TABLE starts the internal query
// CST_<name> (planner.MaterializeSourceTable, pull_source.go), whose
// stores answer pull queries on the table the same way. A pull query on a
// stream scans its topic up to the end offsets taken when it starts
// (pull_stream.go). With several members, the partitions owned by others
// are asked of them through Options.Remote (pull_route.go).
//
// # Runtime figures
//
// QueryStatus carries each query's runtime figures (metrics.go), sampled
// about every second by the query's loop between fetches: records in and
// out per second, the consumer lag of every owned partition (end offset −
// committed offset, from librdkafka's cached watermarks and position: no
// broker request), the commit latency, the stores being restored (state
// RESTORING) and the counters of every ENRICH USING ASYNC. SHOW QUERIES,
// DESCRIBE ... EXTENDED and EXPLAIN ANALYZE <query id> show them
// (show_runtime.go); see docs/runtime.md, "Watching a query".
//
// # Processing log
//
// A record that cannot be deserialized, or whose expressions cannot be
// evaluated, is never silently lost: an entry (ProcessingLogEntry as JSON:
// query id, source topic, partition, offset, reason, time) goes to the topic
// "<service-id>-processing-log" — in the query's own transaction, so that a
// retried cycle does not log twice — and to Options.Logger; the query goes
// on, and counts the entries (QueryStatus.ProcessingErrors).
//
// # State directory
//
// Options.StateDir/<service-id> holds the member id of this engine (so that a
// restarted process reuses its transactional.id and group.instance.id,
// fencing its dead predecessor at once instead of waiting for timeouts) and
// a lock file: two live engines may not share a state directory. Without
// Options.Bootstrap the embedded dev broker keeps its data in
// Options.StateDir/broker.
package engine
