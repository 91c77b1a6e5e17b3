package engine

import (
	"slices"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/format"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// keyPartitions returns the partitions of the store of sub (n partitions)
// holding the keys of key lookup p, computed as the runtime partitions the
// records the store's tasks read; nil when it cannot tell (not a key
// lookup, a query with joins or a table re-grouping, a key that does not
// evaluate — the lookup reports that itself), and then every partition is
// read. Two layouts are known:
//
//   - the tasks read the GROUP BY repartition topic: murmur2 of the
//     encoded grouping values (task.groupPartition);
//   - the tasks read the query's source topic (a CREATE SOURCE TABLE, a
//     CTAS over a table, a GROUP BY on the source key): murmur2 of the key
//     serialized in the source's key format, as Kafka's default
//     partitioner and INSERT VALUES place it (single-column, unwindowed
//     keys only).
func (q *query) keyPartitions(sub *subTopology, p *planner.PullPlan, n int) []int32 {
	if p.Lookup == nil || p.Lookup.Kind != planner.LookupKeys || q.topo.joins || len(sub.inputs) > 1 {
		return nil
	}
	keys := lookupValues(p)
	if keys == nil {
		return nil
	}
	var part func(key []sqltypes.Value) (int32, bool)
	switch {
	case sub.fromRepartition && sub.topic == q.topo.repartition:
		if p.Store.Kind != planner.StoreAggregate || !groupedBy(q.topo, sub.topic) {
			return nil
		}
		keyPos := map[int]int{}
		for i, c := range p.Source.Schema.Columns {
			if c.NS == sqltypes.NSKey {
				keyPos[i] = len(keyPos)
			}
		}
		for _, g := range p.Store.GroupKeys {
			if _, ok := keyPos[g]; !ok {
				return nil
			}
		}
		rn := q.outParts[sub.topic]
		part = func(key []sqltypes.Value) (int32, bool) {
			if rn <= 1 {
				return 0, true
			}
			gk := make([]sqltypes.Value, len(p.Store.GroupKeys))
			for i, col := range p.Store.GroupKeys {
				gk[i] = key[keyPos[col]]
			}
			enc, err := exec.EncodeKey(nil, gk...)
			return partitionFor(enc, rn), err == nil
		}
	case !sub.fromRepartition:
		scans := sub.plan.Scans()
		if len(scans) != 1 || scans[0].Source.Topic != sub.topic || scans[0].Source.Window != nil {
			return nil
		}
		src := scans[0].Source
		var cols []sqltypes.Column
		for _, c := range src.Schema.Columns {
			if c.NS == sqltypes.NSKey {
				cols = append(cols, c)
			}
		}
		if len(cols) != 1 || len(p.Lookup.KeyTypes) != 1 || !cols[0].Type.Equal(p.Lookup.KeyTypes[0]) {
			return nil
		}
		serde, err := format.NewKeySerde(src.KeyFormat, cols, src.KeyOpts)
		if err != nil {
			return nil
		}
		part = func(key []sqltypes.Value) (int32, bool) {
			pt, err := keyPartition(serde, key, n)
			return pt, err == nil
		}
	default:
		return nil
	}
	var out []int32
	for _, k := range keys {
		pt, ok := part(k)
		if !ok || pt < 0 || int(pt) >= n {
			return nil
		}
		if !slices.Contains(out, pt) {
			out = append(out, pt)
		}
	}
	slices.Sort(out)
	return out
}

// groupedBy reports whether topic is written by a sub-topology choosing
// partitions by GROUP BY values (repKeys), not by PARTITION BY.
func groupedBy(topo *topology, topic string) bool {
	for _, s := range topo.subs {
		if s.repSink != nil && s.repSink.Target.Topic == topic && len(s.repKeys) > 0 && s.repFormat == nil {
			return true
		}
	}
	return false
}

// lookupValues evaluates the keys of a key lookup as exec.Pull does,
// converted to the key columns' types; nil when one does not evaluate.
func lookupValues(p *planner.PullPlan) [][]sqltypes.Value {
	var out [][]sqltypes.Value
	for _, exprs := range p.Lookup.Keys {
		if len(exprs) != len(p.Lookup.KeyTypes) {
			return nil
		}
		vals := make([]sqltypes.Value, len(exprs))
		for i, e := range exprs {
			ev, err := exec.Compile(e, nil)
			if err != nil {
				return nil
			}
			v, err := ev.Eval(&exec.Row{})
			if err != nil || v == nil {
				return nil
			}
			cv, err := udf.Coerce(v, e.Type(), p.Lookup.KeyTypes[i])
			if err != nil || cv == nil {
				return nil
			}
			vals[i] = cv
		}
		out = append(out, vals)
	}
	return out
}
