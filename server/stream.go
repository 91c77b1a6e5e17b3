package server

import (
	"context"
	"maps"
	"net/http"
	"strings"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// queryStreamRequest is the body of POST /query-stream (ksqlDB's
// QueryStreamArgs); POST /query's body (KsqlRequest) decodes into it too.
type queryStreamRequest struct {
	SQL               string         `json:"sql"`
	KSQL              string         `json:"ksql"`
	Properties        map[string]any `json:"properties"`
	StreamsProperties map[string]any `json:"streamsProperties"`
	SessionVariables  map[string]any `json:"sessionVariables"`
}

// queryMetadata is the first line of a /query-stream response.
type queryMetadata struct {
	QueryID     string   `json:"queryId"`
	ColumnNames []string `json:"columnNames"`
	ColumnTypes []string `json:"columnTypes"`
}

const delimitedType = "application/vnd.ksqlapi.delimited.v1"

// rowSink receives a query's output as it streams: begin once, then rows,
// then end (err nil when the query ended by its LIMIT).
type rowSink interface {
	begin(id string, cols []sqltypes.Column) error
	row(row []sqltypes.Value) error
	end(err error, closed bool)
}

// handleQueryStream is POST /query-stream: the metadata line, then one
// JSON array per row (application/vnd.ksqlapi.delimited.v1, the default),
// or one JSON array holding both (Accept: application/json). Push queries
// run until their LIMIT, the client goes away, /close-query or Close.
func (s *Server) handleQueryStream(w http.ResponseWriter, r *http.Request) {
	var req queryStreamRequest
	if !decodeBody(w, r, s.cfg.maxBody(), &req) {
		return
	}
	sql := req.SQL
	if sql == "" {
		sql = req.KSQL
	}
	props := req.Properties
	if props == nil {
		props = req.StreamsProperties
	}
	if s.internalPull(w, r, sql, props) { // a pull query forwarded by another member (pull_route.go)
		return
	}
	jsonArray := strings.Contains(r.Header.Get("Accept"), "application/json")
	s.runQuery(w, r, sql, props, req.SessionVariables, &streamSink{w: w, r: r, array: jsonArray})
}

// handleQuery is POST /query, ksqlDB's older chunked endpoint: a JSON
// array of {"header":...}, {"row":{"columns":[...]}}, ... and a final
// {"finalMessage":"Limit Reached"} or {"errorMessage":...}.
func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request) {
	var req queryStreamRequest
	if !decodeBody(w, r, s.cfg.maxBody(), &req) {
		return
	}
	sql := req.KSQL
	if sql == "" {
		sql = req.SQL
	}
	props := req.StreamsProperties
	if props == nil {
		props = req.Properties
	}
	s.runQuery(w, r, sql, props, req.SessionVariables, &legacySink{w: w, r: r})
}

// runQuery parses one SELECT, runs it under the request's properties (over
// the server's own, through engine.Session.RunWith: the engine's are not
// changed) and streams its rows to sink until it ends. It does not take
// s.mu: catalog statements are not blocked by a running query, nor by a
// pull query computing its answer.
func (s *Server) runQuery(w http.ResponseWriter, r *http.Request, sql string, props, vars map[string]any, sink rowSink) {
	stmts, err := parser.Parse(sql, parser.ParseOptions{Variables: stringMap(vars)})
	if err == nil && len(stmts) != 1 {
		err = errOneStatement(len(stmts))
	}
	if err == nil {
		if _, ok := stmts[0].(*parser.SelectStmt); !ok {
			err = rqlerr.At(rqlerr.StmtInvalidProps, stmts[0].Position(),
				"only SELECT queries can be run on %s: send other statements to /ksql", r.URL.Path)
		}
	}
	if err != nil {
		body, status := statementError(err, strings.TrimSpace(sql), nil)
		writeJSON(w, r, status, body)
		return
	}
	st := stmts[0]
	id := "transient_" + randomID(8)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	s.pushMu.Lock()
	s.pushes[id] = cancel
	s.pushMu.Unlock()
	defer func() {
		s.pushMu.Lock()
		delete(s.pushes, id)
		s.pushMu.Unlock()
	}()
	s.metrics.pushStarted()
	defer s.metrics.pushEnded()

	desired := maps.Clone(s.baseline)
	maps.Copy(desired, stringMap(props))
	started := false
	begin := func(cols []sqltypes.Column) error {
		if started {
			return nil
		}
		started = true
		return sink.begin(id, cols)
	}
	err = s.session.RunWith(ctx, st.SQL(), desired, engine.Output{
		Columns: begin,
		Row:     sink.row,
		Result: func(res engine.Result) error { // a pull query answered as a table
			cols := make([]sqltypes.Column, len(res.Columns))
			for i, c := range res.Columns {
				cols[i] = sqltypes.Column{Name: c}
			}
			if err := begin(cols); err != nil {
				return err
			}
			for i, row := range res.Rows {
				vals := make([]sqltypes.Value, len(row))
				if i < len(res.Values) {
					copy(vals, res.Values[i])
				} else {
					for j, v := range row {
						vals[j] = v
					}
				}
				if err := sink.row(vals); err != nil {
					return err
				}
			}
			return nil
		},
	})
	if !started {
		if err == nil {
			err = rqlerr.New(rqlerr.StmtInvalidProps, "the query produced no result")
		}
		body, status := statementError(err, st.SQL(), nil)
		writeJSON(w, r, status, body)
		return
	}
	closed := ctx.Err() != nil // by the client, /close-query or Close
	if closed {
		err = nil
	}
	sink.end(err, closed)
}

