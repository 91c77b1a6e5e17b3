-- error: Cannot compare B (ARRAY<INTEGER>) to C (ARRAY<INTEGER>) with LESS_THAN.
CREATE STREAM input (a INT KEY, b ARRAY<INT>, c ARRAY<INT>) WITH (kafka_topic='test_topic', value_format='JSON');
CREATE STREAM output AS SELECT a, b < c FROM input;
