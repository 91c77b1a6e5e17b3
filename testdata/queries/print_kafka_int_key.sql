-- PRINT decodes keys and values as ksqlDB's PRINT does: it detects the
-- formats from the bytes (a 4-byte KAFKA INT key reads as KAFKA_INT and,
-- being valid UTF-8, as KAFKA_STRING; the first format wins), then prints
-- rowtime (UTC), key, value and partition.
CREATE STREAM s (id INT KEY, v STRING) WITH (kafka_topic='s', value_format='JSON');
INSERT INTO s (ROWTIME, id, v) VALUES (100, 1, 'a');
PRINT 's' FROM BEGINNING LIMIT 1;
