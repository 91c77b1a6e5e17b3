package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// Pull queries across the members of a service.
//
// Every member of a query's group advertises the URL of its server in the
// client.id it joins with, "rql-<service-id>@<endpoint>" (Options.Endpoint;
// the group.instance.id stays the engine's stable member id). A pull query
// on a table first reads the partitions it needs whose task is open here
// (pullStores.pull); for the others it describes the group (one admin
// request): the member assigned partition p of the store's sub-topology
// owns it, and is asked, through Options.Remote, for the rows of exactly
// the partitions it owns (the forwarded query carries the partition list,
// so no row is counted twice). LIMIT applies to the merged rows.
//
// A needed partition that no member can serve now — assigned to nobody
// (the group is rebalancing), to this member while its task restores, to a
// member advertising no endpoint, or with no Remote — is waited for, up to
// rql.query.pull.partition.wait.ms (default 10 s), then the query fails
// with rqlerr.StateUnavailable naming the partitions. A member asked for
// partitions it does not have open waits the same way, then fails: the
// coordinator relays that error, never a partial answer.

// PullRemote runs pull queries on the other members of the service.
type PullRemote interface {
	// Pull runs the pull query sql, under props, on the member whose
	// server is at endpoint, answering from the partitions parts of the
	// table's store only, and calls row with each row (its values typed
	// as the query's columns) until the member's answer ends. An error
	// returned by row stops the call with that error.
	Pull(ctx context.Context, endpoint, sql string, props map[string]string, parts []int32, row func([]sqltypes.Value) error) error
}

// PropPullPartitionWait bounds how long a pull query waits for a needed
// partition to become available (milliseconds; default 10000).
const PropPullPartitionWait = "rql.query.pull.partition.wait.ms"

const defaultPullWait = 10 * time.Second

// advertise is the session option carrying Options.Endpoint in the
// client.id (nothing without one, so that a client.id of
// Options.KafkaProps stays).
func (e *Engine) advertise() kafka.Opt {
	if e.opts.Endpoint == "" {
		return kafka.Properties(nil)
	}
	return kafka.ClientID(e.clientIDPrefix() + e.opts.Endpoint)
}

func (e *Engine) clientIDPrefix() string { return "rql-" + e.opts.ServiceID + "@" }

// endpointOf returns the endpoint a member advertises in its client.id,
// "" when it advertises none.
func (e *Engine) endpointOf(clientID string) string {
	ep, ok := strings.CutPrefix(clientID, e.clientIDPrefix())
	if !ok {
		return ""
	}
	return ep
}

// Endpoint returns Options.Endpoint.
func (e *Engine) Endpoint() string { return e.opts.Endpoint }

// PullPartitions answers the pull query sql (one SELECT on a table) from
// the partitions parts of its store held by this engine: what another
// member forwards to it (PullRemote). props overlay the engine's
// properties: the query plans and runs under both, the engine's
// unchanged. A partition not open here is waited for as pull queries
// wait (PropPullPartitionWait), then the call fails with
// rqlerr.StateUnavailable.
func (s *Session) PullPartitions(ctx context.Context, sql string, props map[string]string, parts []int32, out Output) error {
	stmts, err := s.e.parse(sql)
	if err != nil {
		return err
	}
	if len(stmts) != 1 {
		return rqlerr.New(rqlerr.StmtInvalidProps, "expected one SELECT statement, got %d statements", len(stmts))
	}
	sel, ok := stmts[0].(*parser.SelectStmt)
	if !ok {
		return rqlerr.New(rqlerr.StmtInvalidProps, "expected a SELECT statement: %s", stmts[0].SQL())
	}
	if props == nil {
		props = map[string]string{}
	}
	plan, cprops, err := s.e.planSession(sel, props, mergeProps)
	if err != nil {
		return err
	}
	p, ok := plan.(*planner.PullPlan)
	if !ok || p.Stream != nil {
		return rqlerr.New(rqlerr.StmtInvalidProps, "not a pull query on a table: %s", sel.SQL())
	}
	if parts == nil {
		parts = []int32{}
	}
	rows, err := s.e.pullTable(ctx, sel.SQL(), p, cprops, parts)
	if err != nil {
		return err
	}
	return emitPull(p, rows, out)
}

// pullSub returns the sub-topology of q whose tasks hold table, and the
// partition count of its store (nil when no sub-topology lists it).
func (q *query) pullSub(table string) (*subTopology, int) {
	var last *subTopology
	stateful := 0
	for _, sub := range q.topo.subs {
		if !sub.stateful {
			continue
		}
		stateful++
		last = sub
		for _, c := range sub.changelogs {
			if c.table == table {
				return sub, q.outParts[c.topic]
			}
		}
	}
	if stateful == 1 && len(last.changelogs) > 0 {
		return last, q.outParts[last.changelogs[0].topic]
	}
	return nil, 0
}

