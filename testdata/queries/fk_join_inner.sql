-- Foreign-key inner join (KIP-213 subscription / response, exec/fkjoin):
-- every instruction the left side (products) sends, the right side's
-- (merchants) fan-out to its subscribers, deletes on both sides and NULL
-- foreign keys, which an inner join skips and reports in the processing
-- log (Kafka Streams' "Skipping record due to null foreign key"). Results
-- are keyed by the product id. An answer to a subscription carries the
-- larger of both rows' times, an answer to a merchant change the merchant
-- row's time.
-- no merchant m1 yet: PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE answers nothing
-- input {"topic":"products","key":"p1","value":{"MERCHANT_ID":"m1","NAME":"hat","PRICE":10},"timestamp":1000}
-- m1 arrives: answers its subscriber p1
-- input {"topic":"merchants","key":"m1","value":{"NAME":"Cozy"},"timestamp":2000}
-- new products of an existing merchant join at once
-- input {"topic":"products","key":"p2","value":{"MERCHANT_ID":"m1","NAME":"scarf","PRICE":20},"timestamp":3000}
-- input {"topic":"products","key":"p3","value":{"MERCHANT_ID":"m1","NAME":"mittens","PRICE":30},"timestamp":3500}
-- a merchant update fans out to its three subscribers
-- input {"topic":"merchants","key":"m1","value":{"NAME":"Cozy Creations"},"timestamp":4000}
-- an update that keeps the foreign key: PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE
-- input {"topic":"products","key":"p1","value":{"MERCHANT_ID":"m1","NAME":"hat","PRICE":12},"timestamp":5000}
-- a merchant nobody references yet: nothing
-- input {"topic":"merchants","key":"m2","value":{"NAME":"Knit"},"timestamp":5500}
-- p2 moves to m2: DELETE_KEY_NO_PROPAGATE to m1, PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE to m2
-- input {"topic":"products","key":"p2","value":{"MERCHANT_ID":"m2","NAME":"scarf","PRICE":20},"timestamp":6000}
-- m1 no longer answers p2
-- input {"topic":"merchants","key":"m1","value":{"NAME":"Cozy 3"},"timestamp":6500}
-- p3 moves to a merchant that does not exist: the answer retracts p3
-- input {"topic":"products","key":"p3","value":{"MERCHANT_ID":"m9","NAME":"mittens","PRICE":30},"timestamp":7000}
-- a new product with a NULL foreign key: nothing, logged
-- input {"topic":"products","key":"p4","value":{"MERCHANT_ID":null,"NAME":"sock","PRICE":5},"timestamp":7500}
-- p1's foreign key becomes NULL: DELETE_KEY_AND_PROPAGATE to m1 retracts p1, logged
-- input {"topic":"products","key":"p1","value":{"MERCHANT_ID":null,"NAME":"hat","PRICE":12},"timestamp":8000}
-- merchant delete: retracts its subscriber p2
-- input {"topic":"merchants","key":"m2","value":null,"timestamp":9000}
-- product delete: DELETE_KEY_AND_PROPAGATE answers a tombstone (even with no result, as Kafka Streams)
-- input {"topic":"products","key":"p2","value":null,"timestamp":9500}
-- m9 arrives: answers p3, which subscribed to it
-- input {"topic":"merchants","key":"m9","value":{"NAME":"Late"},"timestamp":10000}
-- deleting a product that never existed: nothing
-- input {"topic":"products","key":"p9","value":null,"timestamp":10500}
CREATE TABLE products (id STRING PRIMARY KEY, merchant_id STRING, name STRING, price INT)
  WITH (kafka_topic='products', value_format='JSON');
CREATE TABLE merchants (id STRING PRIMARY KEY, name STRING)
  WITH (kafka_topic='merchants', value_format='JSON');
CREATE TABLE product_view AS
  SELECT p.id, p.name AS product, price, m.name AS merchant
  FROM products p JOIN merchants m ON p.merchant_id = m.id;
DESCRIBE product_view;
EXPLAIN CTAS_PRODUCT_VIEW_0;
