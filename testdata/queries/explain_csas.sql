-- EXPLAIN of a CSAS with a filter, a projection and PARTITION BY: the
-- sink, the query ID it would get, and each operator with its key; the
-- re-key needs an internal repartition topic. EXPLAIN of a running
-- query's ID shows that query's plan. EXPLAIN does not create anything.
CREATE STREAM orders (order_id INT KEY, item STRING, qty INT, price DOUBLE)
  WITH (kafka_topic='orders', value_format='JSON');
EXPLAIN CREATE STREAM by_item AS
  SELECT item, order_id, qty * price AS total FROM orders WHERE qty > 10 PARTITION BY item;
SHOW STREAMS;
CREATE STREAM upper_items AS SELECT order_id, UCASE(item) AS item FROM orders;
EXPLAIN CSAS_UPPER_ITEMS_0;
