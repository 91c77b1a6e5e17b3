-- KAFKA format: a BIGINT key and a single BIGINT value column (8 bytes
-- each); the output keeps the KAFKA value format.
-- input {"topic":"counts","key":1,"value":10,"timestamp":1}
-- input {"topic":"counts","key":2,"value":-3,"timestamp":2}
-- input {"topic":"counts","key":3,"value":null,"timestamp":3}
CREATE STREAM counts (id BIGINT KEY, n BIGINT) WITH (kafka_topic='counts', value_format='KAFKA');
CREATE STREAM doubled AS SELECT id, n * 2 AS n2 FROM counts;
