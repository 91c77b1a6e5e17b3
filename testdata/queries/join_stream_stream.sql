-- Stream-stream joins WITHIN 10 SECONDS (symmetric), inner and left
-- without GRACE PERIOD (ksqlDB's eager legacy semantics: an unmatched left
-- row is emitted at once with NULLs, and again joined when its match
-- arrives). Matches take the larger of both times; out-of-order rows join
-- whatever is in the window.
-- input {"topic":"l","key":"x","value":{"A":1},"timestamp":1000}
-- input {"topic":"r","key":"x","value":{"B":10},"timestamp":5000}
-- input {"topic":"r","key":"x","value":{"B":11},"timestamp":12000}
-- input {"topic":"l","key":"x","value":{"A":2},"timestamp":3000}
-- input {"topic":"r","key":"y","value":{"B":12},"timestamp":3000}
-- input {"topic":"l","key":"z","value":{"A":3},"timestamp":20000}
CREATE STREAM l (k STRING KEY, a INT) WITH (kafka_topic='l', value_format='JSON');
CREATE STREAM r (k STRING KEY, b INT) WITH (kafka_topic='r', value_format='JSON');
CREATE STREAM ss_inner AS SELECT l.k, a, b FROM l JOIN r WITHIN 10 SECONDS ON l.k = r.k;
CREATE STREAM ss_left AS SELECT l.k, a, b FROM l LEFT JOIN r WITHIN 10 SECONDS ON l.k = r.k;
