-- Foreign-key table-table joins (KIP-213), inner and left: a product
-- subscribes to its merchant; a merchant change answers every subscriber;
-- a foreign-key change moves the subscription; deletes on either side
-- retract; a NULL foreign key joins nothing (inner) or NULLs (left).
-- input {"topic":"products","key":"p1","value":{"MERCHANT":"m1","N":1},"timestamp":1}
-- input {"topic":"merchants","key":"m1","value":{"NAME":"one"},"timestamp":2}
-- input {"topic":"merchants","key":"m2","value":{"NAME":"two"},"timestamp":3}
-- input {"topic":"products","key":"p1","value":{"MERCHANT":"m2","N":1},"timestamp":4}
-- input {"topic":"merchants","key":"m1","value":{"NAME":"uno"},"timestamp":5}
-- input {"topic":"products","key":"p2","value":{"MERCHANT":"m2","N":2},"timestamp":6}
-- input {"topic":"products","key":"p3","value":{"MERCHANT":null,"N":3},"timestamp":7}
-- input {"topic":"merchants","key":"m2","value":null,"timestamp":8}
-- input {"topic":"products","key":"p1","value":null,"timestamp":9}
CREATE TABLE products (id STRING PRIMARY KEY, merchant STRING, n INT) WITH (kafka_topic='products', value_format='JSON');
CREATE TABLE merchants (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='merchants', value_format='JSON');
CREATE TABLE fk_inner AS SELECT p.id, n, name FROM products p JOIN merchants m ON p.merchant = m.id;
CREATE TABLE fk_left AS SELECT p.id, n, name FROM products p LEFT JOIN merchants m ON p.merchant = m.id;
