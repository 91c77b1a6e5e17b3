-- Pseudo columns ROWTIME, ROWPARTITION and ROWOFFSET; the timestamp
-- property takes record time from a BIGINT column, timestamp_format
-- from a STRING column; the sink's records carry that time.
-- input {"topic":"e","key":"a","value":{"TS":1500,"V":1},"timestamp":10}
-- input {"topic":"e","key":"b","value":{"TS":2500,"V":2},"timestamp":20}
-- input {"topic":"f","key":"c","value":{"EVENT_TIME":"2024-01-02 03:04:05","V":3},"timestamp":30}
CREATE STREAM e (k STRING KEY, ts BIGINT, v INT) WITH (kafka_topic='e', value_format='JSON', timestamp='ts');
CREATE STREAM f (k STRING KEY, event_time STRING, v INT)
  WITH (kafka_topic='f', value_format='JSON', timestamp='event_time', timestamp_format='yyyy-MM-dd HH:mm:ss');
CREATE STREAM e_out AS SELECT k, v, ROWTIME AS rt, ROWPARTITION AS part, ROWOFFSET AS off FROM e;
CREATE STREAM f_out AS SELECT k, v, ROWTIME AS rt FROM f;
CREATE STREAM e_retimed WITH (timestamp='new_ts') AS SELECT k, v, ts * 2 AS new_ts FROM e;
