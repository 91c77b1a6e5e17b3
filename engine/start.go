package engine

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/exec/build"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/state"
)

// queryConfig is what a query reads from its properties.
type queryConfig struct {
	guarantee kafka.Guarantee
	interval  time.Duration
	reset     string // "earliest" or "latest"
}

// prop looks a property up by its name or its "ksql.streams." name.
func prop(props map[string]string, name string) (string, bool) {
	if v, ok := props[name]; ok {
		return v, true
	}
	v, ok := props["ksql.streams."+name]
	return v, ok
}

func readQueryConfig(props map[string]string) (queryConfig, error) {
	qc := queryConfig{guarantee: kafka.ExactlyOnceV2, reset: "latest"}
	if v, ok := prop(props, "processing.guarantee"); ok {
		g, err := kafka.ParseGuarantee(v)
		if err != nil {
			return qc, err
		}
		qc.guarantee = g
	}
	qc.interval = 100 * time.Millisecond
	if qc.guarantee == kafka.AtLeastOnce {
		qc.interval = 2 * time.Second
	}
	if v, ok := prop(props, "commit.interval.ms"); ok {
		ms, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || ms < 1 {
			return qc, rqlerr.New(rqlerr.StmtInvalidProps, "invalid commit.interval.ms %q: want a positive number of milliseconds", v)
		}
		qc.interval = time.Duration(ms) * time.Millisecond
	}
	if v, ok := prop(props, "auto.offset.reset"); ok {
		switch r := strings.ToLower(strings.TrimSpace(v)); r {
		case "earliest", "latest":
			qc.reset = r
		default:
			return qc, rqlerr.New(rqlerr.StmtInvalidProps, "invalid auto.offset.reset %q: want earliest or latest", v)
		}
	}
	return qc, nil
}