// pullTable answers table pull query p from the partitions it needs: only,
// when set (a forwarded query: local partitions only), else those of its
// keys (keyPartitions) or all of them, asking their owners for those not
// open here.
func (e *Engine) pullTable(ctx context.Context, sql string, p *planner.PullPlan, props map[string]string, only []int32) ([][]sqltypes.Value, error) {
	q, err := e.queryOf(p)
	if err != nil {
		return nil, err
	}
	sub, n := q.pullSub(p.Store.Table)
	if sub == nil || n <= 0 {
		// No partitioned store known (cannot happen for the queries
		// startQuery runs): every open database.
		rows, _, err := q.stores.pull(ctx, p, props, nil, nil)
		return rows, err
	}
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	// want are the partitions that must be answered (here or by their
	// owners); read those read here. A key lookup reads every partition
	// open here, not only its keys' (point reads are cheap): a topic
	// written with another partitioner than murmur2 (librdkafka's default,
	// kcat's) keeps a key elsewhere, and a single member then still finds
	// it. Only the keys' partitions are asked of other members.
	want, read := only, only
	if only == nil {
		read = all
		if want = q.keyPartitions(sub, p, n); want == nil {
			want = all
		}
	}
	for _, part := range want {
		if part < 0 || int(part) >= n {
			return nil, rqlerr.New(rqlerr.StmtInvalidProps, "partition %d of table %s does not exist (it has %d)", part, p.Source.Name, n)
		}
	}
	wait, err := pullWait(props)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		rows, notOpen, err := q.stores.pull(ctx, p, props, sub, read)
		if err != nil {
			return nil, err
		}
		missing := intersect(notOpen, want)
		if len(missing) == 0 {
			return rows, nil
		}
		var reasons []string
		var routes map[string][]int32
		if only != nil {
			for _, part := range missing {
				reasons = append(reasons, fmt.Sprintf("partition %d is not open on the member at %s (restoring, or no longer assigned to it)", part, endpointText(e.opts.Endpoint)))
			}
		} else {
			routes, reasons = e.pullRoutes(ctx, q, sub, missing)
		}
		if len(reasons) == 0 {
			return e.pullRemote(ctx, sql, p, props, rows, routes)
		}
		if !time.Now().Before(deadline) {
			return nil, rqlerr.New(rqlerr.StateUnavailable, "Unable to execute pull query on table %s: %s",
				p.Source.Name, strings.Join(reasons, "; "))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(min(200*time.Millisecond, time.Until(deadline))):
		}
	}
}

func endpointText(ep string) string {
	if ep == "" {
		return "(no advertised endpoint)"
	}
	return ep
}

