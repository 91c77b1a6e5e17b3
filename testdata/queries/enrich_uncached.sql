-- http: geo
-- The same input as enrich_rate_cache without a cache: every row is a
-- call, and the service counts them (calls 1, 2, 1, 3).
CREATE STREAM requests (id VARCHAR KEY, ip VARCHAR) WITH (kafka_topic='requests', value_format='JSON', partitions=1);
CREATE FUNCTION geoip(ip VARCHAR) RETURNS STRUCT<city VARCHAR, calls INT>
  USING HTTP WITH (url='http://geo/ip/{ip}', method='GET', response_path='data');
CREATE STREAM uncached AS SELECT id, g->city AS city, g->calls AS calls FROM requests
  ENRICH USING ASYNC geoip(ip) AS g WITH (rate=1000) EMIT CHANGES;
-- input {"topic": "requests", "key": "a", "value": {"IP": "9.9.9.9"}, "timestamp": 1}
-- input {"topic": "requests", "key": "b", "value": {"IP": "9.9.9.9"}, "timestamp": 2}
-- input {"topic": "requests", "key": "c", "value": {"IP": "8.8.8.8"}, "timestamp": 3}
-- input {"topic": "requests", "key": "d", "value": {"IP": "9.9.9.9"}, "timestamp": 4}
