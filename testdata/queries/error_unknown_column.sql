-- error: SELECT column 'BOB' cannot be resolved.
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');
CREATE STREAM o AS SELECT k, bob FROM s;
