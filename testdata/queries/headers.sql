-- HEADERS columns: all headers as ARRAY<STRUCT<KEY STRING, VALUE BYTES>>,
-- and one header's value with HEADER('name'). Header columns are
-- read-only: not written to the value.
-- input {"topic":"h","key":"a","value":{"V":1},"timestamp":1,"headers":[{"KEY":"trace","VALUE":"YWJj"},{"KEY":"other","VALUE":"eHl6"}]}
-- input {"topic":"h","key":"b","value":{"V":2},"timestamp":2}
CREATE STREAM h (k STRING KEY, v INT, hs ARRAY<STRUCT<key STRING, value BYTES>> HEADERS, trace BYTES HEADER('trace'))
  WITH (kafka_topic='h', value_format='JSON');
DESCRIBE h;
CREATE STREAM h_out AS SELECT k, v, FROM_BYTES(trace, 'utf8') AS trace_text, ARRAY_LENGTH(hs) AS n_headers,
    hs[2]->key AS second_key FROM h;
