-- Pull queries on windowed aggregations: one row per window, with
-- WINDOWSTART and WINDOWEND (SELECT * puts them after the key), and bounds
-- on them; session windows report their merged bounds.
CREATE STREAM clicks (user_id STRING KEY, n INT) WITH (kafka_topic='clicks', value_format='JSON');
CREATE TABLE per_minute AS
  SELECT user_id, COUNT(*) AS clicks FROM clicks
  WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user_id;
CREATE TABLE sessions AS
  SELECT user_id, SUM(n) AS total FROM clicks
  WINDOW SESSION (30 SECONDS) GROUP BY user_id;
INSERT INTO clicks (ROWTIME, user_id, n) VALUES (1000, 'alice', 1);
INSERT INTO clicks (ROWTIME, user_id, n) VALUES (20000, 'alice', 2);
INSERT INTO clicks (ROWTIME, user_id, n) VALUES (70000, 'alice', 3);
INSERT INTO clicks (ROWTIME, user_id, n) VALUES (200000, 'alice', 4);
INSERT INTO clicks (ROWTIME, user_id, n) VALUES (5000, 'bob', 5);
SELECT * FROM per_minute WHERE user_id = 'alice';
SELECT user_id, clicks FROM per_minute WHERE user_id = 'alice' AND WINDOWSTART >= 60000 AND WINDOWEND <= 120000;
SELECT * FROM per_minute WHERE WINDOWSTART = 0;
SELECT user_id, WINDOWSTART, WINDOWEND, total FROM sessions WHERE user_id = 'alice';
