-- The KIP-213 race, as the in-process driver runs it: rapid foreign-key
-- changes of one product interleaved with updates of the merchants it
-- moves between. In the driver the subscription and response topics are
-- synchronous hops, so no answer is ever stale (exec/fkjoin's
-- TestStaleResponse delivers one late); what this case pins is that every
-- intermediate result is the join of the tables as they were, and that the
-- last result of each product is the join of the final tables: p1 with
-- m3 "three-b", p2 with m1 "one-c".
-- input {"topic":"merchants","key":"m1","value":{"NAME":"one"},"timestamp":1}
-- input {"topic":"merchants","key":"m2","value":{"NAME":"two"},"timestamp":2}
-- input {"topic":"products","key":"p1","value":{"MERCHANT_ID":"m1","N":1},"timestamp":10}
-- input {"topic":"products","key":"p2","value":{"MERCHANT_ID":"m2","N":1},"timestamp":11}
-- input {"topic":"products","key":"p1","value":{"MERCHANT_ID":"m2","N":2},"timestamp":12}
-- input {"topic":"merchants","key":"m1","value":{"NAME":"one-b"},"timestamp":13}
-- input {"topic":"products","key":"p1","value":{"MERCHANT_ID":"m3","N":3},"timestamp":14}
-- input {"topic":"merchants","key":"m2","value":{"NAME":"two-b"},"timestamp":15}
-- input {"topic":"products","key":"p2","value":{"MERCHANT_ID":"m1","N":2},"timestamp":16}
-- input {"topic":"merchants","key":"m3","value":{"NAME":"three"},"timestamp":17}
-- input {"topic":"products","key":"p1","value":{"MERCHANT_ID":"m1","N":4},"timestamp":18}
-- input {"topic":"products","key":"p1","value":{"MERCHANT_ID":"m3","N":5},"timestamp":19}
-- input {"topic":"merchants","key":"m1","value":{"NAME":"one-c"},"timestamp":20}
-- input {"topic":"merchants","key":"m3","value":{"NAME":"three-b"},"timestamp":21}
CREATE TABLE products (id STRING PRIMARY KEY, merchant_id STRING, n INT)
  WITH (kafka_topic='products', value_format='JSON');
CREATE TABLE merchants (id STRING PRIMARY KEY, name STRING)
  WITH (kafka_topic='merchants', value_format='JSON');
CREATE TABLE product_view AS
  SELECT p.id, n, p.merchant_id, m.name AS merchant
  FROM products p JOIN merchants m ON p.merchant_id = m.id;
