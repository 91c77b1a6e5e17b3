-- error: isn't queryable
-- A plain CREATE TABLE is not materialized: ksqlDB's message.
CREATE TABLE t (id BIGINT PRIMARY KEY, v STRING) WITH (kafka_topic='t', format='JSON', partitions=1);
SELECT * FROM t WHERE id = 1;
