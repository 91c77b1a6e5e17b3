-- A stream joined to a global table (WITH (global=true)) on an expression
-- of its columns: no repartition, the result keeps the order's key and
-- time. The rate table's partition count need not match the orders'. A
-- global table is not time-synchronized with the stream: an order joins
-- the rate current when it is processed (o3 at time 4 sees the rate
-- written at time 10). A NULL lookup key joins nothing (inner) or NULLs
-- (left).
-- input {"topic":"orders","key":"o1","value":{"CUR":"usd","AMOUNT":2},"timestamp":1}
-- input {"topic":"rates","key":"USD","value":{"RATE":3},"timestamp":2}
-- input {"topic":"orders","key":"o2","value":{"CUR":"usd","AMOUNT":2},"timestamp":3}
-- input {"topic":"rates","key":"USD","value":{"RATE":5},"timestamp":10}
-- input {"topic":"orders","key":"o3","value":{"CUR":"Usd","AMOUNT":1},"timestamp":4}
-- input {"topic":"orders","key":"o4","value":{"CUR":null,"AMOUNT":1},"timestamp":5}
-- input {"topic":"rates","key":"USD","value":null,"timestamp":11}
-- input {"topic":"orders","key":"o5","value":{"CUR":"usd","AMOUNT":1},"timestamp":12}
CREATE STREAM orders (id STRING KEY, cur STRING, amount INT) WITH (kafka_topic='orders', value_format='JSON', partitions=4);
CREATE TABLE rates (cur STRING PRIMARY KEY, rate INT) WITH (kafka_topic='rates', value_format='JSON', partitions=1, global=true);
CREATE STREAM priced AS SELECT o.id, amount * rate AS total FROM orders o JOIN rates r ON UCASE(o.cur) = r.cur;
CREATE STREAM priced_left AS SELECT o.id, o.cur, rate FROM orders o LEFT JOIN rates r ON UCASE(o.cur) = r.cur;
EXPLAIN CREATE STREAM x AS SELECT o.id, rate FROM orders o JOIN rates r ON UCASE(o.cur) = r.cur;
