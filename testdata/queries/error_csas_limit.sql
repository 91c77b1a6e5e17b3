-- error: CREATE STREAM AS SELECT statements don't support LIMIT clause.
-- A persistent query never ends: ksqlDB rejects LIMIT in CSAS / CTAS.
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');
CREATE STREAM out AS SELECT k, v FROM s LIMIT 2;
