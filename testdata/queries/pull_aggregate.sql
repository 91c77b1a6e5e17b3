-- Pull queries on a CTAS aggregation, answered from the aggregation's
-- RocksDB state: key lookup, IN (one row per distinct key), key range and
-- table scan (filter on a value column), LIMIT, ROWTIME of the last update;
-- a group that fails HAVING has no row.
CREATE STREAM pageviews (user_id STRING KEY, page STRING, ms INT) WITH (kafka_topic='pageviews', value_format='JSON');
CREATE TABLE by_page AS
  SELECT page, COUNT(*) AS views, SUM(ms) AS total_ms
  FROM pageviews GROUP BY page HAVING COUNT(*) < 4;
INSERT INTO pageviews (ROWTIME, user_id, page, ms) VALUES (1000, 'u1', 'home', 120);
INSERT INTO pageviews (ROWTIME, user_id, page, ms) VALUES (2000, 'u2', 'home', 80);
INSERT INTO pageviews (ROWTIME, user_id, page, ms) VALUES (3000, 'u1', 'cart', 300);
INSERT INTO pageviews (ROWTIME, user_id, page, ms) VALUES (4000, 'u3', 'about', 10);
INSERT INTO pageviews (ROWTIME, user_id, page, ms) VALUES (5000, 'u3', 'news', 1);
INSERT INTO pageviews (ROWTIME, user_id, page, ms) VALUES (6000, 'u4', 'news', 1);
INSERT INTO pageviews (ROWTIME, user_id, page, ms) VALUES (7000, 'u5', 'news', 1);
INSERT INTO pageviews (ROWTIME, user_id, page, ms) VALUES (8000, 'u6', 'news', 1);
SELECT * FROM by_page WHERE page = 'home';
SELECT page, views, ROWTIME FROM by_page WHERE page IN ('cart', 'home', 'cart', 'news');
SELECT page, total_ms / views AS avg_ms FROM by_page WHERE page < 'd';
SELECT page FROM by_page WHERE total_ms >= 100;
SELECT page FROM by_page WHERE page = 'home' OR views = 1 LIMIT 1;
EXPLAIN SELECT page FROM by_page WHERE page IN ('cart', 'home');
