package engine

import (
	"context"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/exec/fkjoin"
	"github.com/rql/rql/format"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// What a task of a sub-topology with joins adds to the plain one: several
// inputs consumed in timestamp order, the foreign-key join's internal
// topics (hops), and the key serialization that places join repartition
// records.

// joinTask is the join plumbing of a task (nil for single-input tasks
// without foreign-key joins).
type joinTask struct {
	// hops handle the records of a foreign-key join's internal topic
	// (subscriptions on the right half, responses on the left).
	hops map[string]func(ctx context.Context, recs []*kafka.Record) error
	// queues split a fetch's records by topic (reused).
	queues []topicQueue
	msgs   []fkjoin.Message
}

type topicQueue struct {
	topic string
	recs  []*kafka.Record
}

// push runs t.recs through the operators. A task reading one topic pushes
// them as they are; one reading several (a join's sides) pushes them in
// timestamp order as far as the fetch allows, as Kafka Streams picks the
// buffered partition whose head record has the lowest timestamp: runs of
// one topic are pushed while their times do not pass the other topics'
// next record.
func (t *task) push(ctx context.Context) error {
	if t.jt == nil {
		t.in = t.in[:0]
		for _, r := range t.recs {
			t.in = append(t.in, toExecWindowed(r, t.sub.fromRepartition, t.sub.srcTopic, t.windows[r.Topic]))
		}
		err := t.pipe.Push(ctx, t.tp.Topic, t.in)
		clear(t.in)
		return err
	}
	jt := t.jt
	qs := jt.queues[:0]
	for _, r := range t.recs {
		i := 0
		for i < len(qs) && qs[i].topic != r.Topic {
			i++
		}
		if i == len(qs) {
			if len(qs) < cap(qs) {
				qs = qs[:i+1]
				qs[i].topic, qs[i].recs = r.Topic, qs[i].recs[:0]
			} else {
				qs = append(qs, topicQueue{topic: r.Topic})
			}
		}
		qs[i].recs = append(qs[i].recs, r)
	}
	jt.queues = qs
	defer func() {
		for i := range qs {
			clear(qs[i].recs)
			qs[i].recs = qs[i].recs[:0]
		}
	}()
	heads := make([]int, len(qs))
	for {
		// The queue whose next record is the oldest, and the oldest next
		// record of the others.
		best, other := -1, int64(0)
		for i := range qs {
			if heads[i] >= len(qs[i].recs) {
				continue
			}
			ts := qs[i].recs[heads[i]].Timestamp.UnixMilli()
			if best < 0 || ts < qs[best].recs[heads[best]].Timestamp.UnixMilli() {
				best = i
			}
		}
		if best < 0 {
			return nil
		}
		other = 1<<63 - 1
		for i := range qs {
			if i != best && heads[i] < len(qs[i].recs) {
				other = min(other, qs[i].recs[heads[i]].Timestamp.UnixMilli())
			}
		}
		from := heads[best]
		end := from + 1
		for end < len(qs[best].recs) && qs[best].recs[end].Timestamp.UnixMilli() <= other {
			end++
		}
		heads[best] = end
		if err := t.pushRun(ctx, qs[best].topic, qs[best].recs[from:end]); err != nil {
			return err
		}
	}
}

// pushRun pushes records of one topic: into the pipeline, or to the
// foreign-key join half handling that internal topic.
func (t *task) pushRun(ctx context.Context, topic string, recs []*kafka.Record) error {
	if h := t.jt.hops[topic]; h != nil {
		return h(ctx, recs)
	}
	src, fromRep := t.sub.fromInternal(topic)
	t.in = t.in[:0]
	for _, r := range recs {
		t.in = append(t.in, toExecWindowed(r, fromRep, src, t.windows[topic]))
	}
	err := t.pipe.Push(ctx, topic, t.in)
	clear(t.in)
	return err
}

// wireJoins sets up a freshly built task's join plumbing: the transports
// and hops of its foreign-key join halves, the serialization of its join
// repartition keys.
func (t *task) wireJoins() error {
	sub := t.sub
	t.repSerde = nil
	if sub.repFormat != nil {
		s, err := format.NewKeySerde(sub.repFormat.format, sub.repFormat.cols, sub.repFormat.opts)
		if err != nil {
			return err
		}
		t.repSerde = s
	}
	if len(sub.inputs) <= 1 && len(sub.fks) == 0 {
		t.jt = nil
		return nil
	}
	jt := &joinTask{hops: map[string]func(context.Context, []*kafka.Record) error{}}
	t.jt = jt
	for _, role := range sub.fks {
		op := findFK(t.pipe, role.join.SubscriptionTopic)
		if op == nil {
			return rqlerr.Bug("foreign-key join %s not built", role.join.SubscriptionTopic)
		}
		if err := t.wireFK(op, role); err != nil {
			return err
		}
	}
	return nil
}

// wireFK connects a foreign-key join half to its internal topics.
func (t *task) wireFK(op *fkjoin.Join, role fkRole) error {
	jt := t.jt
	if role.side == fkjoin.RightSide {
		kf := role.respKey
		serde, err := format.NewKeySerde(kf.format, kf.cols, kf.opts)
		if err != nil {
			return err
		}
		op.SetTransport(&fkjoin.Transport{Side: fkjoin.RightSide,
			Respond: func(pk, msg []byte, ts int64) error {
				return t.hop(role.respTopic, serde, pk, msg, ts)
			}})
		jt.hops[role.subTopic] = func(_ context.Context, recs []*kafka.Record) error {
			return op.Subscriptions(jt.messages(recs))
		}
		return nil
	}
	kf := role.subKey
	serde, err := format.NewKeySerde(kf.format, kf.cols, kf.opts)
	if err != nil {
		return err
	}
	op.SetTransport(&fkjoin.Transport{Side: fkjoin.LeftSide,
		Subscribe: func(fk, msg []byte, ts int64) error {
			return t.hop(role.subTopic, serde, fk, msg, ts)
		}})
	down := downstreamOf(t.pipe, op)
	if down == nil {
		return rqlerr.Bug("foreign-key join %s has no downstream", role.join.SubscriptionTopic)
	}
	jt.hops[role.respTopic] = func(ctx context.Context, recs []*kafka.Record) error {
		return op.Responses(ctx, jt.messages(recs), down)
	}
	return nil
}

func (jt *joinTask) messages(recs []*kafka.Record) []fkjoin.Message {
	jt.msgs = jt.msgs[:0]
	for _, r := range recs {
		jt.msgs = append(jt.msgs, fkjoin.Message{Key: r.Key, Value: r.Value, Timestamp: r.Timestamp.UnixMilli()})
	}
	return jt.msgs
}

// hop queues a foreign-key join message for its internal topic, in the
// partition where the receiving half keeps key: murmur2 of the key's
// values serialized as that side's table serializes its keys.
func (t *task) hop(topic string, serde format.Serde, key, msg []byte, ts int64) error {
	vals, err := exec.DecodeKey(key)
	if err != nil {
		return err
	}
	p, err := keyPartition(serde, vals, t.q.outParts[topic])
	if err != nil {
		return err
	}
	kr := t.newRecord()
	*kr = kafka.Record{Topic: topic, Partition: p, Key: key, Value: msg, Timestamp: time.UnixMilli(ts)}
	t.out = append(t.out, kr)
	return nil
}

// keyPartition is the partition, among n, of a record whose key has the
// values vals in the key format of serde (Kafka's default partitioner).
func keyPartition(serde format.Serde, vals []sqltypes.Value, n int) (int32, error) {
	if n <= 1 {
		return 0, nil
	}
	b, err := serde.Encode(nil, vals)
	if err != nil {
		return 0, err
	}
	return partitionFor(b, n), nil
}

// findFK finds the foreign-key join operator of the join whose
// subscription topic (unique per join) is sub.
func findFK(p *exec.Pipeline, sub string) *fkjoin.Join {
	for _, op := range p.Ops {
		if j, ok := op.(*fkjoin.Join); ok && j.Plan().SubscriptionTopic == sub {
			return j
		}
	}
	return nil
}

// downstreamOf returns the collector op's output goes to: the Next of the
// chain feeding op, found from the pipeline's inputs.
func downstreamOf(p *exec.Pipeline, op exec.Operator) exec.Collector {
	for _, in := range p.Inputs {
		for c, ok := in.Next.(*exec.Chain); ok; c, ok = c.Next.(*exec.Chain) {
			if c.Op == op {
				return c.Next
			}
		}
	}
	return nil
}
