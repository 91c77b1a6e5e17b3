-- A push query may select ROWTIME, ROWPARTITION and ROWOFFSET without an
-- alias (a persistent query may not: error_reserved_column_csas).
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');
INSERT INTO s (ROWTIME, k, v) VALUES (100, 'a', 1);
INSERT INTO s (ROWTIME, k, v) VALUES (200, 'b', 2);
SELECT k, ROWTIME, ROWPARTITION, ROWOFFSET FROM s EMIT CHANGES;
