-- DESCRIBE FUNCTION prints a DECIMAL parameter of any precision as DECIMAL,
-- and marks with "..." the parameter a call may repeat (TOPK's other
-- columns, before the literal k; GREATEST's last).
DESCRIBE FUNCTION explode;
DESCRIBE FUNCTION topk;
DESCRIBE FUNCTION greatest;
