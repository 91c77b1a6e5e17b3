-- Key formats: KAFKA (a single primitive key column), JSON (key_format),
-- DELIMITED keys with several columns, and FORMAT setting both.
-- input {"topic":"kj","key":{"ID":1,"REGION":"eu"},"value":{"V":10},"timestamp":1}
-- input {"topic":"kd","key":"7,us","value":"x,1.5","timestamp":2}
-- input {"topic":"kf","key":42,"value":{"V":"hi"},"timestamp":3}
CREATE STREAM kj (id INT KEY, region STRING KEY, v INT)
  WITH (kafka_topic='kj', key_format='JSON', value_format='JSON');
CREATE STREAM kd (id INT KEY, region STRING KEY, name STRING, score DOUBLE)
  WITH (kafka_topic='kd', format='DELIMITED');
CREATE STREAM kf (id BIGINT KEY, v STRING) WITH (kafka_topic='kf', format='JSON');
SHOW STREAMS;
CREATE STREAM kj_out AS SELECT id, region, v + 1 AS v FROM kj;
CREATE STREAM kd_out AS SELECT id, region, name, score * 2 AS score FROM kd;
CREATE STREAM kd_json WITH (key_format='JSON', value_format='JSON') AS SELECT * FROM kd;
CREATE STREAM kf_kafka WITH (key_format='KAFKA') AS SELECT id, v FROM kf;
