package planner

import (
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
)

// PropGlobal is the WITH property that declares a global table:
//
//	CREATE TABLE rates (currency STRING PRIMARY KEY, rate DOUBLE)
//	  WITH (kafka_topic='rates', value_format='JSON', global=true);
//
// A global table is replicated in full to every task of every query that
// joins it, so that a stream joins it on any expression of the stream's
// columns without a repartition (JoinGlobalTable; see docs/joins.md).
// Only source tables (plain CREATE [SOURCE] TABLE, not windowed) can be
// global: the result of a CREATE TABLE AS SELECT is partitioned by its key
// like any query output.
const PropGlobal = "GLOBAL"

// globalProp validates the GLOBAL property of a CREATE (ctas false) or
// CREATE ... AS SELECT (ctas true) statement of the given kind and reports
// its value.
func globalProp(props parser.Properties, kind parser.SourceKind, ctas bool) (bool, error) {
	p, ok := props.Get(PropGlobal)
	if !ok {
		return false, nil
	}
	var on bool
	switch v := p.Value.(type) {
	case bool:
		on = v
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			on = true
		case "false":
		default:
			return false, rqlerr.At(rqlerr.StmtInvalidProps, p.Pos, "Invalid value for 'GLOBAL': %s. Valid values are true and false.", v)
		}
	default:
		return false, rqlerr.At(rqlerr.StmtInvalidProps, p.Pos, "Invalid value for 'GLOBAL': %s. Valid values are true and false.", propString(p))
	}
	if !on {
		return false, nil
	}
	switch {
	case kind != parser.KindTable:
		return false, rqlerr.At(rqlerr.StmtInvalidProps, p.Pos, "The 'GLOBAL' property is only valid for tables: a global table is replicated in full to every task that joins it.")
	case ctas:
		return false, rqlerr.At(rqlerr.StmtInvalidProps, p.Pos, "The 'GLOBAL' property is only valid for source tables (CREATE TABLE ... WITH (KAFKA_TOPIC=..., GLOBAL=true)), not for the result of CREATE TABLE AS SELECT.")
	}
	if w, ok := props.Get("WINDOW_TYPE"); ok {
		return false, rqlerr.At(rqlerr.StmtInvalidProps, w.Pos, "A windowed table cannot be global.")
	}
	return true, nil
}
