package server

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/rqlerr"
)

// ksqlRequest is the body of POST /ksql (ksqlDB's KsqlRequest).
type ksqlRequest struct {
	KSQL                  string         `json:"ksql"`
	StreamsProperties     map[string]any `json:"streamsProperties"`
	SessionVariables      map[string]any `json:"sessionVariables"`
	CommandSequenceNumber *int64         `json:"commandSequenceNumber"`
}

// stringMap converts a JSON object's values to strings (ksqlDB accepts
// numbers and booleans for properties and variables).
func stringMap(m map[string]any) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch x := v.(type) {
		case string:
			out[k] = x
		case nil:
			out[k] = ""
		default:
			out[k] = fmt.Sprint(x)
		}
	}
	return out
}

func errOneStatement(n int) error {
	return rqlerr.New(rqlerr.ParseSyntax, "expected exactly one statement, got %d", n)
}

// handleKSQL is POST /ksql: it runs the request's statements in order and
// answers an array with one entity per statement (SET, UNSET, DEFINE and
// UNDEFINE have none: they change the request's properties and
// variables), or, at the first failing statement, a statement_error
// carrying the entities of the statements before it.
func (s *Server) handleKSQL(w http.ResponseWriter, r *http.Request) {
	var req ksqlRequest
	if !decodeBody(w, r, s.cfg.maxBody(), &req) {
		return
	}
	if strings.TrimSpace(req.KSQL) == "" {
		writeError(w, r, http.StatusBadRequest, "the request has no statements: set \"ksql\"")
		return
	}
	if req.CommandSequenceNumber != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		err := s.cmds.waitFor(ctx, *req.CommandSequenceNumber)
		cancel()
		if err != nil {
			writeJSON(w, r, http.StatusServiceUnavailable, genericError(codeUnavailable,
				fmt.Sprintf("timed out waiting for command %d to be applied: %v", *req.CommandSequenceNumber, err)))
			return
		}
	}
	vars := stringMap(req.SessionVariables)
	props := maps.Clone(s.baseline)
	maps.Copy(props, stringMap(req.StreamsProperties))
	stmts, err := parser.Parse(req.KSQL, parser.ParseOptions{Variables: vars})
	if err != nil {
		body, status := statementError(err, failedText(req.KSQL, err), nil)
		writeJSON(w, r, status, body)
		return
	}
	entities := []any{}
	for _, st := range stmts {
		ent, err := s.runKSQL(r.Context(), st, props, vars)
		if err != nil {
			body, status := statementError(err, st.SQL(), entities)
			if isQueryEndpoint(err) {
				body.ErrorCode = codeQueryEndpoint
			}
			writeJSON(w, r, status, body)
			return
		}
		if ent != nil {
			entities = append(entities, ent)
		}
	}
	writeJSON(w, r, http.StatusOK, entities)
}

// errQueryEndpoint is ksqlDB's answer to a query sent to /ksql.
type errQueryEndpoint struct{ kind string }

func (e errQueryEndpoint) Error() string {
	return "The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT"
}

func isQueryEndpoint(err error) bool { _, ok := err.(errQueryEndpoint); return ok }

// runKSQL runs one statement of a /ksql request; props and vars are the
// request's, updated by SET / UNSET / DEFINE / UNDEFINE.
func (s *Server) runKSQL(ctx context.Context, st parser.Statement, props, vars map[string]string) (any, error) {
	switch x := st.(type) {
	case *parser.SelectStmt, *parser.Print:
		return nil, errQueryEndpoint{}
	case *parser.SetProperty:
		props[x.Name] = x.Value
		return nil, nil
	case *parser.UnsetProperty:
		delete(props, x.Name)
		return nil, nil
	case *parser.DefineVariable:
		vars[x.Name] = x.Value
		return nil, nil
	case *parser.UndefineVariable:
		for k := range vars {
			if strings.EqualFold(k, x.Name) {
				delete(vars, k)
			}
		}
		return nil, nil
	case *parser.RunScript:
		return nil, rqlerr.At(rqlerr.ParseUnsupported, x.StmtPos, "RUN SCRIPT is a client command: send the script's statements instead")
	case *parser.Show:
		switch x.What {
		case parser.ShowVariables:
			return variablesEntity(st.SQL(), vars), nil
		case parser.ShowTypes:
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.typesEntity(st.SQL()), nil
		case parser.ShowProperties:
			return propertiesEntity(st.SQL(), props, s.baseline), nil
		}
	case *parser.InsertValues:
		return s.insertValues(ctx, x, props)
	}
	ex, err := s.execute(ctx, st, props, vars)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.entity(st, ex), nil
}

// insertValues runs INSERT INTO ... VALUES through the server's session
// under props (the request's: engine.Session.RunWith), without s.mu.
func (s *Server) insertValues(ctx context.Context, st *parser.InsertValues, props map[string]string) (any, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), statementTimeout)
	defer cancel()
	var res engine.Result
	err := s.session.RunWith(ctx, st.SQL(), props, engine.Output{Result: func(r engine.Result) error { res = r; return nil }})
	if err != nil {
		return nil, err
	}
	msg := res.Message
	if msg == "" {
		msg = "Inserted 1 row into " + st.Target
	}
	return statusEntity(st.SQL(), "", msg, "", -1), nil
}

// failedText returns the text of the statement a parse error points
// into: the line of its position, or the whole text.
func failedText(text string, err error) string {
	if pos, ok := rqlerr.PosOf(err); ok {
		lines := strings.Split(text, "\n")
		if pos.Line >= 1 && pos.Line <= len(lines) {
			return strings.TrimSpace(lines[pos.Line-1])
		}
	}
	return strings.TrimSpace(text)
}

// mustJSON is json.Marshal for values that always encode.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte("null")
	}
	return b
}
