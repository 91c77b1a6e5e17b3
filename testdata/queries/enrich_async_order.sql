-- http: geo
-- ENRICH USING ASYNC in each order mode, with workers and buffer. The test
-- driver completes each record before the next, so all three outputs are
-- in input order; docs/enrichment.md explains what each mode guarantees.
CREATE STREAM requests (id VARCHAR KEY, ip VARCHAR) WITH (kafka_topic='requests', value_format='JSON', partitions=1);
CREATE FUNCTION geoip(ip VARCHAR) RETURNS STRUCT<country VARCHAR, city VARCHAR>
  USING HTTP WITH (url='http://geo/ip/{ip}', method='GET', response_path='data');
CREATE STREAM by_offset AS SELECT id, g->country AS country FROM requests
  ENRICH USING ASYNC geoip(ip) AS g WITH (workers=4, buffer=8, order='ordered') EMIT CHANGES;
CREATE STREAM by_key AS SELECT id, g->country AS country FROM requests
  ENRICH USING ASYNC geoip(ip) AS g WITH (workers=2, order='key') EMIT CHANGES;
CREATE STREAM any_order AS SELECT id, g->city AS city FROM requests
  ENRICH USING ASYNC geoip(ip) AS g WITH (workers=1, buffer=1, order='unordered') EMIT CHANGES;
-- input {"topic": "requests", "key": "a", "value": {"IP": "1.2.3.4"}, "timestamp": 1}
-- input {"topic": "requests", "key": "b", "value": {"IP": "9.9.9.9"}, "timestamp": 2}
-- input {"topic": "requests", "key": "a", "value": {"IP": "5.6.7.8"}, "timestamp": 3}
-- input {"topic": "requests", "key": "c", "value": {"IP": "8.8.8.8"}, "timestamp": 4}
