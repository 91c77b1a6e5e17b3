-- http: geo
-- on_failure after a 500: drop, log (processing log), null, dlq (the input
-- record with headers describing the failure, to dlq_topic).
CREATE STREAM requests (id VARCHAR KEY, ip VARCHAR) WITH (kafka_topic='requests', value_format='JSON', partitions=1);
CREATE FUNCTION geoip(ip VARCHAR) RETURNS STRUCT<country VARCHAR>
  USING HTTP WITH (url='http://geo/lookup', response_path='data');
CREATE STREAM dropped AS SELECT id, g->country AS country FROM requests
  ENRICH USING ASYNC geoip(ip) AS g WITH (on_failure='drop') EMIT CHANGES;
CREATE STREAM logged AS SELECT id, g->country AS country FROM requests
  ENRICH USING ASYNC geoip(ip) AS g WITH (on_failure='log') EMIT CHANGES;
CREATE STREAM nulled AS SELECT id, g->country AS country FROM requests
  ENRICH USING ASYNC geoip(ip) AS g WITH (on_failure='null') EMIT CHANGES;
CREATE STREAM lettered AS SELECT id, g->country AS country FROM requests
  ENRICH USING ASYNC geoip(ip) AS g WITH (on_failure='dlq', dlq_topic='geo_dlq') EMIT CHANGES;
-- input {"topic": "requests", "key": "a", "value": {"IP": "1.2.3.4"}, "timestamp": 1}
-- input {"topic": "requests", "key": "b", "value": {"IP": "bad1"}, "timestamp": 2, "headers": [{"KEY": "trace", "VALUE": "dHJhY2U="}]}
-- input {"topic": "requests", "key": "c", "value": {"IP": "5.6.7.8"}, "timestamp": 3}
