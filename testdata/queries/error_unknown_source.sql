-- error: does not exist
-- Reading a stream that was never created.
CREATE STREAM o AS SELECT * FROM nowhere;
