package planner

import (
	"encoding/json"
	"strings"
)

// OutputBuilder collects an EXPLAIN tree: top-level fields, then nodes
// entered and left in depth-first order, each with key: value fields. It
// renders the tree as text (STYLE.md §3, after CockroachDB's explain
// output) or JSON.
type OutputBuilder struct {
	top   []field
	roots []*outNode
	stack []*outNode
}

type field struct{ Key, Value string }

type outNode struct {
	Name     string
	Fields   []field
	Children []*outNode
}

// AddTopField adds a field printed above the tree.
func (ob *OutputBuilder) AddTopField(key, value string) { ob.top = append(ob.top, field{key, value}) }

// EnterNode starts a node; nodes entered before it is left are its
// children.
func (ob *OutputBuilder) EnterNode(name string) {
	n := &outNode{Name: name}
	if len(ob.stack) == 0 {
		ob.roots = append(ob.roots, n)
	} else {
		p := ob.stack[len(ob.stack)-1]
		p.Children = append(p.Children, n)
	}
	ob.stack = append(ob.stack, n)
}

// AddField adds a field to the current node.
func (ob *OutputBuilder) AddField(key, value string) {
	if len(ob.stack) == 0 {
		ob.AddTopField(key, value)
		return
	}
	n := ob.stack[len(ob.stack)-1]
	n.Fields = append(n.Fields, field{key, value})
}

// LeaveNode ends the current node.
func (ob *OutputBuilder) LeaveNode() {
	if len(ob.stack) > 0 {
		ob.stack = ob.stack[:len(ob.stack)-1]
	}
}

// BuildString renders the tree as text.
func (ob *OutputBuilder) BuildString() string {
	var b strings.Builder
	for _, f := range ob.top {
		b.WriteString(f.Key + ": " + f.Value + "\n")
	}
	if len(ob.top) > 0 && len(ob.roots) > 0 {
		b.WriteString("·\n")
	}
	for _, r := range ob.roots {
		writeNode(&b, r, "", "")
	}
	return b.String()
}

// writeNode writes n; first prefixes its first line, rest every other line.
func writeNode(b *strings.Builder, n *outNode, first, rest string) {
	b.WriteString(first + "• " + n.Name + "\n")
	bar := "  "
	if len(n.Children) > 0 {
		bar = "│ "
	}
	for _, f := range n.Fields {
		b.WriteString(strings.TrimRight(rest+bar+f.Key+": "+f.Value, " ") + "\n")
	}
	if len(n.Children) == 0 {
		return
	}
	b.WriteString(rest + "│\n")
	for i, c := range n.Children {
		if i == len(n.Children)-1 {
			writeNode(b, c, rest+"└── ", rest+"    ")
		} else {
			writeNode(b, c, rest+"├── ", rest+"│   ")
		}
	}
}

// BuildJSON renders the tree as JSON: {"fields": {...}, "nodes": [...]}.
func (ob *OutputBuilder) BuildJSON() string {
	type jnode struct {
		Name     string            `json:"name"`
		Fields   map[string]string `json:"fields,omitempty"`
		Children []any             `json:"children,omitempty"`
	}
	var conv func(n *outNode) any
	conv = func(n *outNode) any {
		j := jnode{Name: n.Name}
		if len(n.Fields) > 0 {
			j.Fields = map[string]string{}
			for _, f := range n.Fields {
				j.Fields[f.Key] = f.Value
			}
		}
		for _, c := range n.Children {
			j.Children = append(j.Children, conv(c))
		}
		return j
	}
	top := map[string]string{}
	for _, f := range ob.top {
		top[f.Key] = f.Value
	}
	var nodes []any
	for _, r := range ob.roots {
		nodes = append(nodes, conv(r))
	}
	out, _ := json.Marshal(map[string]any{"fields": top, "nodes": nodes})
	return string(out)
}
