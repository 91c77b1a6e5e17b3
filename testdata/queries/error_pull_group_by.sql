-- error: Pull queries don't support GROUP BY clauses.
CREATE STREAM s (id BIGINT KEY, v STRING) WITH (kafka_topic='s', format='JSON', partitions=1);
SELECT v, COUNT(*) FROM s GROUP BY v;
