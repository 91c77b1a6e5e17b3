package kafka

import (
	"context"
	"sort"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// GroupMember is one member of a consumer group as its coordinator
// describes it: the client.id and group.instance.id the member joined
// with, the member id the coordinator gave it, the host it connects from,
// and the partitions of its current assignment (sorted by topic, then
// partition).
type GroupMember struct {
	ClientID   string
	InstanceID string
	MemberID   string
	Host       string
	Assignment []TopicPartition
}

// GroupDescription describes a consumer group: its state as the broker
// names it ("Stable", "PreparingRebalance", "CompletingRebalance",
// "Empty", "Dead" for a group that does not exist, ...) and its members.
type GroupDescription struct {
	Group   string
	State   string
	Members []GroupMember
}

// DescribeGroups describes consumer groups, in the order given, with one
// request to the cluster. A group that does not exist is described as
// "Dead" without members, not as an error. During a rebalance the
// assignments are the last ones the coordinator handed out.
func (a *Admin) DescribeGroups(ctx context.Context, groups ...string) ([]GroupDescription, error) {
	if len(groups) == 0 {
		return nil, nil
	}
	ctx, cancel := a.cfg.opContext(ctx)
	defer cancel()
	res, err := a.a.DescribeConsumerGroups(ctx, groups)
	if err != nil {
		return nil, classify(err, "describing consumer groups")
	}
	byName := make(map[string]GroupDescription, len(res.ConsumerGroupDescriptions))
	for _, d := range res.ConsumerGroupDescriptions {
		switch d.Error.Code() {
		case ck.ErrNoError:
		case ck.ErrGroupIDNotFound:
			byName[d.GroupID] = GroupDescription{Group: d.GroupID, State: "Dead"}
			continue
		default:
			return nil, classify(d.Error, "describing consumer group "+d.GroupID)
		}
		gd := GroupDescription{Group: d.GroupID, State: d.State.String()}
		for _, m := range d.Members {
			gm := GroupMember{ClientID: m.ClientID, InstanceID: m.GroupInstanceID, MemberID: m.ConsumerID, Host: m.Host}
			for _, tp := range m.Assignment.TopicPartitions {
				if tp.Topic == nil {
					continue
				}
				gm.Assignment = append(gm.Assignment, TopicPartition{Topic: *tp.Topic, Partition: tp.Partition})
			}
			sort.Slice(gm.Assignment, func(i, j int) bool {
				x, y := gm.Assignment[i], gm.Assignment[j]
				if x.Topic != y.Topic {
					return x.Topic < y.Topic
				}
				return x.Partition < y.Partition
			})
			gd.Members = append(gd.Members, gm)
		}
		byName[d.GroupID] = gd
	}
	out := make([]GroupDescription, len(groups))
	for i, g := range groups {
		d, ok := byName[g]
		if !ok {
			d = GroupDescription{Group: g, State: "Dead"}
		}
		out[i] = d
	}
	return out, nil
}
