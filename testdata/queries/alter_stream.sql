-- ALTER STREAM ... ADD COLUMN appends value columns; its result is ksqlDB's
-- "Stream S altered." Records written after it carry the new column.
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');
ALTER STREAM s ADD COLUMN w STRING;
DESCRIBE s;
INSERT INTO s (ROWTIME, k, v, w) VALUES (1, 'a', 1, 'x');
