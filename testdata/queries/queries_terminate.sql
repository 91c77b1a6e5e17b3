-- SHOW QUERIES lists persistent queries; TERMINATE stops one (its sink
-- stays, but gets no more records); DROP ... DELETE TOPIC removes the
-- topic (SHOW TOPICS); dropping a CSAS sink terminates its query.
-- input {"topic":"src","key":"a","value":{"V":1},"timestamp":1}
CREATE STREAM src (k STRING KEY, v INT) WITH (kafka_topic='src', value_format='JSON', partitions=3);
CREATE STREAM copy1 AS SELECT k, v FROM src;
CREATE STREAM copy2 AS SELECT k, v FROM src;
CREATE STREAM copy3 WITH (kafka_topic='copy3_topic') AS SELECT k, v FROM src;
SHOW QUERIES;
TERMINATE CSAS_COPY1_0;
DROP STREAM IF EXISTS copy3 DELETE TOPIC;
SHOW QUERIES;
SHOW STREAMS;
SHOW TOPICS;
