-- PARTITION BY moves a value column into the key.
-- input: orders.jsonl
CREATE STREAM orders (order_id INT KEY, item STRING, qty INT)
  WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM by_item AS SELECT item, order_id, qty FROM orders PARTITION BY item;
