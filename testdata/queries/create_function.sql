-- error: cannot replace built-in function ABS
-- CREATE [OR REPLACE] FUNCTION, DESCRIBE FUNCTION, DROP FUNCTION [IF EXISTS].
CREATE FUNCTION score(user_id VARCHAR, boost INT) RETURNS DOUBLE
  USING HTTP WITH (url='http://model/score', timeout='1s');
DESCRIBE FUNCTION score;
CREATE OR REPLACE FUNCTION score(user_id VARCHAR) RETURNS DOUBLE
  USING HTTP WITH (url='http://model/score/{user_id}', method='GET');
DESCRIBE FUNCTION score;
DROP FUNCTION score;
DROP FUNCTION IF EXISTS score;
CREATE FUNCTION abs(x INT) RETURNS INT USING HTTP WITH (url='http://model/abs');
