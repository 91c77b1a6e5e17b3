// Package exec owns execution: the push-based Operator and Collector
// interfaces, rows and batches, the expression compiler (planner.Expr →
// Go closures, no reflection per row), and the core operators: source
// (deserialize), filter, flat-map (table functions), rekey (PARTITION BY),
// project and sink (serialize). It reads plan types from planner but never
// imports its own subpackages; exec/build turns a plan into operators and
// exec/driver runs them over in-memory topics.
//
// Evaluation errors follow ksqlDB: an error in a projected expression makes
// that column NULL, an error in a WHERE predicate drops the row, a record
// that cannot be deserialized is skipped; each goes to the processing log
// (Env.Log) with the query id, topic, partition, offset and reason.
//
// # State: how an operator reads and writes within a transaction
//
// One contract serves every stateful operator (aggregations, windows,
// sessions, table filters, materializations, joins):
//
//   - Declare every state table: implement Tables() []state.TableSpec,
//     with the names the operator writes (after Init, which resolves the
//     query id; see StateName). The runtime creates one compacted
//     changelog topic per declared table and restores the table before
//     the task runs; writing an undeclared table fails the query.
//   - Use Env.State (a state.Store) only. In the Kafka runtime and the
//     in-process driver it is a *state.Txn shared by the task's operators:
//     NewBatch returns the task's pending batch, Commit(b, nil) stages
//     (no RocksDB write), and Get / GetThrough / Range / Reverse / Prefix
//     read the committed data overlaid with the pending writes, so an
//     operator reads its own writes, scans included. Calling Commit at the
//     end of Process (or before a scan) is the operator's "my writes are
//     done", valid on a plain *state.DB too.
//   - Never assume that what was staged is durable: the runtime produces
//     the pending batch to the changelogs in the cycle's Kafka transaction
//     and applies it to RocksDB only after the commit; on an abort it drops
//     the batch and rebuilds the task's operators (Init again) from the
//     committed state. So any in-memory cache (stream time, sequence
//     numbers, observed times) must be written to a state table when it
//     changes and read back in Init, as Aggregate does with its -meta table.
//   - Do not hold an iterator or a value slice across Process calls (the
//     batch is reset when the cycle ends), and keep no goroutine writing
//     state: a task's operators run on one goroutine.
//   - Transient (push) queries drop their tables on Close (Env.Transient).
package exec
