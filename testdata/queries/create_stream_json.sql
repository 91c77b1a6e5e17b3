-- A JSON stream with an INT key; SELECT * copies key and value, keeps the
-- record timestamps and forwards the tombstone (null value).
-- input: orders.jsonl
CREATE STREAM orders (order_id INT KEY, item STRING, qty INT, price DECIMAL(6,2))
  WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM all_orders AS SELECT * FROM orders;
