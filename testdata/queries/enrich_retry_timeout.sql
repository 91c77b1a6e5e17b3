-- http: geo
-- timeout and retry: a 'flaky' address answers 503 (Retry-After: 0) once,
-- then 200, so one retry recovers it (calls = 2); a 'hang' address never
-- answers: each attempt times out after 50ms, and after its retries the
-- row gets a NULL enrichment (OUT, on_failure='null') or is dropped
-- (BACKOFF). A 404 ('missing') is final at once, never retried. The
-- service counts calls per address across both queries (OUT runs first).
CREATE STREAM requests (id VARCHAR KEY, ip VARCHAR) WITH (kafka_topic='requests', value_format='JSON', partitions=1);
CREATE FUNCTION geoip(ip VARCHAR) RETURNS STRUCT<country VARCHAR, calls INT>
  USING HTTP WITH (url='http://geo/lookup', response_path='data');
CREATE STREAM out AS SELECT id, g->country AS country, g->calls AS calls FROM requests
  ENRICH USING ASYNC geoip(ip) AS g
    WITH (timeout='50ms', retry='fixed(1, 1ms)', jitter=0, on_failure='null')
  EMIT CHANGES;
CREATE STREAM backoff AS SELECT id, g->calls AS calls FROM requests
  ENRICH USING ASYNC geoip(ip) AS g
    WITH (timeout='50ms', retry='backoff(3, 1ms, 2, 10ms)', max_retry_after='1s', on_failure='drop')
  WHERE g->calls > 0
  EMIT CHANGES;
-- input {"topic": "requests", "key": "f", "value": {"IP": "flaky1"}, "timestamp": 1}
-- input {"topic": "requests", "key": "h", "value": {"IP": "hang1"}, "timestamp": 2}
-- input {"topic": "requests", "key": "m", "value": {"IP": "missing1"}, "timestamp": 3}
-- input {"topic": "requests", "key": "k", "value": {"IP": "1.2.3.4"}, "timestamp": 4}
