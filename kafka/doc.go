// Package kafka is rql's only door to Kafka: every byte rql sends to or
// reads from a broker goes through it, on confluent-kafka-go/v2 (a static
// librdkafka). It owns
//
//   - client configuration: functional options (BootstrapServers,
//     Property, PropertiesFile, ...) with documented defaults, checked once
//     per client (config.go); any librdkafka property passes through, so
//     SASL and TLS need nothing from rql;
//   - Admin: create / describe / list / delete topics (admin.go);
//   - Producer: plain, idempotent writes (INSERT VALUES, processing log);
//   - Reader: group-less read_committed reads of a whole topic (PRINT);
//   - Session (TxnSession): a consumer-group member with one producer,
//     the consume → process → produce cycle of a persistent query, under
//     exactly-once (EOS v2 transactions) or at-least-once (session.go);
//   - error classification: every error leaving the package is an
//     *rqlerr.Error with a K code (errors.go), or ctx's own error.
//
// The embedded development broker (franz-go's kfake) is the subpackage
// devbroker; tests run this package's real librdkafka clients against it
// over TCP.
//
// What it does not own: record formats (package format), which partitions
// feed which task (package exec, through OnAssigned / OnRevoked), commit
// intervals (the caller calls End when it wants).
//
// Defaults differing from librdkafka's, and why:
//
//	fetch.queue.backoff.ms=10    (1000 stalls a consumer whose queue filled)
//	enable.metrics.push=false    (telemetry log noise on non-Apache brokers)
//	enable.idempotence=true      (producers: no duplicates from retries)
//	auto.offset.reset=latest     (ksqlDB's default; OffsetReset)
//	transaction.timeout.ms=10000 (Kafka Streams' EOS default; TransactionTimeout)
//	go.delivery.reports=false    (sessions: no per-record report; see NewSession)
//	message.timeout.ms=0, enable.gapless.guarantee=true (at-least-once sessions:
//	a record is never dropped while its offset commits)
//	isolation.level=read_committed, enable.auto.commit=false (sessions,
//	readers: fixed)
package kafka
