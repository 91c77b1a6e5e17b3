-- error: Expected type INTEGER for field V
-- INSERT VALUES checks each value against its column's type.
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');
INSERT INTO s (k, v) VALUES ('a', 'not a number');