// pullWait reads PropPullPartitionWait.
func pullWait(props map[string]string) (time.Duration, error) {
	v, ok := props[PropPullPartitionWait]
	if !ok {
		return defaultPullWait, nil
	}
	ms, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || ms < 0 {
		return 0, rqlerr.New(rqlerr.StmtInvalidProps, "invalid %s %q: want a number of milliseconds", PropPullPartitionWait, v)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// pullRoutes finds the owners of the partitions missing here by
// describing q's group: the endpoints to ask, each with its partitions,
// or the reasons why some partition cannot be served now.
func (e *Engine) pullRoutes(ctx context.Context, q *query, sub *subTopology, missing []int32) (map[string][]int32, []string) {
	ds, err := e.admin.DescribeGroups(ctx, q.group)
	if err != nil {
		return nil, []string{fmt.Sprintf("partitions %v: describing the group %s failed: %v", missing, q.group, err)}
	}
	type owner struct {
		endpoint string
		self     bool
		client   string
	}
	owners := map[int32]owner{}
	for _, m := range ds[0].Members {
		for _, tp := range m.Assignment {
			if tp.Topic == sub.topic {
				owners[tp.Partition] = owner{endpoint: e.endpointOf(m.ClientID), self: m.InstanceID == e.member, client: m.ClientID}
			}
		}
	}
	routes := map[string][]int32{}
	var reasons []string
	for _, part := range missing {
		o, ok := owners[part]
		switch {
		case !ok:
			reasons = append(reasons, fmt.Sprintf("partition %d is assigned to no member (group %s is %s)", part, q.group, ds[0].State))
		case o.self:
			reasons = append(reasons, fmt.Sprintf("partition %d is being restored on this member", part))
		case o.endpoint == "":
			reasons = append(reasons, fmt.Sprintf("partition %d is owned by a member advertising no endpoint (client.id %q)", part, o.client))
		case e.opts.Remote == nil:
			reasons = append(reasons, fmt.Sprintf("partition %d is owned by the member at %s, and this engine cannot forward pull queries", part, o.endpoint))
		default:
			routes[o.endpoint] = append(routes[o.endpoint], part)
		}
	}
	return routes, reasons
}

// errPullEnough stops a forwarded query once LIMIT rows are in.
var errPullEnough = errors.New("pull limit reached")

// pullRemote adds to rows (the local ones) the rows of each route's
// partitions, asked of its member, until LIMIT.
func (e *Engine) pullRemote(ctx context.Context, sql string, p *planner.PullPlan, props map[string]string, rows [][]sqltypes.Value, routes map[string][]int32) ([][]sqltypes.Value, error) {
	eps := make([]string, 0, len(routes))
	for ep := range routes {
		eps = append(eps, ep)
	}
	sort.Strings(eps)
	full := func() bool { return p.Limit >= 0 && int64(len(rows)) >= p.Limit }
	for _, ep := range eps {
		if full() {
			break
		}
		parts := routes[ep]
		slices.Sort(parts)
		// A member that accepted the request and then stalls (a network
		// partition without a reset) must not hang the query: the owner
		// waits at most the partition wait itself, then answers or fails.
		wait, _ := pullWait(props)
		rctx, cancel := context.WithTimeout(ctx, wait+remotePullSlack)
		err := e.opts.Remote.Pull(rctx, ep, sql, props, parts, func(r []sqltypes.Value) error {
			if full() {
				return errPullEnough
			}
			rows = append(rows, r)
			return nil
		})
		cancel()
		if err != nil && !errors.Is(err, errPullEnough) {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			code := rqlerr.CodeOf(err)
			if code == "" {
				code = rqlerr.StateUnavailable
			}
			return nil, rqlerr.Wrap(code, err, "Unable to execute pull query on table %s: partitions %v from the member at %s", p.Source.Name, parts, ep)
		}
	}
	if p.Limit >= 0 && int64(len(rows)) > p.Limit {
		rows = rows[:p.Limit]
	}
	return rows, nil
}

// EncodePullRow appends the encoding of a pull query's row that
// DecodePullRow reads (lossless for every SQL type): how a member sends
// rows to the member that forwarded it a query.
func EncodePullRow(dst []byte, row []sqltypes.Value) ([]byte, error) {
	return exec.EncodeKey(dst, row...)
}

// DecodePullRow reads what EncodePullRow wrote.
func DecodePullRow(b []byte) ([]sqltypes.Value, error) {
	vals, err := exec.DecodeKey(b)
	if err != nil {
		return nil, rqlerr.Wrap(rqlerr.FormatDeserialize, err, "decoding a forwarded pull query row")
	}
	return vals, nil
}

// ServiceMember is a live member of the service, as the consumer groups of
// the persistent queries running here describe it.
type ServiceMember struct {
	// Endpoint is the URL the member advertises ("" when none).
	Endpoint string
	// InstanceID is the member's group.instance.id (its engine's stable
	// member id); Host the address it connects from.
	InstanceID, Host string
	// Self marks this engine.
	Self bool
	// Partitions lists, per query id, the partitions assigned to the
	// member.
	Partitions map[string][]kafka.TopicPartition
}

// ServiceMembers describes the groups of the queries running here (one
// admin request) and returns their members, one entry per engine (this
// one always, first), the others sorted by endpoint.
func (e *Engine) ServiceMembers(ctx context.Context) ([]ServiceMember, error) {
	e.mu.Lock()
	var groups, ids []string
	for _, id := range e.order {
		groups = append(groups, e.queries[id].group)
		ids = append(ids, id)
	}
	e.mu.Unlock()
	self := ServiceMember{Endpoint: e.opts.Endpoint, InstanceID: e.member, Self: true, Partitions: map[string][]kafka.TopicPartition{}}
	byID := map[string]*ServiceMember{e.member: &self}
	ds, err := e.admin.DescribeGroups(ctx, groups...)
	if err != nil {
		return nil, err
	}
	for i, d := range ds {
		for _, m := range d.Members {
			key := m.InstanceID
			if key == "" {
				key = m.MemberID
			}
			sm := byID[key]
			if sm == nil {
				sm = &ServiceMember{InstanceID: m.InstanceID, Partitions: map[string][]kafka.TopicPartition{}}
				byID[key] = sm
			}
			if sm.Endpoint == "" {
				sm.Endpoint = e.endpointOf(m.ClientID)
			}
			sm.Host = m.Host
			sm.Partitions[ids[i]] = append(sm.Partitions[ids[i]], m.Assignment...)
		}
	}
	out := []ServiceMember{self}
	var others []ServiceMember
	for k, sm := range byID {
		if k != e.member {
			others = append(others, *sm)
		}
	}
	sort.Slice(others, func(i, j int) bool {
		if others[i].Endpoint != others[j].Endpoint {
			return others[i].Endpoint < others[j].Endpoint
		}
		return others[i].InstanceID < others[j].InstanceID
	})
	out[0] = *byID[e.member]
	return append(out, others...), nil
}

// remotePullSlack is how much longer than the partition wait a forwarded
// pull query may take (reading and sending the rows).
const remotePullSlack = 30 * time.Second

// intersect returns the elements of a that are in b, in a's order.
func intersect(a, b []int32) []int32 {
	var out []int32
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
