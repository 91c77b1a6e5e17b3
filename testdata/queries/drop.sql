-- DROP STREAM (with and without IF EXISTS) and SHOW STREAMS afterwards.
CREATE STREAM s1 (k STRING KEY, v INT) WITH (kafka_topic='t1', value_format='JSON');
CREATE STREAM s2 (k STRING KEY, v INT) WITH (kafka_topic='t2', value_format='JSON');
DROP STREAM s1;
DROP STREAM IF EXISTS s1;
DROP STREAM s2 DELETE TOPIC;
SHOW STREAMS;