// startQuery starts persistent query plan writing sink; e.mu is held.
// Everything that can fail for a reason the user can fix (topics,
// properties, operators, the Kafka clients) fails here, synchronously;
// the query then runs on its own goroutine until stopped.
func (e *Engine) startQuery(ctx context.Context, sql string, sink *planner.Source, plan *planner.QueryPlan) error {
	catPlan := plan
	plan = planner.MaterializeQuery(plan) // pull queries read CTAS results from state (pull.go)
	props := make(map[string]string, len(e.cat.Props))
	for k, v := range e.cat.Props {
		props[k] = v
	}
	qc, err := readQueryConfig(props)
	if err != nil {
		return err
	}
	scans := plan.Scans()
	if len(scans) == 0 {
		return rqlerr.Bug("persistent query %s reads no source", plan.ID)
	}
	srcTopic := scans[0].Source.Topic
	srcParts, err := e.topicPartitions(ctx, srcTopic)
	if err != nil {
		return err
	}
	if srcParts == 0 {
		return rqlerr.New(rqlerr.KafkaTopicMissing, "topic %s of source %s does not exist", srcTopic, scans[0].Source.Name)
	}
	if plan, err = perTaskEnrich(plan, srcParts); err != nil { // enrich.go
		return err
	}
	group := e.opts.ServiceID + "-" + plan.ID
	var topo *topology
	if hasJoin(plan.Root) { // join_topology.go
		topo, err = splitJoins(plan, e.opts.ServiceID, group+"-PartitionBy-repartition",
			func(t string) (int, error) { return e.topicPartitions(ctx, t) })
	} else {
		topo, err = splitQuery(plan, e.opts.ServiceID, group+"-PartitionBy-repartition", srcParts)
	}
	if err != nil {
		return err
	}
	outParts := map[string]int{e.plog.topic: 1}
	if topo.repartition != "" {
		n, err := e.createTopic(ctx, topo.repartition, srcParts, nil)
		if err != nil {
			return err
		}
		outParts[topo.repartition] = n
	}
	if err := e.createInternal(ctx, topo, outParts); err != nil {
		return err
	}
	n, err := e.topicPartitions(ctx, sink.Topic)
	if err != nil {
		return err
	}
	if n == 0 {
		if n, err = e.createTopic(ctx, sink.Topic, srcParts, nil); err != nil {
			return err
		}
	}
	outParts[sink.Topic] = n

	q := &query{e: e, id: plan.ID, sql: sql, sink: sink, group: group, topo: topo, props: props, qc: qc,
		outParts: outParts, tasks: map[kafka.TopicPartition]*task{}, state: StateRunning, taskNames: map[string]bool{}}
	// A trial build reports operator errors now rather than on assignment,
	// and lists the state tables, whose changelog topics are created here.
	for _, sub := range topo.subs {
		t, err := q.newTask(ctx, kafka.TopicPartition{Topic: sub.topic, Partition: -1}, sub)
		if err != nil {
			return err
		}
		if err := q.prepareEnrich(ctx, sub, t, srcParts); err != nil {
			t.close(ctx)
			return err
		}
		if sub.stateful {
			for _, spec := range tableSpecs(t.pipe) {
				if sub.globalStore(spec.Name) {
					continue // no changelog: the table's topic is its source of truth (global.go)
				}
				c := changelog{table: spec.Name, topic: e.changelogTopic(plan.ID, spec.Name)}
				if spec.Kind == state.Window {
					c.retention = spec.Retention
				}
				q.changelogs = append(q.changelogs, c)
				sub.changelogs = append(sub.changelogs, c)
				q.internal = append(q.internal, c.topic)
				outParts[c.topic] = sub.partsOr(srcParts)
			}
		}
		t.close(ctx)
	}
	if !topo.joins {
		// Several stateful sub-topologies (an enrichment's checkpoint
		// before a GROUP BY's repartition): each gets its own state
		// directories and restores only its own changelogs.
		var stateful []*subTopology
		for _, sub := range topo.subs {
			if sub.stateful {
				stateful = append(stateful, sub)
			}
		}
		if len(stateful) > 1 {
			q.multiState = true
			for i, sub := range stateful[:len(stateful)-1] {
				if sub.stateTag == "" {
					sub.stateTag = "s" + strconv.Itoa(i) + "-"
				}
			}
		}
	}
	if topo.repartition != "" {
		q.internal = append(q.internal, topo.repartition)
	}
	sources := []string{srcTopic}
	if topo.joins {
		for _, sub := range topo.subs {
			if err := e.createChangelogs(ctx, sub.changelogs, sub.parts); err != nil {
				return err
			}
		}
		sources = topo.sources()
		q.internal = append(q.internal, topo.internalNames()...)
		q.glob = newGlobalTables(q)
	} else if err := e.createChangelogs(ctx, q.changelogs, srcParts); err != nil {
		return err
	}
	if qc.reset == "latest" {
		if err := kafka.SeedGroupOffsets(ctx, group, sources, e.clientOpts()...); err != nil {
			return err
		}
	}
	topics := append([]string(nil), sources...)
	if topo.repartition != "" {
		topics = append(topics, topo.repartition)
	}
	topics = append(topics, topo.internalNames()...)
	pollWait := qc.interval / 2
	pollWait = min(max(pollWait, 5*time.Millisecond), 100*time.Millisecond)
	q.pollWait = pollWait
	opts := append(e.clientOpts(),
		kafka.Group(group), kafka.Topics(topics...), kafka.OffsetReset("earliest"),
		kafka.ProcessingGuarantee(qc.guarantee),
		kafka.TransactionalID(group+"-"+e.member), kafka.InstanceID(e.member),
		kafka.PollWait(pollWait), kafka.MaxPollRecords(5000),
		kafka.OnAssigned(q.onAssigned), kafka.OnRevoked(q.onRevoked),
		e.advertise()) // Options.Endpoint in the client.id (pull_route.go)
	if topo.joins {
		// The range assignor gives partition p of every topic of a
		// sub-topology (co-partitioned: equal counts) to the same member.
		opts = append(opts, kafka.Property("consumer.partition.assignment.strategy", "range"))
	}
	sess, err := kafka.NewSession(ctx, opts...)
	if err != nil {
		return err
	}
	qctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	q.cancel, q.done = cancel, make(chan struct{})
	e.queries[plan.ID] = q
	e.order = append(e.order, plan.ID)
	e.cat.AddQuery(&planner.PersistentQuery{ID: plan.ID, SQL: sql, Plan: catPlan, Sink: sink.Name, Sources: plan.Sources})
	e.log.Info("query started", "query", plan.ID, "group", group, "guarantee", qc.guarantee.String(),
		"commit.interval", qc.interval, "topics", topics)
	go q.run(qctx, sess)
	return nil
}

