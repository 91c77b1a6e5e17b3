-- CAST between numbers, strings, decimals and booleans.
-- input {"topic":"nums","key":"k","value":{"I":42,"D":3.75,"S":"17","B":true},"timestamp":0}
-- input {"topic":"nums","key":"n","value":{"I":null,"D":null,"S":null,"B":null},"timestamp":0}
CREATE STREAM nums (k STRING KEY, i INT, d DOUBLE, s STRING, b BOOLEAN)
  WITH (kafka_topic='nums', value_format='JSON');
CREATE STREAM casted AS SELECT k,
    CAST(i AS STRING) AS i_str,
    CAST(i AS DOUBLE) AS i_dbl,
    CAST(i AS BIGINT) AS i_big,
    CAST(d AS INT) AS d_int,
    CAST(d AS DECIMAL(5,2)) AS d_dec,
    CAST(s AS INT) AS s_int,
    CAST(b AS STRING) AS b_str
  FROM nums;
