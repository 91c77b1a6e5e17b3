// Package server is `rql server`: an engine.Engine behind ksqlDB's REST
// API, with its catalog kept in a Kafka command topic.
//
// # The command topic
//
// Every statement that changes the catalog (CREATE / DROP of streams,
// tables, types and functions, CREATE ... AS SELECT, INSERT INTO ...
// SELECT, TERMINATE, ALTER) is executed on the engine and, once it
// succeeded, appended to the topic "_<service-id>_command_topic" (one
// partition, never compacted) as a JSON command: the statement text, the
// properties and variables in effect for it, and the persistent-query
// sequence number the catalog had before it ran (so that a replayed
// CREATE ... AS SELECT gets back its query id, consumer group and committed
// offsets).
//
// Each server follows the topic from its beginning for as long as it
// runs. At start it replays it up to a marker it writes itself, before it
// answers requests: a restarted server has its catalog back and resumes
// its persistent queries from their committed offsets. Afterwards it
// applies the commands other servers with the same service id append, so
// a statement executed on one server appears on every other, and the
// persistent queries it starts run on all of them, splitting their input
// partitions through their shared consumer groups. A statement is applied
// on the server that received it before it is appended: two servers
// receiving conflicting DDL at the same instant may apply it in different
// orders (send DDL to one server at a time).
//
// # Requests
//
// Handler serves ksqlDB's endpoints with net/http's ServeMux (Go 1.22
// method and wildcard patterns) over HTTP/1.1 and cleartext HTTP/2
// (prior knowledge, as ksqlDB's clients use), or TLS. Properties set with
// SET in a /ksql request, and the request's streamsProperties, apply to
// that request only, as in ksqlDB. Every handler recovers from panics,
// request bodies are capped (413), malformed JSON gets a 400 with a
// message, and with an auth token or basic credentials configured every
// endpoint but /healthcheck requires them (401).
package server
