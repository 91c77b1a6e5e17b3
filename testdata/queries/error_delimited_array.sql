-- error: The 'DELIMITED' format does not support type 'ARRAY'
CREATE STREAM s (k STRING KEY, v ARRAY<INT>) WITH (kafka_topic='s', value_format='DELIMITED');