// handleCloseQuery is POST /close-query {"queryId": ...}: it ends a push
// query started by /query-stream or /query.
func (s *Server) handleCloseQuery(w http.ResponseWriter, r *http.Request) {
	var req struct {
		QueryID string `json:"queryId"`
	}
	if !decodeBody(w, r, s.cfg.maxBody(), &req) {
		return
	}
	s.pushMu.Lock()
	cancel, ok := s.pushes[req.QueryID]
	s.pushMu.Unlock()
	if !ok {
		writeError(w, r, http.StatusBadRequest, "No query with id "+req.QueryID)
		return
	}
	cancel()
	w.WriteHeader(http.StatusOK)
}

// flush sends what was written so far.
func flush(w http.ResponseWriter) {
	_ = http.NewResponseController(w).Flush()
}

// streamSink writes /query-stream's format.
type streamSink struct {
	w     http.ResponseWriter
	r     *http.Request
	array bool // application/json: one array
	types []*sqltypes.Type
}

func (k *streamSink) begin(id string, cols []sqltypes.Column) error {
	md := queryMetadata{QueryID: id, ColumnNames: []string{}, ColumnTypes: []string{}}
	for _, c := range cols {
		md.ColumnNames = append(md.ColumnNames, c.Name)
		t := "STRING"
		if c.Type != nil {
			t = c.Type.String()
		}
		md.ColumnTypes = append(md.ColumnTypes, t)
		k.types = append(k.types, c.Type)
	}
	if k.array {
		k.w.Header().Set("Content-Type", "application/json")
	} else {
		k.w.Header().Set("Content-Type", delimitedType)
	}
	k.w.WriteHeader(http.StatusOK)
	b := mustJSON(md)
	if k.array {
		b = append([]byte("["), b...)
	} else {
		b = append(b, '\n')
	}
	if _, err := k.w.Write(b); err != nil {
		return err
	}
	flush(k.w)
	return nil
}

func (k *streamSink) row(row []sqltypes.Value) error {
	b, err := rowJSON(row, k.types)
	if err != nil {
		return rqlerr.New(rqlerr.FormatSerialize, "encoding a row: %v", err)
	}
	if k.array {
		b = append([]byte(","), b...)
	} else {
		b = append(b, '\n')
	}
	if _, err := k.w.Write(b); err != nil {
		return err
	}
	flush(k.w)
	return nil
}

func (k *streamSink) end(err error, _ bool) {
	var tail []byte
	if err != nil {
		e := mustJSON(genericError(codeServerError, errMessage(err)))
		if k.array {
			tail = append([]byte(","), e...)
		} else {
			tail = append(e, '\n')
		}
	}
	if k.array {
		tail = append(tail, ']')
	}
	if len(tail) > 0 {
		_, _ = k.w.Write(tail)
	}
}

// legacySink writes /query's format.
type legacySink struct {
	w     http.ResponseWriter
	r     *http.Request
	types []*sqltypes.Type
}

func (k *legacySink) begin(id string, cols []sqltypes.Column) error {
	var schema []string
	for _, c := range cols {
		t := "STRING"
		if c.Type != nil {
			t = c.Type.String()
		}
		d := "`" + c.Name + "` " + t
		if c.NS == sqltypes.NSKey {
			d += " KEY"
		}
		schema = append(schema, d)
		k.types = append(k.types, c.Type)
	}
	hdr := map[string]any{"header": map[string]any{"queryId": id, "schema": strings.Join(schema, ", ")}}
	k.w.Header().Set("Content-Type", responseType(k.r))
	k.w.WriteHeader(http.StatusOK)
	if _, err := k.w.Write(append([]byte("["), mustJSON(hdr)...)); err != nil {
		return err
	}
	flush(k.w)
	return nil
}

func (k *legacySink) row(row []sqltypes.Value) error {
	b, err := rowJSON(row, k.types)
	if err != nil {
		return rqlerr.New(rqlerr.FormatSerialize, "encoding a row: %v", err)
	}
	out := append([]byte(",\n{\"row\":{\"columns\":"), b...)
	out = append(out, "}}"...)
	if _, err := k.w.Write(out); err != nil {
		return err
	}
	flush(k.w)
	return nil
}

func (k *legacySink) end(err error, closed bool) {
	var msg any = map[string]string{"finalMessage": "Limit Reached"}
	switch {
	case err != nil:
		msg = map[string]string{"errorMessage": errMessage(err)}
	case closed:
		msg = map[string]string{"finalMessage": "Query closed"}
	}
	_, _ = k.w.Write(append(append([]byte(",\n"), mustJSON(msg)...), "]\n"...))
}
