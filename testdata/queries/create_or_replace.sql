-- CREATE OR REPLACE: a source's definition can be replaced by a compatible
-- one (a column added at the end); a CSAS query is replaced in place and
-- keeps its query ID. CREATE ... IF NOT EXISTS on an existing source is a
-- no-op.
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');
CREATE OR REPLACE STREAM s (k STRING KEY, v INT, w STRING) WITH (kafka_topic='s', value_format='JSON');
CREATE STREAM IF NOT EXISTS s (k STRING KEY, x INT) WITH (kafka_topic='s', value_format='JSON');
DESCRIBE s;
CREATE STREAM out AS SELECT k, v FROM s;
CREATE OR REPLACE STREAM out AS SELECT k, v * 100 AS v FROM s;
INSERT INTO s (k, v, w) VALUES ('a', 1, 'one');
