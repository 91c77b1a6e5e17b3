-- error: invalid ENRICH option order=sideways
CREATE STREAM requests (id VARCHAR KEY, ip VARCHAR) WITH (kafka_topic='requests', value_format='JSON', partitions=1);
CREATE FUNCTION geoip(ip VARCHAR) RETURNS STRUCT<country VARCHAR>
  USING HTTP WITH (url='http://geo/lookup');
CREATE STREAM out AS SELECT id, g->country AS country FROM requests
  ENRICH USING ASYNC geoip(ip) AS g WITH (workers=8, order='sideways') EMIT CHANGES;
