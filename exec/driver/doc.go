// Package driver is rql's in-process test driver, after Kafka Streams'
// TopologyTestDriver: in-memory topics with offsets, the catalog, and the
// same physical operators the server runs, driven synchronously and
// deterministically. The conformance runner, `rql test`, golden tests and
// the REPL use it.
package driver
