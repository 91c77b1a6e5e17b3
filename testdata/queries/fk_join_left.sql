-- Foreign-key left join: a product without a merchant, or with a NULL
-- foreign key, is emitted with NULLs for the merchant's columns (a NULL
-- foreign key is answered at once, without a subscription, and is not
-- logged: nothing is dropped). The two tables have different partition
-- counts (4 and 3), which a foreign-key join allows.
-- no merchant yet: PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE answers NULLs
-- input {"topic":"products","key":"p1","value":{"MERCHANT_ID":"m1","NAME":"hat"},"timestamp":1000}
-- input {"topic":"merchants","key":"m1","value":{"NAME":"Cozy"},"timestamp":2000}
-- a NULL foreign key: NULLs
-- input {"topic":"products","key":"p2","value":{"MERCHANT_ID":null,"NAME":"sock"},"timestamp":3000}
-- the NULL foreign key is set: p2 subscribes to m1
-- input {"topic":"products","key":"p2","value":{"MERCHANT_ID":"m1","NAME":"sock"},"timestamp":4000}
-- fan-out to p1 and p2
-- input {"topic":"merchants","key":"m1","value":{"NAME":"Cozy Creations"},"timestamp":5000}
-- p1 moves to a missing merchant: DELETE_KEY_NO_PROPAGATE to m1, NULLs from m2
-- input {"topic":"products","key":"p1","value":{"MERCHANT_ID":"m2","NAME":"hat"},"timestamp":6000}
-- merchant delete: its subscriber p2 gets NULLs (not a tombstone)
-- input {"topic":"merchants","key":"m1","value":null,"timestamp":7000}
-- the foreign key becomes NULL: unsubscribes from m1, NULLs
-- input {"topic":"products","key":"p2","value":{"MERCHANT_ID":null,"NAME":"sock"},"timestamp":8000}
-- product deletes: tombstones
-- input {"topic":"products","key":"p1","value":null,"timestamp":9000}
-- input {"topic":"products","key":"p2","value":null,"timestamp":9500}
-- m1 comes back: nobody subscribes to it any more
-- input {"topic":"merchants","key":"m1","value":{"NAME":"Cozy"},"timestamp":10000}
CREATE TABLE products (id STRING PRIMARY KEY, merchant_id STRING, name STRING)
  WITH (kafka_topic='products', value_format='JSON', partitions=4);
CREATE TABLE merchants (id STRING PRIMARY KEY, name STRING)
  WITH (kafka_topic='merchants', value_format='JSON', partitions=3);
CREATE TABLE product_view AS
  SELECT p.id, p.name AS product, p.merchant_id, m.name AS merchant
  FROM products p LEFT JOIN merchants m ON p.merchant_id = m.id;
SHOW TOPICS;
