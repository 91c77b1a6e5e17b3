package server

import (
	"context"
	"net"
	"net/http"
	"time"
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

// handleClusterStatus is GET /clusterStatus. rql servers do not heartbeat
// one another: the answer lists this server.
func (s *Server) handleClusterStatus(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if h, p, err := net.SplitHostPort(host); err == nil {
		host = h + ":" + p
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"clusterStatus": map[string]any{
		host: map[string]any{
			"hostAlive":             true,
			"lastStatusUpdateMs":    time.Now().UnixMilli(),
			"activeStandbyPerQuery": map[string]any{},
			"hostStoreLags":         map[string]any{"stateStoreLags": map[string]any{}, "updateTimeMs": 0},
		},
	}})
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
