-- Predicates: LIKE (with ESCAPE), IN, NOT IN, BETWEEN, NOT BETWEEN,
-- IS NULL / IS NOT NULL; a comparison with a NULL operand is false.
-- input {"topic":"p","key":"a","value":{"S":"50% off","N":5},"timestamp":1}
-- input {"topic":"p","key":"b","value":{"S":"500 off","N":10},"timestamp":2}
-- input {"topic":"p","key":"c","value":{"S":"Sale_1","N":-1},"timestamp":3}
-- input {"topic":"p","key":"d","value":{"S":null,"N":null},"timestamp":4}
CREATE STREAM p (k STRING KEY, s STRING, n INT) WITH (kafka_topic='p', value_format='JSON');
CREATE STREAM flags AS SELECT k,
    s LIKE '50\%%' ESCAPE '\' AS pct,
    s LIKE '50%' AS starts50,
    s LIKE 'Sale!_%' ESCAPE '!' AS sale_underscore,
    s LIKE '_ale%' AS any_first,
    n IN (5, 10) AS in_list,
    n NOT IN (5, 10) AS not_in_list,
    n BETWEEN 0 AND 5 AS between_0_5,
    n NOT BETWEEN 0 AND 5 AS not_between,
    NOT (n = 5) AS not_five
  FROM p WHERE n IS NOT NULL;
CREATE STREAM nulls AS SELECT k,
    s IS NULL AS s_null,
    n IS NOT NULL AS n_not_null,
    n > 0 AS n_positive,
    (n > 0) OR TRUE AS or_true
  FROM p;
CREATE STREAM filtered AS SELECT k, n FROM p
  WHERE (n BETWEEN 1 AND 10 AND s NOT LIKE '%off') OR n IN (-1);
