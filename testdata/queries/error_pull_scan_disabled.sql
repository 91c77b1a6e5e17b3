-- error: WHERE clause missing key column for disjunct
-- With table scans disabled, a pull query needs a key equality.
SET 'ksql.query.pull.table.scan.enabled'='false';
CREATE SOURCE TABLE t (id BIGINT PRIMARY KEY, v STRING) WITH (kafka_topic='t', format='JSON', partitions=1);
SELECT * FROM t WHERE id = 1;
SELECT * FROM t WHERE v = 'x';
