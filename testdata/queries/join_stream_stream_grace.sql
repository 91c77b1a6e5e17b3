-- Stream-stream joins with an asymmetric window WITHIN (1 SECOND, 2
-- SECONDS) (a left row at t matches right rows in [t-1s, t+2s]) and a
-- GRACE PERIOD of 1 second: unmatched rows of a preserved side are held
-- until their window closes (left: t + 2s + 1s < stream time; right:
-- t + 1s + 1s < stream time), then emitted with NULLs at their own time;
-- a match retracts the held row; a row whose window has already closed on
-- arrival is emitted at once. An inner join never emits unmatched rows.
-- input {"topic":"l","key":"x","value":{"A":1},"timestamp":10000}
-- input {"topic":"r","key":"x","value":{"B":1},"timestamp":8500}
-- input {"topic":"r","key":"x","value":{"B":2},"timestamp":9500}
-- input {"topic":"r","key":"x","value":{"B":3},"timestamp":11500}
-- input {"topic":"l","key":"y","value":{"A":2},"timestamp":11000}
-- input {"topic":"r","key":"w","value":{"B":4},"timestamp":12000}
-- input {"topic":"r","key":"z","value":{"B":5},"timestamp":14001}
-- input {"topic":"l","key":"v","value":{"A":3},"timestamp":1000}
-- input {"topic":"l","key":"u","value":{"A":4},"timestamp":20000}
CREATE STREAM l (k STRING KEY, a INT) WITH (kafka_topic='l', value_format='JSON');
CREATE STREAM r (k STRING KEY, b INT) WITH (kafka_topic='r', value_format='JSON');
CREATE STREAM g_inner AS SELECT l.k, a, b FROM l JOIN r WITHIN (1 SECOND, 2 SECONDS) GRACE PERIOD 1 SECOND ON l.k = r.k;
CREATE STREAM g_left AS SELECT l.k, a, b FROM l LEFT JOIN r WITHIN (1 SECOND, 2 SECONDS) GRACE PERIOD 1 SECOND ON l.k = r.k;
CREATE STREAM g_full AS SELECT ROWKEY AS k, a, b FROM l FULL OUTER JOIN r WITHIN (1 SECOND, 2 SECONDS) GRACE PERIOD 1 SECOND ON l.k = r.k;
