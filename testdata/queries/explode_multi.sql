-- Several table functions in one SELECT run side by side: the output has
-- as many rows as the longest array, shorter ones padded with NULL.
-- Table functions combine with WHERE and scalar expressions, and EXPLODE
-- of a map-valued expression's keys via MAP_KEYS.
-- input {"topic":"t","key":"a","value":{"XS":[1,2,3],"YS":["x"],"M":{"p":1}},"timestamp":1}
-- input {"topic":"t","key":"b","value":{"XS":[],"YS":["y","z"],"M":{}},"timestamp":2}
-- input {"topic":"t","key":"c","value":{"XS":[9],"YS":null,"M":null},"timestamp":3}
CREATE STREAM t (k STRING KEY, xs ARRAY<INT>, ys ARRAY<STRING>, m MAP<STRING, INT>)
  WITH (kafka_topic='t', value_format='JSON');
CREATE STREAM zipped AS SELECT k, EXPLODE(xs) AS x, EXPLODE(ys) AS y, EXPLODE(xs) * 10 AS x10 FROM t WHERE k <> 'c';
CREATE STREAM keys AS SELECT k, EXPLODE(MAP_KEYS(m)) AS mk FROM t;
CREATE STREAM ranges AS SELECT k, EXPLODE(GENERATE_SERIES(1, ARRAY_LENGTH(ys))) AS i FROM t WHERE ys IS NOT NULL;
