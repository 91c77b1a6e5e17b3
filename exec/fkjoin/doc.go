// Package fkjoin is the foreign-key table-table join (ksqlDB's
// `t1 JOIN t2 ON t1.fk = t2.pk`, Kafka Streams' KIP-213): the left table
// subscribes each row to the right row its foreign key names, the right
// side keeps the subscriptions keyed by (foreign key, left key) and answers
// them, and the left side drops answers made stale by a later change of
// its row (a murmur3 hash of the row travels with the messages). See Join.
//
// Package exec/build wires it; package exec never imports it.
package fkjoin
