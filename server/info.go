package server

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/kafka"
)

// handleInfo is GET /info (ksqlDB's ServerInfo).
func (s *Server) handleInfo(w http.ResponseWriter, r *http.Request) {
	v := s.cfg.Version
	if v == "" {
		v = "dev"
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"KsqlServerInfo": map[string]any{
		"version":        v,
		"kafkaClusterId": s.eng.Bootstrap(),
		"ksqlServiceId":  s.eng.ServiceID(),
		"serverStatus":   "RUNNING",
	}})
}

// handleHealth is GET /healthcheck (ksqlDB's HealthCheckResponse): the
// catalog, Kafka (a topic listing within 5 s) and the command-topic
// follower. 503 when one is unhealthy.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	_, kerr := s.eng.Admin().ListTopics(ctx)
	s.cmds.mu.Lock()
	cerr := s.cmds.err
	s.cmds.mu.Unlock()
	detail := func(ok bool) map[string]bool { return map[string]bool{"isHealthy": ok} }
	healthy := kerr == nil && cerr == nil && !s.closed.Load()
	body := map[string]any{
		"isHealthy": healthy,
		"details": map[string]any{
			"metastore":     detail(true),
			"kafka":         detail(kerr == nil),
			"commandRunner": detail(cerr == nil),
		},
		"serverState": "READY",
	}
	status := http.StatusOK
	if !healthy {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, r, status, body)
}

// handleClusterStatus is GET /clusterStatus: the live members of the
// service, as the consumer groups of the persistent queries describe them
// (engine.ServiceMembers), keyed by the host:port of their advertised
// listener (this server's without one: the request's Host), each with the
// partitions it owns per query (activeStandbyPerQuery; no standbys). A
// member advertising no listener is keyed by its member id. Without
// running queries, or when Kafka does not answer, the answer lists this
// server alone.
func (s *Server) handleClusterStatus(w http.ResponseWriter, r *http.Request) {
	now := time.Now().UnixMilli()
	entry := func(parts map[string][]kafka.TopicPartition) map[string]any {
		per := map[string]any{}
		for id, tps := range parts {
			active := make([]map[string]any, 0, len(tps))
			for _, tp := range tps {
				active = append(active, map[string]any{"topic": tp.Topic, "partition": tp.Partition})
			}
			per[id] = map[string]any{"activeStores": []string{}, "activePartitions": active,
				"standByStores": []string{}, "standByPartitions": []any{}}
		}
		return map[string]any{
			"hostAlive":             true,
			"lastStatusUpdateMs":    now,
			"activeStandbyPerQuery": per,
			"hostStoreLags":         map[string]any{"stateStoreLags": map[string]any{}, "updateTimeMs": 0},
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	members, err := s.eng.ServiceMembers(ctx)
	if err != nil {
		s.log.Warn("describing the service's consumer groups for /clusterStatus", "error", err)
		members = []engine.ServiceMember{{Endpoint: s.eng.Endpoint(), Self: true}}
	}
	status := map[string]any{}
	for _, m := range members {
		key := hostPort(m.Endpoint)
		switch {
		case m.Self && key == "":
			key = hostPort("http://" + r.Host)
		case key == "":
			key = "member " + m.InstanceID
		}
		status[key] = entry(m.Partitions)
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"clusterStatus": status})
}

// hostPort returns the host:port of an advertised listener URL ("" for
// none).
func hostPort(endpoint string) string {
	if endpoint == "" {
		return ""
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return endpoint
	}
	if h, p, err := net.SplitHostPort(u.Host); err == nil {
		return net.JoinHostPort(h, p)
	}
	return u.Host
}

// handleStatus is GET /status/{commandId}, e.g. /status/stream/PAGEVIEWS/create.
func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("commandId")
	st, ok := s.status(id)
	if !ok {
		writeJSON(w, r, http.StatusNotFound, genericError(codeNotFound, "Command not found: "+id))
		return
	}
	writeJSON(w, r, http.StatusOK, st)
}
