-- error: Incompatible schema between results and sink.
-- INSERT INTO ... SELECT must produce the target's columns; the error
-- points at the statement.
CREATE STREAM target (k STRING KEY, v INT) WITH (kafka_topic='t', value_format='JSON');
CREATE STREAM s (k STRING KEY, v INT, w STRING) WITH (kafka_topic='s', value_format='JSON');
INSERT INTO target SELECT k, v, w FROM s;
