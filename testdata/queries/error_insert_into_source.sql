-- error: Cannot insert values into read-only stream: EVENTS
CREATE SOURCE STREAM events (id STRING KEY, v INT) WITH (kafka_topic='events', value_format='JSON');
INSERT INTO events (id, v) VALUES ('a', 1);
