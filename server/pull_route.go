package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// Pull queries routed between the servers of one service (see
// engine/pull_route.go for who asks whom).
//
// A server forwards a pull query to another member as POST /query-stream
// with two request properties, ksqlDB's names for its internal requests:
//
//	request.ksql.internal.request      true
//	request.ksql.query.pull.partition  "0,2"  (the partitions to read)
//
// plus the coordinator's session properties. The member answers from
// those partitions of its local state only (engine.Session.PullPartitions,
// without taking the server's statement lock, so that two servers
// forwarding to each other never wait on one another), in the internal
// line format application/vnd.rql.pull.v1:
//
//	{"row":"<base64 of engine.EncodePullRow>"}   one per row, lossless
//	{"end":true}                                  the answer is complete
//	{"error":{"code":"RQL-…","message":"…"}}      the answer failed
//
// An answer without its final line (a member gone mid-answer) is an
// error, never a partial result. Forwarded requests carry the server's
// own credentials (Config.AuthToken or the basic ones): the servers of a
// service share them.

const (
	propInternal       = "request.ksql.internal.request"
	propPullPartitions = "request.ksql.query.pull.partition"
	internalPullType   = "application/vnd.rql.pull.v1"
)

// pullLine is one line of an internal pull answer.
type pullLine struct {
	Row   []byte     `json:"row,omitempty"`
	End   bool       `json:"end,omitempty"`
	Error *pullError `json:"error,omitempty"`
}

type pullError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// internalPull answers a forwarded pull query when the request properties
// mark it internal, and reports whether it did.
func (s *Server) internalPull(w http.ResponseWriter, r *http.Request, sql string, props map[string]any) bool {
	switch v := props[propInternal].(type) {
	case bool:
		if !v {
			return false
		}
	case string:
		if !strings.EqualFold(strings.TrimSpace(v), "true") {
			return false
		}
	default:
		return false
	}
	sp := stringMap(props)
	delete(sp, propInternal)
	partsText, ok := sp[propPullPartitions]
	delete(sp, propPullPartitions)
	parts, err := parsePartitions(partsText)
	if err == nil && !ok {
		err = rqlerr.New(rqlerr.StmtInvalidProps, "an internal pull request needs %s", propPullPartitions)
	}
	w.Header().Set("Content-Type", internalPullType)
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	if err == nil {
		err = s.session.PullPartitions(r.Context(), sql, sp, parts, engine.Output{
			Row: func(row []sqltypes.Value) error {
				b, err := engine.EncodePullRow(nil, row)
				if err != nil {
					return err
				}
				return enc.Encode(pullLine{Row: b})
			},
		})
	}
	if err != nil {
		code := rqlerr.CodeOf(err)
		if code == "" {
			code = rqlerr.StateUnavailable
		}
		_ = enc.Encode(pullLine{Error: &pullError{Code: string(code), Message: errMessage(err)}})
		return true
	}
	_ = enc.Encode(pullLine{End: true})
	return true
}

// parsePartitions reads "0,2".
func parsePartitions(s string) ([]int32, error) {
	out := []int32{}
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.ParseInt(f, 10, 32)
		if err != nil || n < 0 {
			return nil, rqlerr.New(rqlerr.StmtInvalidProps, "invalid %s %q: want partition numbers separated by commas", propPullPartitions, s)
		}
		out = append(out, int32(n))
	}
	return out, nil
}

// pullForwarder is the server's engine.PullRemote: it forwards pull
// queries to the other servers of the service over HTTP.
type pullForwarder struct {
	client *http.Client
	cfg    *Config
}

func newPullForwarder(cfg *Config) *pullForwarder {
	t := http.DefaultTransport.(*http.Transport).Clone()
	return &pullForwarder{client: &http.Client{Transport: t}, cfg: cfg}
}

// Pull implements engine.PullRemote.
func (f *pullForwarder) Pull(ctx context.Context, endpoint, sql string, props map[string]string, parts []int32, row func([]sqltypes.Value) error) error {
	p := make(map[string]any, len(props)+2)
	for k, v := range props {
		p[k] = v
	}
	ps := make([]string, len(parts))
	for i, n := range parts {
		ps[i] = strconv.Itoa(int(n))
	}
	p[propInternal] = true
	p[propPullPartitions] = strings.Join(ps, ",")
	body, err := json.Marshal(map[string]any{"sql": sql, "properties": p})
	if err != nil {
		return rqlerr.Wrap(rqlerr.FormatSerialize, err, "encoding a forwarded pull query")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(endpoint, "/")+"/query-stream", bytes.NewReader(body))
	if err != nil {
		return rqlerr.Wrap(rqlerr.StateUnavailable, err, "forwarding the pull query to %s", endpoint)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", internalPullType)
	switch {
	case f.cfg.AuthToken != "":
		req.Header.Set("Authorization", "Bearer "+f.cfg.AuthToken)
	case f.cfg.BasicUser != "":
		req.SetBasicAuth(f.cfg.BasicUser, f.cfg.BasicPassword)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return rqlerr.Wrap(rqlerr.StateUnavailable, err, "forwarding the pull query to %s", endpoint)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), internalPullType) {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		var eb errorBody
		msg := strings.TrimSpace(string(b))
		if json.Unmarshal(b, &eb) == nil && eb.Message != "" {
			msg = eb.Message
		}
		return rqlerr.New(rqlerr.StateUnavailable, "the member at %s answered %s: %s", endpoint, resp.Status, msg)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64*1024), 64<<20)
	for sc.Scan() {
		var l pullLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return rqlerr.Wrap(rqlerr.FormatDeserialize, err, "reading the pull answer of %s", endpoint)
		}
		switch {
		case l.Error != nil:
			return rqlerr.New(rqlerr.Code(l.Error.Code), "%s", l.Error.Message)
		case l.End:
			return nil
		}
		vals, err := engine.DecodePullRow(l.Row)
		if err != nil {
			return err
		}
		if err := row(vals); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return rqlerr.Wrap(rqlerr.StateUnavailable, err, "reading the pull answer of %s", endpoint)
	}
	return rqlerr.New(rqlerr.StateUnavailable, "the pull answer of %s ended before it was complete", endpoint)
}
