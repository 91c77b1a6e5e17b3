-- Records that cannot be deserialized are skipped and reported in the
-- processing log; the query carries on with the next record.
-- input {"topic":"s","key":"a","value":{"V":"not a number"},"timestamp":1}
-- input {"topic":"s","key":"b","value":{"V":2},"timestamp":2}
-- input {"topic":"d","key":"c","value":"1,2,3","timestamp":3}
-- input {"topic":"d","key":"d","value":"4,5","timestamp":4}
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');
CREATE STREAM d (k STRING KEY, a INT, b INT) WITH (kafka_topic='d', value_format='DELIMITED');
CREATE STREAM s_out AS SELECT k, v FROM s;
CREATE STREAM d_out AS SELECT k, a + b AS total FROM d;
