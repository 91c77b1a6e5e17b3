-- DELIMITED values in, DELIMITED and JSON out; a custom delimiter.
-- input {"topic":"csv","key":"k1","value":"1,apple,2.5","timestamp":1}
-- input {"topic":"csv","key":"k2","value":"2,,0.1","timestamp":2}
-- input {"topic":"csv","key":"k3","value":"3,\"pear, ripe\",1E7","timestamp":3}
CREATE STREAM s (k STRING KEY, id INT, name STRING, amount DOUBLE)
  WITH (kafka_topic='csv', value_format='DELIMITED');
CREATE STREAM as_json WITH (value_format='JSON') AS SELECT k, id, name, amount FROM s;
CREATE STREAM as_pipes WITH (value_format='DELIMITED', value_delimiter='|') AS SELECT k, name, amount * 2 AS twice FROM s;
