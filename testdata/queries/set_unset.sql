-- SET changes a property for the statements after it, UNSET restores the
-- default; SHOW PROPERTIES lists what was set. Legacy SUBSTRING takes
-- 0-based start and end indexes, the current one a 1-based position and
-- a length. ('auto.offset.reset'='earliest' lets CURRENT read the record
-- inserted before it was created, as ksqlDB would.)
CREATE STREAM words (k STRING KEY, w STRING) WITH (kafka_topic='words', value_format='JSON');
SET 'auto.offset.reset'='earliest';
SET 'ksql.functions.substring.legacy.args'='true';
CREATE STREAM legacy AS SELECT k, SUBSTRING(w, 1, 4) AS sub FROM words;
SHOW PROPERTIES;
INSERT INTO words (k, w) VALUES ('a', 'streaming');
UNSET 'ksql.functions.substring.legacy.args';
CREATE STREAM current AS SELECT k, SUBSTRING(w, 1, 4) AS sub FROM words;
SHOW PROPERTIES;
