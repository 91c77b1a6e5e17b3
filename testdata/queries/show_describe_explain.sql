-- Statement results: SHOW STREAMS, DESCRIBE, EXPLAIN.
CREATE STREAM orders (order_id INT KEY, item STRING, qty INT)
  WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM big AS SELECT order_id, item FROM orders WHERE qty > 10;
SHOW STREAMS;
DESCRIBE orders;
EXPLAIN SELECT order_id, item FROM orders WHERE qty > 10 EMIT CHANGES;
