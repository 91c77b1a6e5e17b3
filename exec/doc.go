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
package exec
