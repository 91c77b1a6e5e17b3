-- error: Expected type INTEGER for field V but got 'not a number'(STRING)
-- INSERT VALUES checks each value against its column's type.
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');
INSERT INTO s (k, v) VALUES ('a', 'not a number');
