-- http: geo
-- cache: repeated addresses are answered from the cache (the service saw
-- one call: calls stays 1); without it every row is a call. rate caps
-- calls per second (here far above need, so the output is the same).
CREATE STREAM requests (id VARCHAR KEY, ip VARCHAR) WITH (kafka_topic='requests', value_format='JSON', partitions=1);
CREATE FUNCTION geoip(ip VARCHAR) RETURNS STRUCT<city VARCHAR, calls INT>
  USING HTTP WITH (url='http://geo/ip/{ip}', method='GET', response_path='data');
CREATE STREAM cached AS SELECT id, g->city AS city, g->calls AS calls FROM requests
  ENRICH USING ASYNC geoip(ip) AS g WITH (cache_size=100, cache_ttl='1h', rate=1000, rate_burst=10) EMIT CHANGES;
-- input {"topic": "requests", "key": "a", "value": {"IP": "9.9.9.9"}, "timestamp": 1}
-- input {"topic": "requests", "key": "b", "value": {"IP": "9.9.9.9"}, "timestamp": 2}
-- input {"topic": "requests", "key": "c", "value": {"IP": "8.8.8.8"}, "timestamp": 3}
-- input {"topic": "requests", "key": "d", "value": {"IP": "9.9.9.9"}, "timestamp": 4}
