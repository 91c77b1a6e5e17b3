package driver

import (
	"context"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/planner"
)

// replayBootstrapped replays the records already in a new query's topics:
// first every record of the global tables it joins (JoinGlobalTable), in
// full, as Kafka Streams restores global stores to the end of their topics
// before processing starts; then the other topics, interleaved by time.
func (d *Driver) replayBootstrapped(ctx context.Context, pipe *exec.Pipeline, q *planner.QueryPlan, topics []string) error {
	global := map[string]bool{}
	globalTopics(q.Root, global)
	if len(global) == 0 {
		return d.replay(ctx, pipe, topics)
	}
	var first, rest []string
	for _, t := range topics {
		if global[t] {
			first = append(first, t)
		} else {
			rest = append(rest, t)
		}
	}
	for _, t := range first {
		if err := d.replay(ctx, pipe, []string{t}); err != nil {
			return err
		}
	}
	return d.replay(ctx, pipe, rest)
}

// globalTopics adds the topics of the global tables joined under n.
func globalTopics(n planner.Node, out map[string]bool) {
	if j, ok := n.(*planner.Join); ok && j.Kind == planner.JoinGlobalTable {
		for _, s := range scans(j.Right) {
			out[s.Source.Topic] = true
		}
	}
	for _, c := range n.Children() {
		globalTopics(c, out)
	}
}

func scans(n planner.Node) []*planner.Scan {
	if s, ok := n.(*planner.Scan); ok {
		return []*planner.Scan{s}
	}
	var out []*planner.Scan
	for _, c := range n.Children() {
		out = append(out, scans(c)...)
	}
	return out
}
