-- CREATE SOURCE STREAM makes a read-only stream that queries can read.
-- input {"topic":"events","key":"a","value":{"V":1},"timestamp":10}
-- input {"topic":"events","key":"b","value":{"V":2},"timestamp":20}
CREATE SOURCE STREAM events (id STRING KEY, v INT) WITH (kafka_topic='events', value_format='JSON');
CREATE STREAM events_copy AS SELECT id, v + 1 AS v1 FROM events;
