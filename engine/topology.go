package engine

import (
	"encoding/binary"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/format"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
)

// srcHeader is the internal header of repartition records: the partition
// (4 bytes) and offset (8 bytes, big endian) of the source record, then
// the row's exec.Row.Seq (4 bytes) and the source topic's name, so that
// ROWPARTITION, ROWOFFSET, processing-log entries and enrichment
// idempotency keys downstream of the repartition name the source record,
// as they do in the driver. It is removed before the second sub-topology
// sees the record. (A 12-byte value, written before Seq and the topic
// were added, gives the position alone.)
const srcHeader = "__rql.src"

// subTopology is the part of a query that reads one topic: a plan whose
// root is a Sink (the query's sink, or the repartition topic).
type subTopology struct {
	topic string
	plan  *planner.QueryPlan
	// repSink, when set, is the sink into the repartition topic: plan's
	// root is then the Rekey node, whose rows the task serializes itself
	// (to tag each record with its source position).
	repSink *planner.Sink
	// fromRepartition marks the sub-topology reading the repartition
	// topic; srcTopic is then the query's source topic.
	fromRepartition bool
	srcTopic        string
	// repKeys, for the sub-topology writing the repartition topic of a
	// GROUP BY, are the grouping expressions: a record goes to the
	// partition of their encoded values (the record key is the row's own
	// key, so that the second sub-topology reads the row back unchanged).
	repKeys []planner.Expr
	// stateful marks a sub-topology with state stores (see state.go).
	stateful bool
	// enrichCkpt marks a sub-topology whose asynchronous enrichment keeps
	// its checkpoint in a state table (enrich.go).
	enrichCkpt bool

	// Joins (join_topology.go). inputs are the topics the sub-topology
	// reads, topic first (nil: topic alone); a task owns partition p of
	// each, and parts is their partition count (0: the source's).
	// internalSrc maps an input that is a repartition topic to the source
	// topic its rows come from.
	inputs      []string
	internalSrc map[string]string
	parts       int
	// repFormat, when set, serializes a join repartition record's key
	// values (repKeys) to choose its partition: where the co-partitioned
	// side keeps that key.
	repFormat *keyFormat
	// fks are the halves of foreign-key joins the sub-topology runs;
	// globals its global-table joins (global.go).
	fks     []fkRole
	globals []*planner.Join
	// changelogs are the sub-topology's state tables (a query with joins
	// may have several stateful sub-topologies); stateTag prefixes its
	// tasks' state directories ("" for the last sub-topology).
	changelogs []changelog
	stateTag   string
}

// readsTopic reports whether the sub-topology reads topic.
func (s *subTopology) readsTopic(topic string) bool {
	if len(s.inputs) == 0 {
		return s.topic == topic
	}
	for _, in := range s.inputs {
		if in == topic {
			return true
		}
	}
	return false
}

// fromInternal reports whether records of topic carry srcHeader (a
// repartition topic), and names the source topic they come from.
func (s *subTopology) fromInternal(topic string) (string, bool) {
	if s.fromRepartition && topic == s.topic {
		return s.srcTopic, true
	}
	src, ok := s.internalSrc[topic]
	return src, ok
}

// topology is a persistent query split at its PARTITION BY.
type topology struct {
	subs []*subTopology
	// repartition is the internal topic ("" without PARTITION BY).
	repartition string
	// joins marks a query cut as splitJoins cuts (per sub-topology inputs,
	// partition counts, state directories and changelogs): a query with
	// joins, or a table re-grouping (splitTableGroupBy). internal lists
	// its internal topics (repartition, subscription, response) with
	// their partition counts.
	joins    bool
	internal []internalTopic
}

// splitQuery splits q at its Rekey node (PARTITION BY) or its
// Repartition node (GROUP BY on other columns than the key) into a first
// sub-topology writing the rows to the repartition topic and a second one
// reading it; without either the query is one sub-topology. A GROUP BY
// re-grouping a table sends signed changes instead of rows
// (splitTableGroupBy). repTopic names the PARTITION BY topic; a GROUP BY's
// is "<service>-" + its plan's Topic.
func splitQuery(q *planner.QueryPlan, service, repTopic string, repParts int) (*topology, error) {
	if err := checkSupported(q.Root); err != nil {
		return nil, err
	}
	scans := q.Scans()
	if len(scans) != 1 {
		return nil, rqlerr.New(rqlerr.StmtInvalidProps,
			"the Kafka engine runs queries over one source for now; this query reads %d", len(scans))
	}
	srcTopic := scans[0].Source.Topic
	topo, err := split(q, srcTopic, service, repTopic, repParts)
	if err != nil {
		return nil, err
	}
	for _, s := range topo.subs {
		s.stateful = needsState(s.plan.Root)
	}
	return topo, nil
}

