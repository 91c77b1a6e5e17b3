-- error: does not exist
DROP STREAM nope;
