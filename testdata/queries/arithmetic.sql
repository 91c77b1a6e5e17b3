-- Arithmetic: INT, BIGINT, DOUBLE and DECIMAL operands, integer division
-- and modulo, unary minus, precedence, string concatenation with +,
-- NULL operands, and a searched and a simple CASE.
-- input {"topic":"a","key":"x","value":{"I":7,"B":10000000000,"D":2.5,"M":"1.10","S":"ab"},"timestamp":0}
-- input {"topic":"a","key":"y","value":{"I":-7,"B":-1,"D":0.1,"M":"-0.05","S":""},"timestamp":0}
-- input {"topic":"a","key":"z","value":{"I":null,"B":null,"D":null,"M":null,"S":"c"},"timestamp":0}
CREATE STREAM a (k STRING KEY, i INT, b BIGINT, d DOUBLE, m DECIMAL(4,2), s STRING)
  WITH (kafka_topic='a', value_format='JSON');
CREATE STREAM calc AS SELECT k,
    i / 2 AS int_div,
    i % 3 AS int_mod,
    -i AS neg,
    i + b AS big_sum,
    i * d AS dbl_prod,
    d / 4 AS dbl_div,
    m + 1 AS dec_plus,
    m * m AS dec_sq,
    1 + 2 * 3 - 4 AS prec,
    s + '-' + k AS concat,
    CASE WHEN i > 0 THEN 'pos' WHEN i < 0 THEN 'neg' END AS sign,
    CASE k WHEN 'x' THEN 1 WHEN 'y' THEN 2 ELSE 0 END AS simple_case
  FROM a;