func split(q *planner.QueryPlan, srcTopic, service, repTopic string, repParts int) (*topology, error) {
	rk := findRekey(q.Root)
	rp := findRepartition(q.Root)
	if rk != nil && rp != nil {
		// Without joins a Repartition comes from GROUP BY, which the
		// planner refuses with PARTITION BY as ksqlDB does.
		return nil, rqlerr.Bug("query %s has both a PARTITION BY and a GROUP BY repartition", q.ID)
	}
	if rp != nil {
		if agg := aggregateOver(q.Root, rp); agg != nil && agg.Window == nil && rp.Input.Props().Mode == planner.Upsert {
			return splitTableGroupBy(q, agg, srcTopic, service+"-"+rp.Topic, repParts)
		}
		return splitGroupBy(q, rp, srcTopic, service+"-"+rp.Topic, repParts)
	}
	if rk == nil {
		return &topology{subs: []*subTopology{{topic: srcTopic, plan: q}}}, nil
	}
	rep := &planner.Source{Name: q.ID + "_REPARTITION", Kind: parser.KindStream, Topic: repTopic,
		Schema: rk.Out, KeyFormat: format.JSON, ValueFormat: format.JSON, Partitions: repParts}
	first := &planner.QueryPlan{ID: q.ID, Kind: q.Kind, Sources: q.Sources, Limit: q.Limit, Root: rk}
	scan := &planner.Scan{Source: rep, P: planner.Props{Mode: rk.Props().Mode, Key: rk.Props().Key}}
	root, err := replaceNode(q.Root, rk, scan)
	if err != nil {
		return nil, err
	}
	second := &planner.QueryPlan{ID: q.ID, Kind: q.Kind, Sources: q.Sources, Limit: q.Limit, Root: root}
	return &topology{repartition: repTopic, subs: []*subTopology{
		{topic: srcTopic, plan: first, repSink: &planner.Sink{Input: rk, Target: rep, TimestampIndex: -1}},
		{topic: repTopic, plan: second, fromRepartition: true, srcTopic: srcTopic},
	}}, nil
}

// splitGroupBy splits q at rp: the first sub-topology writes rp's input
// rows (JSON key and value, in rp's input schema) to the repartition
// topic, partitioned by the grouping key; the second reads them back and
// aggregates.
func splitGroupBy(q *planner.QueryPlan, rp *planner.Repartition, srcTopic, repTopic string, repParts int) (*topology, error) {
	in := rp.Input
	kind := parser.KindStream
	if in.Props().Mode == planner.Upsert {
		kind = parser.KindTable
	}
	rep := &planner.Source{Name: q.ID + "_GROUPBY_REPARTITION", Kind: kind, Topic: repTopic,
		Schema: in.Schema(), KeyFormat: format.JSON, ValueFormat: format.JSON, Partitions: repParts}
	first := &planner.QueryPlan{ID: q.ID, Kind: q.Kind, Sources: q.Sources, Limit: q.Limit, Root: in}
	scan := &planner.Scan{Source: rep, P: planner.Props{Mode: in.Props().Mode, Key: in.Props().Key}}
	root, err := replaceNode(q.Root, rp, scan)
	if err != nil {
		return nil, err
	}
	second := &planner.QueryPlan{ID: q.ID, Kind: q.Kind, Sources: q.Sources, Limit: q.Limit, Root: root}
	return &topology{repartition: repTopic, subs: []*subTopology{
		{topic: srcTopic, plan: first, repSink: &planner.Sink{Input: in, Target: rep, TimestampIndex: -1}, repKeys: rp.Keys},
		{topic: repTopic, plan: second, fromRepartition: true, srcTopic: srcTopic},
	}}, nil
}

