-- error: Can't find any functions with the name 'NO_SUCH_FN'
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');
CREATE STREAM o AS SELECT k, no_such_fn(v) AS x FROM s;
