-- n-way joins in one statement: a stream-stream join, then a left
-- stream-table join on the same key (no repartition: S.ID is already the
-- key); and three tables joined on their primary keys, with retractions.
-- input {"topic":"t","key":"x","value":{"C":7},"timestamp":0}
-- input {"topic":"s","key":"x","value":{"A":1},"timestamp":1000}
-- input {"topic":"s2","key":"x","value":{"B":2},"timestamp":2000}
-- input {"topic":"s","key":"y","value":{"A":3},"timestamp":3000}
-- input {"topic":"s2","key":"y","value":{"B":4},"timestamp":4000}
-- input {"topic":"t1","key":"k","value":{"X":1},"timestamp":1}
-- input {"topic":"t2","key":"k","value":{"Y":2},"timestamp":2}
-- input {"topic":"t3","key":"k","value":{"Z":3},"timestamp":3}
-- input {"topic":"t2","key":"k","value":null,"timestamp":4}
CREATE STREAM s (id STRING KEY, a INT) WITH (kafka_topic='s', value_format='JSON');
CREATE STREAM s2 (id STRING KEY, b INT) WITH (kafka_topic='s2', value_format='JSON');
CREATE TABLE t (id STRING PRIMARY KEY, c INT) WITH (kafka_topic='t', value_format='JSON');
CREATE TABLE t1 (id STRING PRIMARY KEY, x INT) WITH (kafka_topic='t1', value_format='JSON');
CREATE TABLE t2 (id STRING PRIMARY KEY, y INT) WITH (kafka_topic='t2', value_format='JSON');
CREATE TABLE t3 (id STRING PRIMARY KEY, z INT) WITH (kafka_topic='t3', value_format='JSON');
CREATE STREAM three AS SELECT s.id, a, b, c FROM s JOIN s2 WITHIN 10 SECONDS ON s.id = s2.id LEFT JOIN t ON s.id = t.id;
CREATE TABLE tables3 AS SELECT t1.id, x, y, z FROM t1 LEFT JOIN t2 ON t1.id = t2.id JOIN t3 ON t1.id = t3.id;
