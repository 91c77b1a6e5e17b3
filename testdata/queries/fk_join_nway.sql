-- An n-way join that starts with a foreign-key join (ksqlDB allows a
-- foreign-key join only as the first step): products join their merchant
-- on a foreign-key expression, then their stock on the product id (a
-- primary-key table-table join on the foreign-key join's key, the product
-- id). A merchant update reaches the final result through both joins.
-- input {"topic":"merchants","key":"M1","value":{"NAME":"Cozy"},"timestamp":1000}
-- input {"topic":"stock","key":"p1","value":{"QTY":5},"timestamp":1500}
-- input {"topic":"products","key":"p1","value":{"MERCHANT_ID":"m1","NAME":"hat"},"timestamp":2000}
-- input {"topic":"products","key":"p2","value":{"MERCHANT_ID":"m1","NAME":"scarf"},"timestamp":3000}
-- p2 has no stock row yet: nothing; then it gets one
-- input {"topic":"stock","key":"p2","value":{"QTY":7},"timestamp":4000}
-- the merchant update fans out through both joins
-- input {"topic":"merchants","key":"M1","value":{"NAME":"Cozy Creations"},"timestamp":5000}
-- a stock delete retracts p1
-- input {"topic":"stock","key":"p1","value":null,"timestamp":6000}
-- the merchant delete retracts p2
-- input {"topic":"merchants","key":"M1","value":null,"timestamp":7000}
CREATE TABLE products (id STRING PRIMARY KEY, merchant_id STRING, name STRING)
  WITH (kafka_topic='products', value_format='JSON');
CREATE TABLE merchants (id STRING PRIMARY KEY, name STRING)
  WITH (kafka_topic='merchants', value_format='JSON');
CREATE TABLE stock (id STRING PRIMARY KEY, qty INT)
  WITH (kafka_topic='stock', value_format='JSON');
CREATE TABLE product_stock AS
  SELECT p.id, p.name AS product, m.name AS merchant, s.qty
  FROM products p
  JOIN merchants m ON UCASE(p.merchant_id) = m.id
  JOIN stock s ON p.id = s.id;
