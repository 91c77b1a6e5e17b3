-- error: The 'KAFKA' format only supports a single field. Got: [`V0` INTEGER, `V1` STRING]
-- The KAFKA value format holds exactly one column.
CREATE STREAM s (k STRING KEY, v0 INT, v1 STRING) WITH (kafka_topic='s', value_format='KAFKA');
