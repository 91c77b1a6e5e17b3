-- EXPLODE emits one row per array element; empty and null arrays emit none.
-- input: orders.jsonl
CREATE STREAM orders (order_id INT KEY, tags ARRAY<STRING>)
  WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM tags AS SELECT order_id, EXPLODE(tags) AS tag FROM orders;