// terminateQueryLocked stops query id and deletes its local state,
// internal topics and consumer group (TERMINATE, DROP); e.mu is held.
func (e *Engine) terminateQueryLocked(ctx context.Context, id string) {
	q, ok := e.queries[id]
	e.stopQueryLocked(ctx, id)
	if ok {
		e.cleanupQuery(ctx, id, q.internal)
		e.deleteGroup(ctx, q.group) // pull_source.go
	}
}

// stopQueryLocked stops query id gracefully and forgets it; e.mu is held.
func (e *Engine) stopQueryLocked(ctx context.Context, id string) {
	q, ok := e.queries[id]
	if !ok {
		return
	}
	_ = q.stop(ctx)
	delete(e.queries, id)
	for i, o := range e.order {
		if o == id {
			e.order = append(e.order[:i:i], e.order[i+1:]...)
			break
		}
	}
}

// newTask builds the operators of sub for partition tp; a stateful task
// first opens and restores its state, synchronously (a trial build,
// tp.Partition < 0, gets an empty store). Assigned partitions of stateful
// sub-topologies restore on a goroutine instead (restore.go) and are
// built with buildTask.
func (q *query) newTask(ctx context.Context, tp kafka.TopicPartition, sub *subTopology) (*task, error) {
	var st *taskState
	if sub.stateful && tp.Partition >= 0 {
		var err error
		if st, err = q.openTaskState(ctx, sub, tp.Partition, nil); err != nil {
			return nil, err
		}
	}
	return q.buildTask(ctx, tp, sub, st)
}

// buildTask builds the operators of sub for partition tp over st (nil for
// a stateless task or a trial build), which it owns from then on: it is
// closed when the build fails.
func (q *query) buildTask(ctx context.Context, tp kafka.TopicPartition, sub *subTopology, st *taskState) (*task, error) {
	t := &task{q: q, tp: tp, sub: sub, windows: sourceWindows(sub.plan), st: st}
	if err := t.build(ctx); err != nil {
		if t.st != nil {
			t.st.close()
		}
		return nil, err
	}
	if t.st != nil {
		q.stores.add(t.st.db, sub, tp.Partition) // for pull queries (pull.go)
	}
	return t, nil
}

// build wires the task's operators over its state (see newTask); reset
// calls it again after an aborted cycle.
func (t *task) build(ctx context.Context) error {
	q, sub := t.q, t.sub
	o := build.Options{Registry: q.e.reg, Props: q.props, Log: t.logEntry,
		Emit: exec.RecordSinkFunc(t.emit), DeadLetters: exec.RecordSinkFunc(t.emit)}
	switch {
	case t.st != nil:
		o.State = q.stateView(sub, t.st.txn) // global.go
	case sub.stateful:
		o.State = q.stateView(sub, state.NewTxn(nil))
	}
	if sub.repSink != nil {
		o.Emit = nil
		o.Rows = (*repCollector)(t)
	}
	pipe, err := build.Build(ctx, sub.plan, o)
	if err != nil {
		return err
	}
	t.pipe = pipe
	if err := t.wireJoins(); err != nil { // join_task.go
		_ = pipe.Close(ctx)
		return err
	}
	if sub.repSink != nil {
		t.rep, err = exec.NewSink(sub.repSink, exec.RecordSinkFunc(t.emitRepartition), nil)
		if err == nil {
			err = t.rep.Init(ctx, pipe.Env)
		}
		t.repKeys = t.repKeys[:0]
		for _, k := range sub.repKeys {
			if err != nil {
				break
			}
			var ev *exec.Evaluator
			if ev, err = exec.Compile(k, q.props); err == nil {
				t.repKeys = append(t.repKeys, ev)
			}
		}
		if err != nil {
			_ = pipe.Close(ctx)
			return err
		}
	}
	return t.initAsync()
}
