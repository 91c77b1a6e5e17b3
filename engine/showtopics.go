package engine

import (
	"context"
	"strconv"
)

// showTopicsExtended answers SHOW TOPICS EXTENDED with ksqlDB's columns:
// each topic's partition and replica counts (from the admin API), and the
// consumers and consumer groups reading it. The last two count this
// engine's running persistent queries (one group and one member each):
// the admin client does not list the cluster's groups yet. e.mu is held.
func (e *Engine) showTopicsExtended(ctx context.Context) (Result, error) {
	names, err := e.admin.ListTopics(ctx)
	if err != nil {
		return Result{}, err
	}
	res := Result{Kind: "SHOW_TOPICS_EXTENDED",
		Columns: []string{"Kafka Topic", "Partitions", "Partition Replicas", "Consumers", "ConsumerGroups"}}
	if len(names) == 0 {
		return res, nil
	}
	infos, err := e.admin.DescribeTopics(ctx, names...)
	if err != nil {
		return Result{}, err
	}
	groups := map[string]map[string]bool{} // topic → groups reading it
	for _, id := range e.order {
		q, ok := e.queries[id]
		if !ok || q.status().State != StateRunning || q.topo == nil {
			continue
		}
		for _, sub := range q.topo.subs {
			if groups[sub.topic] == nil {
				groups[sub.topic] = map[string]bool{}
			}
			groups[sub.topic][q.group] = true
		}
	}
	for _, ti := range infos {
		n := strconv.Itoa(len(groups[ti.Name]))
		res.Rows = append(res.Rows, []string{ti.Name, strconv.Itoa(ti.Partitions), strconv.Itoa(ti.Replication), n, n})
	}
	return res, nil
}
