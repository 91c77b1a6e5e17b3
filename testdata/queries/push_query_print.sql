-- SELECT ... EMIT CHANGES LIMIT n returns the first n rows (here, of the
-- records INSERT VALUES wrote); PRINT shows a topic's records as ksqlDB
-- does (detected formats, then rowtime, key, value, partition).
CREATE STREAM s (k STRING KEY, v INT, name STRING) WITH (kafka_topic='s', value_format='JSON');
INSERT INTO s (ROWTIME, k, v, name) VALUES (100, 'a', 1, 'ann');
INSERT INTO s (ROWTIME, k, v, name) VALUES (200, 'b', 20, 'bob');
INSERT INTO s (ROWTIME, k, v, name) VALUES (300, 'c', 30, 'cy');
SELECT k, v * 2 AS v2, UCASE(name) AS name, ROWTIME AS rt FROM s WHERE v > 1 EMIT CHANGES LIMIT 1;
SELECT * FROM s EMIT CHANGES LIMIT 5;
PRINT 's' FROM BEGINNING LIMIT 2;
PRINT 's' FROM BEGINNING INTERVAL 2;
