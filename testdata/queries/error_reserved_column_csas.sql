-- error: Reserved column name in select: `ROWTIME`. Please remove or alias the column.
-- A persistent query must alias a pseudo column it selects (its name
-- would clash with the sink's own ROWTIME).
CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');
CREATE STREAM out AS SELECT k, ROWTIME FROM s;
