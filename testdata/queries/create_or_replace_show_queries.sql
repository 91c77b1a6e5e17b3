-- A replaced CSAS query is listed once, with its new SQL.
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');
CREATE STREAM out AS SELECT k, v FROM s;
CREATE OR REPLACE STREAM out AS SELECT k, v * 100 AS v FROM s;
SHOW QUERIES;
