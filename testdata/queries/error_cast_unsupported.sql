-- error: Cast of STRING to ARRAY<INTEGER> is not supported
-- CAST between incompatible types is rejected when the query is planned.
CREATE STREAM s (k STRING KEY, v STRING) WITH (kafka_topic='s', value_format='JSON');
CREATE STREAM o AS SELECT k, CAST(v AS ARRAY<INT>) AS a FROM s;
