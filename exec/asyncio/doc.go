// Package asyncio is the mechanics of rql's asynchronous enrichment
// operator (ENRICH USING ASYNC f(args) AS alias WITH (...)), independent of
// Kafka and of the planner.
//
// # Threads
//
// The task goroutine (the one that runs every operator of a task) calls
// Submit, Poll, Drain, CommitOffsets and Checkpoint; nothing else. Calls run
// on a pool of Options.Workers goroutines. Results are never emitted from a
// worker: workers deposit them in the operator, signal Ready, and the task
// goroutine takes them with Poll (or while it waits in Submit or Drain),
// through an emit callback that runs on the task goroutine.
//
// # Bounded memory
//
// An input holds one of Options.Buffer slots from Submit until its result
// has been emitted (queued, waiting for a rate-limit token, running,
// waiting between retries, or completed but held back by the reorder
// buffer). When every slot is taken Submit blocks, emitting whatever
// becomes ready meanwhile: backpressure reaches the consumer, and memory is
// bounded by Buffer inputs and results. A retried call keeps its slot.
//
// # Order
//
// ordered: per partition, results are emitted in submission (offset) order
// through a reorder buffer. key: per (partition, key) FIFO queues; a key's
// next call starts when its previous one completed, different keys overtake
// each other. unordered: results are emitted as they complete.
//
// # Exactly-once
//
// CommitOffsets returns per partition the lowest offset not yet fully
// emitted: the offset a transaction may commit together with the outputs
// emitted so far. Checkpoint adds the offsets above it that were already
// emitted (key and unordered modes) and the inputs still in flight; after
// a restart Restore makes Submit skip the former while the latter are
// re-consumed and re-issued. Drain is the simpler alternative: wait for
// every call, then commit everything consumed. docs/enrichment.md
// describes both and how the runtime uses them.
//
// The external call itself is at-least-once: a call whose result was not
// committed is issued again after a restart. Input.IdempotencyKey is sent
// with every attempt so that an endpoint can deduplicate.
package asyncio
