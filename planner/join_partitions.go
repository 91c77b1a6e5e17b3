package planner

import (
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// coPartitions checks that a join's inputs are co-partitioned and returns
// the join's partition count (0: unknown). lrep and rrep tell which
// inputs are repartitioned: a repartition topic gets the partition count
// of the other side (the larger of both when both are repartitioned), as
// Kafka Streams sizes the repartition topics of a co-partition group.
// When neither is, their sources' counts must be equal (both known), or
// matching keys would be read by different tasks and silently never meet;
// ksqlDB rejects the statement with the same message. Foreign-key and
// global-table joins need no co-partitioning: their result is partitioned
// like the left input.
func coPartitions(kind JoinKind, l, r *joinTree, lrep, rrep bool, lname, rname string, pos rqlerr.Pos) (int, error) {
	lp, rp := l.partitions, r.partitions
	if kind == JoinForeignKey || kind == JoinGlobalTable {
		return lp, nil
	}
	first := func(a, b int) int {
		if a > 0 {
			return a
		}
		return b
	}
	switch {
	case !lrep && !rrep:
		if lp > 0 && rp > 0 && lp != rp {
			return 0, rqlerr.At(rqlerr.BindInvalid, pos, "Can't join %s with %s since the number of partitions don't match. %s partitions = %d; %s partitions = %d. Please repartition either one so that the number of partitions match.",
				lname, rname, lname, lp, rname, rp)
		}
		return first(lp, rp), nil
	case lrep && !rrep:
		return first(rp, lp), nil
	case !lrep && rrep:
		return first(lp, rp), nil
	}
	return max(lp, rp), nil
}

// leafSourceName is the source name of the leaf of l whose prefix (alias
// or name) is prefix.
func leafSourceName(l *joinTree, prefix string) string {
	for _, lf := range l.leaves {
		if lf.prefix == prefix {
			return lf.src.Name
		}
	}
	return prefix
}

// globalKey lays out the key columns of a global-table join: the left
// input's key columns, which the result keeps (the stream is not
// re-keyed). It appends them to out, sets t's key class from l and
// returns their number.
func globalKey(t, l *joinTree, comb *scope, out *sqltypes.Schema) int {
	nkey := len(l.keyCols)
	for _, k := range l.keyCols {
		c := l.node.Schema().Columns[k]
		name := c.Name
		if !l.isJoin {
			name = colName(comb, k)
		}
		out.Columns = append(out.Columns, sqltypes.Column{Name: name, Type: c.Type, NS: sqltypes.NSKey})
	}
	if l.isJoin {
		for _, m := range l.members {
			t.members = append(t.members, m+nkey)
		}
		t.desc, t.keyName, t.synthetic, t.leafKey = l.desc, l.keyName, l.synthetic, l.leafKey
		return nkey
	}
	for _, k := range l.keyCols {
		t.members = append(t.members, nkey+k)
	}
	t.desc = descOfCols(comb, l.keyCols)
	t.leafKey = true
	if len(l.keyCols) == 1 {
		t.keyName = colName(comb, l.keyCols[0])
	}
	return nkey
}
