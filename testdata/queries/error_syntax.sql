-- error: Syntax error
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');
CREATE STREAM o AS SELEC k FROM s;
