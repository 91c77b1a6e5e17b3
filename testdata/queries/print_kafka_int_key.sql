-- skip: engine bug: PRINT shows a KAFKA-format INT key as its 4 raw bytes instead of the number
-- PRINT decodes KAFKA-format keys (an INT key prints as its number).
CREATE STREAM s (id INT KEY, v STRING) WITH (kafka_topic='s', value_format='JSON');
INSERT INTO s (ROWTIME, id, v) VALUES (100, 1, 'a');
PRINT 's' FROM BEGINNING LIMIT 1;
