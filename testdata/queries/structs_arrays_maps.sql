-- Struct field access (->), array indexing (1-based, negative from the
-- end), map lookup, and constructors.
-- input: orders.jsonl
CREATE STREAM orders (order_id INT KEY,
    customer STRUCT<name STRING, city STRING>,
    tags ARRAY<STRING>,
    attrs MAP<STRING, STRING>)
  WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM flat AS SELECT order_id,
    customer->name AS cust_name,
    tags[1] AS first_tag,
    tags[-1] AS last_tag,
    attrs['color'] AS color,
    ARRAY[order_id, order_id * 2] AS arr,
    MAP('k' := customer->city) AS m,
    STRUCT(id := order_id, n := customer->name) AS st
  FROM orders;
