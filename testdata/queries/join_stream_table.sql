-- Stream-table joins, inner and left: each click looks up the user's
-- current row; table updates emit nothing; a click before its user row
-- joins nothing (inner) or NULLs (left); a table tombstone forgets the row;
-- results keep the click's time. VIEWS joins on a value column, so the
-- stream is re-keyed (repartition) by PAGE_ID first.
-- input {"topic":"clicks","key":"u1","value":{"URL":"/a","PAGE":"p1"},"timestamp":1}
-- input {"topic":"users","key":"u1","value":{"NAME":"ann"},"timestamp":2}
-- input {"topic":"pages","key":"p1","value":{"TITLE":"home"},"timestamp":2}
-- input {"topic":"clicks","key":"u1","value":{"URL":"/b","PAGE":"p1"},"timestamp":3}
-- input {"topic":"users","key":"u1","value":{"NAME":"anne"},"timestamp":10}
-- input {"topic":"clicks","key":"u1","value":{"URL":"/c","PAGE":"p2"},"timestamp":4}
-- input {"topic":"clicks","key":"u2","value":{"URL":"/d","PAGE":null},"timestamp":5}
-- input {"topic":"users","key":"u1","value":null,"timestamp":11}
-- input {"topic":"clicks","key":"u1","value":{"URL":"/e","PAGE":"p1"},"timestamp":12}
CREATE STREAM clicks (user_id STRING KEY, url STRING, page STRING) WITH (kafka_topic='clicks', value_format='JSON');
CREATE TABLE users (user_id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='users', value_format='JSON');
CREATE TABLE pages (page STRING PRIMARY KEY, title STRING) WITH (kafka_topic='pages', value_format='JSON');
CREATE STREAM inner_users AS SELECT c.user_id, url, name FROM clicks c JOIN users u ON c.user_id = u.user_id;
CREATE STREAM left_users AS SELECT c.user_id, url, name FROM clicks c LEFT JOIN users u ON c.user_id = u.user_id;
CREATE STREAM by_page AS SELECT p.page, url, title FROM clicks c LEFT JOIN pages p ON c.page = p.page;
