-- Lambda functions over arrays and maps.
-- input {"topic":"l","key":"k","value":{"XS":[1,2,3],"M":{"a":1,"b":2}},"timestamp":0}
-- input {"topic":"l","key":"e","value":{"XS":[],"M":{}},"timestamp":0}
CREATE STREAM l (k STRING KEY, xs ARRAY<INT>, m MAP<STRING, INT>)
  WITH (kafka_topic='l', value_format='JSON');
CREATE STREAM out AS SELECT k,
    TRANSFORM(xs, x => x * 10) AS times_ten,
    FILTER(xs, x => x % 2 = 1) AS odds,
    REDUCE(xs, 0, (acc, x) => acc + x) AS total,
    TRANSFORM(m, (k1, v) => UCASE(k1), (k1, v) => v + 1) AS m2
  FROM l;
