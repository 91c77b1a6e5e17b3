-- error: Type error in WHERE expression: Should evaluate to boolean but is
-- A WHERE clause must be BOOLEAN.
CREATE STREAM s (k STRING KEY, v INT, name STRING) WITH (kafka_topic='s', value_format='JSON');
CREATE STREAM o AS SELECT k, v FROM s
  WHERE name;
