-- http: geo
-- A synchronous enrichment through an HTTP user function: the call runs on
-- the task, one row at a time. alias->field and alias.field read the
-- result; WHERE filters on it. The service echoes the idempotency key.
CREATE STREAM requests (id VARCHAR KEY, ip VARCHAR) WITH (kafka_topic='requests', value_format='JSON', partitions=1);
CREATE FUNCTION geoip(ip VARCHAR) RETURNS STRUCT<country VARCHAR, city VARCHAR, key VARCHAR>
  USING HTTP WITH (url='http://geo/lookup', response_path='data', timeout='2s');
DESCRIBE FUNCTION geoip;
CREATE STREAM requests_geo AS
  SELECT r.id, g->country AS country, g.city AS city, g->key AS idem_key
  FROM requests r
  ENRICH USING geoip(r.ip) AS g
  WHERE g->country <> 'ZZ'
  EMIT CHANGES;
EXPLAIN CREATE STREAM x AS SELECT r.id, g FROM requests r ENRICH USING geoip(r.ip) AS g EMIT CHANGES;
-- input {"topic": "requests", "key": "r1", "value": {"IP": "1.2.3.4"}, "timestamp": 1000}
-- input {"topic": "requests", "key": "r2", "value": {"IP": "10.0.0.1"}, "timestamp": 2000}
-- input {"topic": "requests", "key": "r3", "value": {"IP": "5.6.7.8"}, "timestamp": 3000}
-- input {"topic": "requests", "key": "r4", "value": {"IP": null}, "timestamp": 4000}
