-- http: geo
-- on_failure='fail' (the default): the failed call stops the query with
-- RQL-U0007 (here: producing input 2 fails, and the harness stops); the
-- row before it was emitted.
CREATE STREAM requests (id VARCHAR KEY, ip VARCHAR) WITH (kafka_topic='requests', value_format='JSON', partitions=1);
CREATE FUNCTION geoip(ip VARCHAR) RETURNS STRUCT<country VARCHAR>
  USING HTTP WITH (url='http://geo/lookup', response_path='data');
CREATE STREAM out AS SELECT id, g->country AS country FROM requests
  ENRICH USING ASYNC geoip(ip) AS g EMIT CHANGES;
-- input {"topic": "requests", "key": "a", "value": {"IP": "1.2.3.4"}, "timestamp": 1}
-- input {"topic": "requests", "key": "b", "value": {"IP": "bad1"}, "timestamp": 2}
-- input {"topic": "requests", "key": "c", "value": {"IP": "5.6.7.8"}, "timestamp": 3}
