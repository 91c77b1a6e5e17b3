-- error: since the number of partitions don't match
-- Two sources read as they are (both keyed by the join key) must have the
-- same number of partitions, or matching keys would meet in different
-- tasks: rejected at CREATE time, as ksqlDB.
CREATE STREAM orders (id STRING KEY, amount INT) WITH (kafka_topic='orders', value_format='JSON', partitions=4);
CREATE TABLE accounts (id STRING PRIMARY KEY, balance INT) WITH (kafka_topic='accounts', value_format='JSON', partitions=3);
CREATE STREAM checked AS SELECT o.id, amount, balance FROM orders o JOIN accounts a ON o.id = a.id;
