-- WHERE, projections with arithmetic, CASE, string functions and aliases.
-- input: orders.jsonl
CREATE STREAM orders (order_id INT KEY, item STRING, qty INT, price DECIMAL(6,2))
  WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM big_orders AS
  SELECT order_id,
         UCASE(item) AS item_upper,
         qty * price AS total,
         qty + 1 AS qty_plus_one,
         CASE WHEN qty > 10 THEN 'bulk' WHEN qty > 0 THEN 'retail' ELSE 'none' END AS kind,
         LEN(item) AS name_len
  FROM orders
  WHERE qty IS NOT NULL AND qty >= 0;
