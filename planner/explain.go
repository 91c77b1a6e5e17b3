package planner

import (
	"strings"

	"github.com/rql/rql/sqltypes"
)

// Explain renders a query plan as an EXPLAIN tree: the sink line, then the
// operators from the top down with their keys, changelog modes, internal
// topics and state stores.
func Explain(q *QueryPlan) string {
	var ob OutputBuilder
	ExplainTo(&ob, q)
	return ob.BuildString()
}

// ExplainTo adds q's tree to ob.
func ExplainTo(ob *OutputBuilder, q *QueryPlan) {
	root := q.Root
	if s, ok := root.(*Sink); ok {
		t := s.Target
		ob.AddTopField("sink", "topic="+t.Topic+" mode="+s.Props().Mode.String()+" key="+keyList(t.Schema)+
			" formats="+t.KeyFormat+"/"+t.ValueFormat)
		if q.ID != "" {
			ob.AddTopField("query", q.ID)
		}
		root = s.Input
	} else if q.ID != "" {
		ob.AddTopField("query", q.ID)
	}
	explainNode(ob, root)
}

func explainNode(ob *OutputBuilder, n Node) {
	n.explain(ob)
	for _, c := range n.Children() {
		explainNode(ob, c)
	}
	ob.LeaveNode()
}

func keyList(s *sqltypes.Schema) string {
	var ks []string
	for _, c := range s.Columns {
		if c.NS == sqltypes.NSKey {
			ks = append(ks, c.Name)
		}
	}
	return "(" + strings.Join(ks, ", ") + ")"
}

func (n *Scan) explain(ob *OutputBuilder) {
	ob.EnterNode("scan kafka")
	ob.AddField("source", n.Source.Name)
	ob.AddField("topic", n.Source.Topic)
	ob.AddField("formats", "key="+n.Source.KeyFormat+" value="+n.Source.ValueFormat)
	ob.AddField("key", keyList(n.Source.Schema))
	ob.AddField("mode", n.P.Mode.String())
	if n.Source.TimestampColumn != "" {
		ob.AddField("timestamp", n.Source.TimestampColumn)
	}
}

func (n *Filter) explain(ob *OutputBuilder) {
	ob.EnterNode("filter")
	ob.AddField("predicate", n.Pred.String())
}

func (n *FlatMap) explain(ob *OutputBuilder) {
	ob.EnterNode("flat-map")
	parts := make([]string, len(n.Calls))
	for i, c := range n.Calls {
		parts[i] = c.String()
	}
	ob.AddField("functions", strings.Join(parts, ", "))
}

func (n *Rekey) explain(ob *OutputBuilder) {
	ob.EnterNode("rekey")
	if len(n.Keys) == 0 {
		ob.AddField("partition by", "NULL")
	} else {
		ob.AddField("partition by", joinExprs(n.Keys))
	}
	ob.AddField("key", keyList(n.Out))
	ob.AddField("internal topic", n.RepartitionTopic)
}

func (n *Project) explain(ob *OutputBuilder) {
	ob.EnterNode("project")
	ob.AddField("columns", schemaString(n.Out))
	parts := make([]string, len(n.Exprs))
	for i, e := range n.Exprs {
		parts[i] = e.String()
	}
	ob.AddField("exprs", strings.Join(parts, ", "))
	ob.AddField("key", keyList(n.Out))
	ob.AddField("mode", n.Mode.String())
}

func (n *Sink) explain(ob *OutputBuilder) {
	ob.EnterNode("sink")
	ob.AddField("topic", n.Target.Topic)
}
