-- error: Syntax error
-- A syntax error in the middle of a multi-line statement names the line
-- and column of the unexpected token in the file.
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');
CREATE STREAM o AS
  SELECT k,
         v +* 2 AS bad
  FROM s;
