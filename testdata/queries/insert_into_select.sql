-- INSERT INTO ... SELECT appends a second query's rows to an existing stream.
-- input {"topic":"a","key":"x","value":{"V":1},"timestamp":1}
-- input {"topic":"b","key":"y","value":{"V":2},"timestamp":2}
CREATE STREAM a (k STRING KEY, v INT) WITH (kafka_topic='a', value_format='JSON');
CREATE STREAM b (k STRING KEY, v INT) WITH (kafka_topic='b', value_format='JSON');
CREATE STREAM merged AS SELECT k, v FROM a;
INSERT INTO merged SELECT k, v * 10 AS v FROM b;
