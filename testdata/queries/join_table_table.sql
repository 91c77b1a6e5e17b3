-- Table-table primary-key joins, inner, left, right and full outer: a
-- change on either side looks up the other side's current row; deletes
-- retract with NULLs for a preserved side, else a tombstone; an inner join
-- emits nothing for unmatched keys; the time is the larger of both rows'.
-- input {"topic":"l","key":"x","value":{"A":1},"timestamp":1}
-- input {"topic":"r","key":"y","value":{"B":20},"timestamp":2}
-- input {"topic":"r","key":"x","value":{"B":10},"timestamp":3}
-- input {"topic":"l","key":"x","value":{"A":2},"timestamp":4}
-- input {"topic":"r","key":"x","value":null,"timestamp":5}
-- input {"topic":"l","key":"x","value":null,"timestamp":6}
-- input {"topic":"r","key":"y","value":null,"timestamp":7}
-- input {"topic":"l","key":"z","value":null,"timestamp":8}
CREATE TABLE l (k STRING PRIMARY KEY, a INT) WITH (kafka_topic='l', value_format='JSON');
CREATE TABLE r (k STRING PRIMARY KEY, b INT) WITH (kafka_topic='r', value_format='JSON');
CREATE TABLE tt_inner AS SELECT l.k, a, b FROM l JOIN r ON l.k = r.k;
CREATE TABLE tt_left AS SELECT l.k, a, b FROM l LEFT JOIN r ON l.k = r.k;
CREATE TABLE tt_right AS SELECT r.k, a, b FROM l RIGHT JOIN r ON l.k = r.k;
CREATE TABLE tt_full AS SELECT ROWKEY AS k, a, b FROM l FULL OUTER JOIN r ON l.k = r.k;
