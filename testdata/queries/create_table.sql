-- CREATE TABLE over a topic: each record is an upsert for its PRIMARY KEY,
-- a null value a tombstone. A CTAS projection passes upserts and
-- tombstones through; a filter turns a row that no longer matches into a
-- tombstone.
-- input {"topic":"users","key":"u1","value":{"NAME":"ann","AGE":31},"timestamp":1}
-- input {"topic":"users","key":"u2","value":{"NAME":"bob","AGE":17},"timestamp":2}
-- input {"topic":"users","key":"u1","value":{"NAME":"ann","AGE":32},"timestamp":3}
-- input {"topic":"users","key":"u2","value":null,"timestamp":4}
-- input {"topic":"users","key":"u1","value":{"NAME":"ann","AGE":12},"timestamp":5}
CREATE TABLE users (id STRING PRIMARY KEY, name STRING, age INT)
  WITH (kafka_topic='users', value_format='JSON');
CREATE TABLE names AS SELECT id, UCASE(name) AS name FROM users;
CREATE TABLE adults AS SELECT id, name, age FROM users WHERE age >= 18;
SHOW TABLES;
DESCRIBE users;
