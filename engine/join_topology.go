package engine

import (
	"context"
	"strconv"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/format"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// Joins on the Kafka runtime (see doc.go, "Joins"). A query with joins is
// cut into sub-topologies at every internal topic:
//
//   - a join side that is not keyed by its join expression (a planner
//     Repartition under the Join) is written by a sub-topology of its own
//     to "<service>-<query>-JoinN-left|right-repartition" (Join.Partitions
//     partitions), each record in the partition where the co-partitioned
//     side keeps that key: murmur2 of the join key serialized in that
//     side's key format (JSON when both sides are repartitioned);
//   - a foreign-key join is two halves (exec/fkjoin): the left half, in the
//     sub-topology of the left table, sends subscriptions to
//     "<service>-<query>-JoinN-subscription" (co-partitioned with the right
//     table) and resolves what comes back on "...-response" (co-partitioned
//     with the left table); the right half is a sub-topology reading the
//     right table and the subscriptions;
//   - a global table is no input at all: the query reads its topic with a
//     reader of its own (global.go);
//   - a GROUP BY re-grouping a table join's result (or any table) by other
//     columns than its key ends the join's sub-topology in the group
//     changes, written to "<service>-<query>-Aggregate-GroupBy-repartition"
//     and applied by a sub-topology of their own (cutTableGroupBy).
//
// Every other node stays in the sub-topology of its input; a sub-topology
// reads several co-partitioned topics (a join's two sides), one task per
// partition number owning partition p of each.

// internalTopic is an internal topic a query writes and reads.
type internalTopic struct {
	name  string
	parts int
}

// fkRole is one half of a foreign-key join run by a sub-topology, with
// what its transport needs: the internal topics and the key serializations
// choosing their partitions.
type fkRole struct {
	join      *planner.Join
	side      int
	subTopic  string // subscriptions, co-partitioned with the right table
	respTopic string // responses, co-partitioned with the left table
	// subKey serializes a foreign key as the right table's key, respKey a
	// left primary key as the left table's.
	subKey, respKey keyFormat
}

// keyFormat is how a co-partitioned topic serializes the keys whose murmur2
// chooses partitions.
type keyFormat struct {
	format string
	opts   format.Options
	cols   []sqltypes.Column
}

// hasJoin reports whether plan n joins.
func hasJoin(n planner.Node) bool {
	if _, ok := n.(*planner.Join); ok {
		return true
	}
	for _, c := range n.Children() {
		if hasJoin(c) {
			return true
		}
	}
	return false
}

// part is a cut plan node: the node with its internal-topic inputs
// replaced by scans, and what the sub-topology running it reads.
type part struct {
	node        planner.Node
	inputs      []string
	internalSrc map[string]string
	fks         []fkRole
	globals     []*planner.Join
}

func (p *part) merge(o *part) {
	p.inputs = appendNew(p.inputs, o.inputs...)
	for k, v := range o.internalSrc {
		if p.internalSrc == nil {
			p.internalSrc = map[string]string{}
		}
		p.internalSrc[k] = v
	}
	p.fks = append(p.fks, o.fks...)
	p.globals = append(p.globals, o.globals...)
}

func appendNew(dst []string, vals ...string) []string {
	for _, v := range vals {
		seen := false
		for _, d := range dst {
			seen = seen || d == v
		}
		if !seen {
			dst = append(dst, v)
		}
	}
	return dst
}

// cutter splits a join query (see splitJoins).
type cutter struct {
	q       *planner.QueryPlan
	service string
	parts   func(topic string) (int, error)
	topo    *topology
	nrep    int
}

// splitJoins cuts q, a query with joins, into sub-topologies; the last one
// writes the sink. parts returns a topic's partition count.
func splitJoins(q *planner.QueryPlan, service, rekeyTopic string, parts func(string) (int, error)) (*topology, error) {
	if err := checkSupported(q.Root); err != nil {
		return nil, err
	}
	c := &cutter{q: q, service: service, parts: parts, topo: &topology{joins: true}}
	main, err := c.cut(q.Root, rekeyTopic)
	if err != nil {
		return nil, err
	}
	if _, err := c.addSub(main, nil); err != nil {
		return nil, err
	}
	for i, s := range c.topo.subs {
		s.stateful = needsState(s.plan.Root)
		if i < len(c.topo.subs)-1 {
			s.stateTag = "s" + strconv.Itoa(i) + "-"
		}
	}
	return c.topo, nil
}

// sources are the (non-internal) topics a join query's group reads.
func (t *topology) sources() []string {
	var out []string
	for _, s := range t.subs {
		for _, in := range s.inputs {
			internal := false
			for _, it := range t.internal {
				internal = internal || it.name == in
			}
			if !internal {
				out = appendNew(out, in)
			}
		}
	}
	return out
}

// internalNames lists the names of t.internal.
func (t *topology) internalNames() []string {
	out := make([]string, 0, len(t.internal))
	for _, it := range t.internal {
		out = appendNew(out, it.name)
	}
	return out
}

// partsOr is the sub-topology's partition count, or def when unknown.
func (s *subTopology) partsOr(def int) int {
	if s.parts > 0 {
		return s.parts
	}
	return def
}

// globalStore reports whether table is the store of one of the
// sub-topology's global-table joins.
func (s *subTopology) globalStore(table string) bool {
	for _, g := range s.globals {
		if g.RightStore == table {
			return true
		}
	}
	return false
}

// createInternal creates the internal topics of a join query (existing
// ones are kept; one with fewer partitions than planned is an error: its
// records would miss their co-partitioned tasks) and records their
// partition counts in outParts.
func (e *Engine) createInternal(ctx context.Context, topo *topology, outParts map[string]int) error {
	for _, it := range topo.internal {
		n, err := e.createTopic(ctx, it.name, it.parts, nil)
		if err != nil {
			return err
		}
		if n != it.parts {
			return rqlerr.New(rqlerr.StmtInvalidProps,
				"internal topic %s has %d partitions, the query needs %d", it.name, n, it.parts)
		}
		outParts[it.name] = n
	}
	return nil
}

// addSub appends the sub-topology running p (rooted at p.node) and
// returns it.
func (c *cutter) addSub(p *part, rep *planner.Sink) (*subTopology, error) {
	if len(p.inputs) == 0 {
		return nil, rqlerr.New(rqlerr.StmtInvalidProps, "the Kafka runtime cannot run a query part that reads only global tables")
	}
	n := 0
	for _, in := range p.inputs {
		k, err := c.partsOf(in)
		if err != nil {
			return nil, err
		}
		if n != 0 && k != n {
			return nil, rqlerr.New(rqlerr.StmtInvalidProps,
				"topics %v are read together but are not co-partitioned (%d and %d partitions)", p.inputs, n, k)
		}
		n = k
	}
	s := &subTopology{topic: p.inputs[0], inputs: p.inputs, internalSrc: p.internalSrc, parts: n,
		plan:    &planner.QueryPlan{ID: c.q.ID, Kind: c.q.Kind, Sources: c.q.Sources, Limit: c.q.Limit, Root: p.node},
		repSink: rep, fks: p.fks, globals: p.globals}
	if src, ok := p.internalSrc[p.inputs[0]]; ok && len(p.inputs) == 1 && len(p.fks) == 0 {
		// A task reading one internal topic pushes its records as a
		// repartition's second sub-topology does (task.push): with the
		// source position of srcHeader.
		s.fromRepartition, s.srcTopic = true, src
	}
	c.topo.subs = append(c.topo.subs, s)
	return s, nil
}

// internal registers the internal topic "<service>-"+name and returns its
// full name.
func (c *cutter) internal(name string, parts int) string {
	return c.internalFull(c.service+"-"+name, parts)
}

func (c *cutter) internalFull(full string, parts int) string {
	c.topo.internal = append(c.topo.internal, internalTopic{name: full, parts: parts})
	return full
}

// partsOf is the partition count of a topic: planned for the internal
// ones, else the topic's.
func (c *cutter) partsOf(topic string) (int, error) {
	for _, it := range c.topo.internal {
		if it.name == topic {
			return it.parts, nil
		}
	}
	n, err := c.parts(topic)
	if err == nil && n == 0 {
		err = rqlerr.New(rqlerr.KafkaTopicMissing, "topic %s does not exist", topic)
	}
	return n, err
}

// repSource is the source of an internal topic carrying rows of schema s
// (JSON key and value, as the PARTITION BY and GROUP BY topics).
func (c *cutter) repSource(name, topic string, in planner.Node, parts int) *planner.Source {
	kind := parser.KindStream
	if in.Props().Mode == planner.Upsert {
		kind = parser.KindTable
	}
	return &planner.Source{Name: c.q.ID + "_" + name, Kind: kind, Topic: topic, Schema: in.Schema(),
		KeyFormat: format.JSON, ValueFormat: format.JSON, Partitions: parts}
}

// firstSource is the source topic the rows of p come from (for the
// processing log of the rows read back from an internal topic).
func firstSource(p *part) string {
	for _, in := range p.inputs {
		if s, ok := p.internalSrc[in]; ok {
			return s
		}
		return in
	}
	return ""
}

// cut returns n with its internal topics cut out (see splitJoins).
func (c *cutter) cut(n planner.Node, rekeyTopic string) (*part, error) {
	switch x := n.(type) {
	case *planner.Scan:
		if x.Source.Global {
			return &part{node: x}, nil
		}
		return &part{node: x, inputs: []string{x.Source.Topic}}, nil
	case *planner.Join:
		return c.cutJoin(x, rekeyTopic)
	case *planner.Aggregate:
		if rp, ok := x.Input.(*planner.Repartition); ok && x.Window == nil && rp.Input.Props().Mode == planner.Upsert {
			return c.cutTableGroupBy(x, rp, rekeyTopic)
		}
	case *planner.Repartition:
		// A GROUP BY of a stream on other columns than the key (a table's
		// is cut by cutTableGroupBy, at its Aggregate).
		in, err := c.cut(x.Input, rekeyTopic)
		if err != nil {
			return nil, err
		}
		if in.node.Props().Mode == planner.Upsert {
			return nil, rqlerr.New(rqlerr.StmtInvalidProps,
				"the Kafka runtime does not run a windowed aggregation of a table")
		}
		np, err := c.partsOf(in.inputs[0])
		if err != nil {
			return nil, err
		}
		return c.cutRepartition(in, x.Keys, nil, "GROUPBY_REPARTITION", x.Topic, np)
	case *planner.Rekey:
		in, err := c.cut(x.Input, rekeyTopic)
		if err != nil {
			return nil, err
		}
		np, err := c.partsOf(in.inputs[0])
		if err != nil {
			return nil, err
		}
		rk, err := x.WithChildren(in.node)
		if err != nil {
			return nil, err
		}
		topic := c.internalFull(rekeyTopic, np)
		rep := c.repSource("REPARTITION", topic, rk, np)
		if _, err := c.addSub(&part{node: rk, inputs: in.inputs, internalSrc: in.internalSrc, fks: in.fks,
			globals: in.globals}, &planner.Sink{Input: rk, Target: rep, TimestampIndex: -1}); err != nil {
			return nil, err
		}
		return &part{node: &planner.Scan{Source: rep, P: planner.Props{Mode: rk.Props().Mode, Key: rk.Props().Key}},
			inputs: []string{topic}, internalSrc: map[string]string{topic: firstSource(in)}}, nil
	}
	kids := n.Children()
	if len(kids) == 0 {
		return &part{node: n}, nil
	}
	out := &part{}
	nk := make([]planner.Node, len(kids))
	for i, k := range kids {
		p, err := c.cut(k, rekeyTopic)
		if err != nil {
			return nil, err
		}
		nk[i] = p.node
		out.merge(p)
	}
	nn, err := n.WithChildren(nk...)
	if err != nil {
		return nil, err
	}
	out.node = nn
	return out, nil
}

// cutTableGroupBy cuts agg, which re-groups the table rp.Input (the
// result of a table join, say) by other columns than its key, as
// splitTableGroupBy cuts a plain table's re-grouping: the sub-topology of
// rp.Input (partitioned by the table's key) ends in an
// exec.GroupChangesNode keeping the input store and writing signed
// changes to the internal topic "<service>-"+rp.Topic (as many partitions
// as that sub-topology has), each in the partition of its group key; the
// returned part reads them back into an exec.ApplyChangesNode (the
// accumulators) and goes on to the sink.
func (c *cutter) cutTableGroupBy(agg *planner.Aggregate, rp *planner.Repartition, rekeyTopic string) (*part, error) {
	in, err := c.cut(rp.Input, rekeyTopic)
	if err != nil {
		return nil, err
	}
	if len(in.inputs) == 0 {
		return nil, rqlerr.New(rqlerr.StmtInvalidProps, "the Kafka runtime cannot run a query part that reads only global tables")
	}
	np, err := c.partsOf(in.inputs[0])
	if err != nil {
		return nil, err
	}
	out, err := agg.WithChildren(in.node)
	if err != nil {
		return nil, err
	}
	changes := &exec.GroupChangesNode{Aggregate: out.(*planner.Aggregate)}
	topic := c.internal(rp.Topic, np)
	src := exec.ChangeSource(c.q.ID+"_GROUPBY_CHANGES", topic, np)
	if _, err := c.addSub(&part{node: changes, inputs: in.inputs, internalSrc: in.internalSrc, fks: in.fks,
		globals: in.globals}, &planner.Sink{Input: changes, Target: src, TimestampIndex: -1}); err != nil {
		return nil, err
	}
	apply, err := agg.WithChildren(exec.ChangeScan(src))
	if err != nil {
		return nil, err
	}
	return &part{node: &exec.ApplyChangesNode{Aggregate: apply.(*planner.Aggregate)},
		inputs: []string{topic}, internalSrc: map[string]string{topic: firstSource(in)}}, nil
}

// cutRepartition makes the sub-topology writing in's rows to the internal
// topic name (parts partitions), each to the partition of its keys: the
// murmur2 of their serialization in kf when given (a join side, to meet
// the co-partitioned side), else of their state encoding (GROUP BY). It
// returns the scan reading the topic back.
func (c *cutter) cutRepartition(in *part, keys []planner.Expr, kf *keyFormat, what, name string, parts int) (*part, error) {
	topic := c.internal(name, parts)
	rep := c.repSource(what, topic, in.node, parts)
	sub, err := c.addSub(in, &planner.Sink{Input: in.node, Target: rep, TimestampIndex: -1})
	if err != nil {
		return nil, err
	}
	sub.repKeys = keys
	sub.repFormat = kf
	return &part{node: &planner.Scan{Source: rep, P: planner.Props{Mode: in.node.Props().Mode, Key: in.node.Props().Key}},
		inputs: []string{topic}, internalSrc: map[string]string{topic: firstSource(in)}}, nil
}

// cutJoin cuts a join: its repartitioned sides become sub-topologies
// writing repartition topics, a foreign-key join's right half a
// sub-topology of its own.
func (c *cutter) cutJoin(j *planner.Join, rekeyTopic string) (*part, error) {
	switch j.Kind {
	case planner.JoinGlobalTable:
		l, err := c.cut(j.Left, rekeyTopic)
		if err != nil {
			return nil, err
		}
		if _, ok := j.Right.(*planner.Scan); !ok {
			return nil, rqlerr.New(rqlerr.StmtInvalidProps, "the Kafka runtime joins a global table read directly only")
		}
		nj, err := j.WithChildren(l.node, j.Right)
		if err != nil {
			return nil, err
		}
		l.node = nj
		l.globals = append(l.globals, nj.(*planner.Join))
		return l, nil
	case planner.JoinForeignKey:
		return c.cutForeignKey(j, rekeyTopic)
	}
	// Primary-key joins: co-partition both sides.
	kf := keyFormat{format: format.JSON, cols: []sqltypes.Column{{Name: "K", Type: j.LeftKey.Type(), NS: sqltypes.NSKey}}}
	for _, side := range []planner.Node{j.Left, j.Right} {
		if _, rep := side.(*planner.Repartition); !rep {
			kf.format, kf.opts = partFormat(side)
			break
		}
	}
	parts := j.Partitions
	var sides [2]*part
	for i, side := range []planner.Node{j.Left, j.Right} {
		rp, rep := side.(*planner.Repartition)
		if !rep {
			p, err := c.cut(side, rekeyTopic)
			if err != nil {
				return nil, err
			}
			sides[i] = p
			continue
		}
		in, err := c.cut(rp.Input, rekeyTopic)
		if err != nil {
			return nil, err
		}
		np := parts
		if np <= 0 {
			if np, err = c.partsOf(in.inputs[0]); err != nil {
				return nil, err
			}
		}
		kfc := kf
		what := "LEFT_REPARTITION"
		if i == 1 {
			what = "RIGHT_REPARTITION"
		}
		if sides[i], err = c.cutRepartition(in, rp.Keys, &kfc, what+strconv.Itoa(c.nrep), rp.Topic, np); err != nil {
			return nil, err
		}
		c.nrep++
	}
	nj, err := j.WithChildren(sides[0].node, sides[1].node)
	if err != nil {
		return nil, err
	}
	out := sides[0]
	out.merge(sides[1])
	out.node = nj
	return out, nil
}

// cutForeignKey splits a foreign-key join into its halves: the right half
// becomes a sub-topology reading the right table and the subscription
// topic; the left half stays with the left table, reading the response
// topic too.
func (c *cutter) cutForeignKey(j *planner.Join, rekeyTopic string) (*part, error) {
	l, err := c.cut(j.Left, rekeyTopic)
	if err != nil {
		return nil, err
	}
	r, err := c.cut(j.Right, rekeyTopic)
	if err != nil {
		return nil, err
	}
	if len(l.inputs) == 0 || len(r.inputs) == 0 {
		return nil, rqlerr.New(rqlerr.StmtInvalidProps, "the Kafka runtime cannot run a foreign-key join of a global table")
	}
	lp, err := c.partsOf(l.inputs[0])
	if err != nil {
		return nil, err
	}
	rp, err := c.partsOf(r.inputs[0])
	if err != nil {
		return nil, err
	}
	nj, err := j.WithChildren(l.node, r.node)
	if err != nil {
		return nil, err
	}
	jn := nj.(*planner.Join)
	role := fkRole{join: jn, subTopic: c.internal(j.SubscriptionTopic, rp), respTopic: c.internal(j.ResponseTopic, lp)}
	role.subKey.format, role.subKey.opts = partFormat(j.Right)
	role.subKey.cols = []sqltypes.Column{{Name: "K", Type: j.RightKey.Type(), NS: sqltypes.NSKey}}
	role.respKey.format, role.respKey.opts = partFormat(j.Left)
	role.respKey.cols = j.Left.Schema().Key()

	right := role
	right.side = 1
	r.inputs = append(r.inputs, role.subTopic)
	r.fks = append(r.fks, right)
	r.node = jn
	if _, err := c.addSub(r, nil); err != nil {
		return nil, err
	}
	l.inputs = append(l.inputs, role.respTopic)
	l.fks = append(l.fks, role)
	l.node = jn
	return l, nil
}

// partFormat is the key format whose serialization chooses the partitions
// of n's rows: a source's key format, the partitioning of a join's
// non-repartitioned side (or JSON when both are), a foreign-key or
// global-table join's left input's.
func partFormat(n planner.Node) (string, format.Options) {
	switch x := n.(type) {
	case *planner.Scan:
		return x.Source.KeyFormat, x.Source.KeyOpts
	case *planner.Join:
		if x.Kind == planner.JoinForeignKey || x.Kind == planner.JoinGlobalTable {
			return partFormat(x.Left)
		}
		for _, side := range []planner.Node{x.Left, x.Right} {
			if _, rep := side.(*planner.Repartition); !rep {
				return partFormat(side)
			}
		}
		return format.JSON, format.Options{}
	case *planner.Repartition, *planner.Rekey:
		return format.JSON, format.Options{}
	}
	if kids := n.Children(); len(kids) > 0 {
		return partFormat(kids[0])
	}
	return format.JSON, format.Options{}
}
