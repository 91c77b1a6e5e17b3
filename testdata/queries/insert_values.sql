-- INSERT INTO ... VALUES writes records; a running query processes them.
CREATE STREAM s (k STRING KEY, v INT, name STRING) WITH (kafka_topic='s', value_format='JSON');
CREATE STREAM s_upper AS SELECT k, v, UCASE(name) AS name FROM s;
INSERT INTO s (k, v, name) VALUES ('a', 1, 'ann');
INSERT INTO s (ROWTIME, k, v, name) VALUES (12345, 'b', 2, 'bob');
INSERT INTO s (k, name) VALUES ('c', 'cy');