// splitTableGroupBy splits q, whose aggregation agg re-groups a table
// (agg.Input is a Repartition of upsert rows), as Kafka Streams'
// KTable#groupBy does (see exec/aggregate_change.go):
//
//   - the first sub-topology, one task per partition of the table's topic
//     (so partitioned by the table's key), runs the pre-aggregate part of
//     the plan then an exec.GroupChangesNode, which keeps the input store
//     (the "-input" state table, with its changelog) and writes every
//     change of the table as signed changes (exec.Change: subtract the
//     previous version from its group, add the new one to its group, or
//     replace within one group) to repTopic, each in the partition of its
//     group key;
//   - the second, one task per partition of repTopic, folds them with an
//     exec.ApplyChangesNode (the accumulators, no input store) and runs the
//     rest of the plan to the sink.
//
// The two are cut as join queries are (topology.joins): each stateful
// sub-topology has its own state directories and changelogs, and repTopic
// is an internal topic with the table topic's partition count.
func splitTableGroupBy(q *planner.QueryPlan, agg *planner.Aggregate, srcTopic, repTopic string, repParts int) (*topology, error) {
	rp := agg.Input.(*planner.Repartition)
	out, err := agg.WithChildren(rp.Input)
	if err != nil {
		return nil, err
	}
	changes := &exec.GroupChangesNode{Aggregate: out.(*planner.Aggregate)}
	src := exec.ChangeSource(q.ID+"_GROUPBY_CHANGES", repTopic, repParts)
	in, err := agg.WithChildren(exec.ChangeScan(src))
	if err != nil {
		return nil, err
	}
	root, err := replaceNode(q.Root, agg, &exec.ApplyChangesNode{Aggregate: in.(*planner.Aggregate)})
	if err != nil {
		return nil, err
	}
	first := &planner.QueryPlan{ID: q.ID, Kind: q.Kind, Sources: q.Sources, Limit: q.Limit, Root: changes}
	second := &planner.QueryPlan{ID: q.ID, Kind: q.Kind, Sources: q.Sources, Limit: q.Limit, Root: root}
	return &topology{joins: true, internal: []internalTopic{{name: repTopic, parts: repParts}}, subs: []*subTopology{
		{topic: srcTopic, inputs: []string{srcTopic}, parts: repParts, plan: first, stateTag: "s0-",
			repSink: &planner.Sink{Input: changes, Target: src, TimestampIndex: -1}},
		{topic: repTopic, inputs: []string{repTopic}, parts: repParts, plan: second,
			fromRepartition: true, srcTopic: srcTopic, internalSrc: map[string]string{repTopic: srcTopic}},
	}}, nil
}

// aggregateOver returns the Aggregate of n whose input is rp.
func aggregateOver(n planner.Node, rp *planner.Repartition) *planner.Aggregate {
	if a, ok := n.(*planner.Aggregate); ok && a.Input == planner.Node(rp) {
		return a
	}
	for _, c := range n.Children() {
		if a := aggregateOver(c, rp); a != nil {
			return a
		}
	}
	return nil
}

func findRepartition(n planner.Node) *planner.Repartition {
	if rp, ok := n.(*planner.Repartition); ok {
		return rp
	}
	for _, c := range n.Children() {
		if rp := findRepartition(c); rp != nil {
			return rp
		}
	}
	return nil
}

func findRekey(n planner.Node) *planner.Rekey {
	if rk, ok := n.(*planner.Rekey); ok {
		return rk
	}
	for _, c := range n.Children() {
		if rk := findRekey(c); rk != nil {
			return rk
		}
	}
	return nil
}

// replaceNode returns a copy of n with old replaced by repl.
func replaceNode(n, old, repl planner.Node) (planner.Node, error) {
	if n == old {
		return repl, nil
	}
	kids := n.Children()
	if len(kids) == 0 {
		return n, nil
	}
	nk := make([]planner.Node, len(kids))
	for i, c := range kids {
		r, err := replaceNode(c, old, repl)
		if err != nil {
			return nil, err
		}
		nk[i] = r
	}
	return n.WithChildren(nk...)
}

