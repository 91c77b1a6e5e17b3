-- wrap_single_value=false: a one-column JSON value is the bare value, not
-- an object; DOUBLE prints as Java does, DECIMAL with its scale, in JSON
-- and in DELIMITED.
-- input {"topic":"bare","key":"a","value":12.5,"timestamp":1}
-- input {"topic":"bare","key":"b","value":null,"timestamp":2}
-- input {"topic":"nums","key":"n","value":{"D":12345678.9,"E":0.0001,"M":"3.10"},"timestamp":3}
CREATE STREAM bare (k STRING KEY, amount DOUBLE)
  WITH (kafka_topic='bare', value_format='JSON', wrap_single_value=false);
CREATE STREAM wrapped AS SELECT k, amount FROM bare;
CREATE STREAM unwrapped WITH (wrap_single_value=false) AS SELECT k, amount * 2 AS amount FROM bare;
CREATE STREAM nums (k STRING KEY, d DOUBLE, e DOUBLE, m DECIMAL(5,2))
  WITH (kafka_topic='nums', value_format='JSON');
CREATE STREAM nums_json AS SELECT k, d, e, m, CAST(d AS STRING) AS d_text FROM nums;
CREATE STREAM nums_csv WITH (value_format='DELIMITED') AS SELECT k, d, e, m FROM nums;
