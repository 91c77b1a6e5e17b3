-- PARTITION BY an expression (the new key column takes the expression's
-- alias from the projection), by several columns (a multi-column key,
-- here in JSON), and PARTITION BY NULL (no key). AS_VALUE copies a key
-- column into the value.
-- input: orders.jsonl
CREATE STREAM orders (order_id INT KEY, item STRING, qty INT)
  WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM by_upper AS SELECT UCASE(item) AS item_key, order_id, qty FROM orders PARTITION BY UCASE(item);
CREATE STREAM by_two WITH (key_format='JSON') AS SELECT item, qty, order_id, AS_VALUE(item) AS item_copy FROM orders
  WHERE qty IS NOT NULL PARTITION BY item, qty;
CREATE STREAM no_key AS SELECT order_id AS id, AS_VALUE(order_id) AS order_id, item FROM orders PARTITION BY NULL;
DESCRIBE by_two;