// toExec converts a consumed record for the operators. For records of the
// repartition topic it restores the source topic, partition, offset and
// row Seq from srcHeader and drops that header; srcTopic is the source
// topic the sub-topology expects there (its name is then not copied).
func toExec(r *kafka.Record, fromRepartition bool, srcTopic string) exec.Record {
	e := exec.Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Key: r.Key, Value: r.Value,
		Timestamp: r.Timestamp.UnixMilli()}
	if len(r.Headers) == 0 {
		return e
	}
	e.Headers = make([]exec.Header, 0, len(r.Headers))
	for _, h := range r.Headers {
		if fromRepartition && h.Key == srcHeader && len(h.Value) >= 12 {
			e.Partition = int32(binary.BigEndian.Uint32(h.Value))
			e.Offset = int64(binary.BigEndian.Uint64(h.Value[4:]))
			if len(h.Value) >= 16 {
				e.Seq = int32(binary.BigEndian.Uint32(h.Value[12:]))
				switch t := h.Value[16:]; {
				case string(t) == srcTopic:
					e.Topic = srcTopic
				case len(t) > 0:
					e.Topic = string(t)
				}
			}
			continue
		}
		e.Headers = append(e.Headers, exec.Header{Key: h.Key, Value: h.Value})
	}
	if len(e.Headers) == 0 {
		e.Headers = nil
	}
	return e
}

// sourceWindows maps the topic of each windowed source q scans to its
// window (nil when q scans none).
func sourceWindows(q *planner.QueryPlan) map[string]*parser.Window {
	var m map[string]*parser.Window
	if q == nil || q.Root == nil {
		return nil
	}
	for _, s := range q.Scans() {
		if s.Source != nil && s.Source.Window != nil {
			if m == nil {
				m = map[string]*parser.Window{}
			}
			m[s.Source.Topic] = s.Source.Window
		}
	}
	return m
}

// toExecWindowed is toExec for a record of a windowed source (w non-nil):
// it takes the window off the key as ksqlDB's windowed serdes write it
// (see task.windowedKey) — key ‖ start for time windows, whose end is
// start + size; key ‖ end ‖ start for sessions (8 bytes big-endian each)
// — and sets it on the record. A key too short to hold a window (or a
// null key) is left as it is.
func toExecWindowed(r *kafka.Record, fromRepartition bool, srcTopic string, w *parser.Window) exec.Record {
	e := toExec(r, fromRepartition, srcTopic)
	if w == nil {
		return e
	}
	k := e.Key
	if w.Kind == parser.WindowSession {
		if len(k) < 16 {
			return e
		}
		n := len(k) - 16
		e.Key = k[:n:n]
		e.HasWindow = true
		e.WindowEnd = int64(binary.BigEndian.Uint64(k[n:]))
		e.WindowStart = int64(binary.BigEndian.Uint64(k[n+8:]))
		return e
	}
	if len(k) < 8 {
		return e
	}
	n := len(k) - 8
	e.Key = k[:n:n]
	e.HasWindow = true
	e.WindowStart = int64(binary.BigEndian.Uint64(k[n:]))
	e.WindowEnd = e.WindowStart + w.Size
	return e
}

// srcPos encodes the source of row r for srcHeader.
func srcPos(r *exec.Row) []byte {
	b := make([]byte, 16, 16+len(r.Topic))
	binary.BigEndian.PutUint32(b, uint32(r.Partition))
	binary.BigEndian.PutUint64(b[4:], uint64(r.Offset))
	binary.BigEndian.PutUint32(b[12:], uint32(r.Seq))
	return append(b, r.Topic...)
}

// checkSupported rejects plans with operators the Kafka runtime does not
// run yet. Aggregations (windowed or not), table filters,
// materializations and joins run with state stores (state.go).
func checkSupported(n planner.Node) error {
	switch n.(type) {
	case *planner.Scan, *planner.Filter, *planner.FlatMap, *planner.Rekey, *planner.Project, *planner.Sink,
		*planner.Aggregate, *planner.Repartition, *planner.Materialize, *planner.Enrich, *planner.Join:
	default:
		return rqlerr.New(rqlerr.StmtInvalidProps,
			"the Kafka runtime does not run %s yet (filter, project, table functions, PARTITION BY, aggregations and windows)", n)
	}
	for _, c := range n.Children() {
		if err := checkSupported(c); err != nil {
			return err
		}
	}
	return nil
}
