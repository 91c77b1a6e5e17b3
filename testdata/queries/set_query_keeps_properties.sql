-- A persistent query keeps the properties it was created with: the UNSET
-- after CSAS LEGACY must not change how LEGACY evaluates SUBSTRING.
-- input {"topic":"words","key":"k","value":{"W":"streaming"},"timestamp":0}
CREATE STREAM words (k STRING KEY, w STRING) WITH (kafka_topic='words', value_format='JSON');
SET 'ksql.functions.substring.legacy.args'='true';
CREATE STREAM legacy AS SELECT k, SUBSTRING(w, 1, 4) AS sub FROM words;
UNSET 'ksql.functions.substring.legacy.args';
