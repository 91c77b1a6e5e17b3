-- input {"topic":"merchants","key":"m1","value":{"NAME":"Cozy"},"timestamp":1}
-- input {"topic":"products","key":"p1","value":{"MERCHANT_ID":"m1","N":1},"timestamp":2}
-- input {"topic":"products","key":"p2","value":{"MERCHANT_ID":"m1","N":2},"timestamp":3}
-- input {"topic":"products","key":"p1","value":{"MERCHANT_ID":"m1","N":3},"timestamp":4}
CREATE TABLE products (id STRING PRIMARY KEY, merchant_id STRING, n INT) WITH (kafka_topic='products', value_format='JSON');
CREATE TABLE merchants (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='merchants', value_format='JSON');
CREATE TABLE by_merchant AS SELECT merchant_id, COLLECT_LIST(STRUCT(ID := id, N := n)) AS products FROM products GROUP BY merchant_id;
CREATE TABLE naive AS SELECT b.merchant_id, products, m.name FROM by_merchant b JOIN merchants m ON b.merchant_id = m.id;
