-- max-rows: 8
-- DESCRIBE EXTENDED adds the topic and formats; DESCRIBE FUNCTION lists a
-- function's variants; SHOW FUNCTIONS lists the registry (first rows
-- only: it grows with every function added); SHOW TYPES after CREATE TYPE.
CREATE TYPE address AS STRUCT<street STRING, city STRING>;
CREATE STREAM people (id INT KEY, name STRING, home address)
  WITH (kafka_topic='people', value_format='JSON', partitions=2);
DESCRIBE EXTENDED people;
DESCRIBE FUNCTION ucase;
SHOW FUNCTIONS;
SHOW TYPES;
