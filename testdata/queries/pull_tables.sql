-- Pull queries on a CREATE SOURCE TABLE (materialized by an internal
-- query: it reads the rows already in its topic, then new ones), on a CTAS
-- projection/filter over a table (materialized before its sink: upserts and
-- tombstones), and on a stream (the records its topic holds now).
CREATE TABLE users_in (id BIGINT PRIMARY KEY, name STRING, city STRING) WITH (kafka_topic='users', format='JSON', partitions=1);
INSERT INTO users_in (id, name, city) VALUES (1, 'ann', 'Lyon');
CREATE SOURCE TABLE users (id BIGINT PRIMARY KEY, name STRING, city STRING) WITH (kafka_topic='users', format='JSON', partitions=1);
INSERT INTO users_in (id, name, city) VALUES (2, 'bo', 'Paris');
INSERT INTO users_in (id, name, city) VALUES (1, 'ann', 'Nice');
CREATE TABLE cities (city STRING PRIMARY KEY, country STRING, pop INT) WITH (kafka_topic='cities', format='JSON', partitions=1);
CREATE TABLE big_cities AS SELECT city, UCASE(country) AS country FROM cities WHERE pop > 1000;
INSERT INTO cities (city, country, pop) VALUES ('Paris', 'fr', 2100);
INSERT INTO cities (city, country, pop) VALUES ('Rome', 'it', 2800);
INSERT INTO cities (city, country, pop) VALUES ('Rome', 'it', 10);
CREATE STREAM events (id BIGINT KEY, kind STRING) WITH (kafka_topic='events', format='JSON', partitions=1);
INSERT INTO events (id, kind) VALUES (7, 'view');
INSERT INTO events (id, kind) VALUES (8, 'click');
SELECT * FROM users WHERE id = 2;
SELECT name, city FROM users WHERE id = 1;
SELECT name FROM users WHERE city = 'Nice';
SELECT * FROM big_cities WHERE city = 'Paris';
SELECT * FROM big_cities WHERE city = 'Rome';
SELECT * FROM events WHERE kind = 'click';
EXPLAIN SELECT * FROM users WHERE id IN (1, 2);
