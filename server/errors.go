package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/rql/rql/rqlerr"
)

// ksqlDB's error codes (io.confluent.ksql.rest.Errors): the HTTP status
// times 100, plus a detail digit.
const (
	codeBadRequest    = 40000
	codeBadStatement  = 40001
	codeQueryEndpoint = 40002
	codeUnauthorized  = 40100
	codeNotFound      = 40400
	codeTooLarge      = 41300
	codeServerError   = 50000
	codeUnavailable   = 50300
)

// errorBody is ksqlDB's error shape: "generic_error" (KsqlErrorMessage)
// or, with StatementText, "statement_error" (KsqlStatementErrorMessage).
// RQLCode, Line and Column are rql's additions: the rql error code and
// the position of the error in the request's SQL text, when known.
type errorBody struct {
	Type          string `json:"@type"`
	ErrorCode     int    `json:"error_code"`
	Message       string `json:"message"`
	StatementText string `json:"statementText,omitempty"`
	Entities      []any  `json:"entities,omitempty"`
	RQLCode       string `json:"rqlCode,omitempty"`
	Line          int    `json:"line,omitempty"`
	Column        int    `json:"column,omitempty"`
}

// genericError returns a generic_error body.
func genericError(code int, msg string) errorBody {
	return errorBody{Type: "generic_error", ErrorCode: code, Message: msg}
}

// statementError returns the statement_error body and HTTP status for err,
// raised by statement text after entities succeeded.
func statementError(err error, text string, entities []any) (errorBody, int) {
	b := errorBody{Type: "statement_error", ErrorCode: codeBadStatement, Message: errMessage(err),
		StatementText: text, Entities: entities}
	if entities == nil {
		b.Entities = []any{}
	}
	status := http.StatusBadRequest
	var re *rqlerr.Error
	if errors.As(err, &re) {
		b.RQLCode = string(re.Code)
		if re.Domain != rqlerr.User {
			b.ErrorCode, status = codeServerError, http.StatusInternalServerError
		}
	}
	if pos, ok := rqlerr.PosOf(err); ok {
		b.Line, b.Column = pos.Line, pos.Col
	}
	return b, status
}

// errMessage is err's message without the "line L, column C: " prefix
// (the position is reported apart).
func errMessage(err error) string {
	var re *rqlerr.Error
	if errors.As(err, &re) {
		msg := re.Msg
		if msg == "" && re.Err != nil {
			msg = re.Err.Error()
		}
		if re.Hint != "" {
			msg += "\n" + re.Hint
		}
		if msg != "" {
			return msg
		}
	}
	return err.Error()
}

// writeJSON writes v as the response body with status.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(genericError(codeServerError, "encoding the response: "+err.Error()))
	}
	w.Header().Set("Content-Type", responseType(r))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// writeError writes a generic_error with status.
func writeError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	writeJSON(w, r, status, genericError(status*100, msg))
}

// responseType is the content type of a JSON answer: ksqlDB's own when
// the client asked for it, else application/json.
func responseType(r *http.Request) string {
	if strings.Contains(r.Header.Get("Accept"), "application/vnd.ksql.v1+json") {
		return "application/vnd.ksql.v1+json"
	}
	return "application/json"
}

// decodeBody decodes the JSON request body into v, capped at max bytes.
// On failure it writes the error response (413 or 400) and returns false.
func decodeBody(w http.ResponseWriter, r *http.Request, max int64, v any) bool {
	body := http.MaxBytesReader(w, r.Body, max)
	dec := json.NewDecoder(body)
	dec.UseNumber()
	err := dec.Decode(v)
	if err == nil {
		if _, err2 := io.Copy(io.Discard, body); err2 != nil {
			err = err2
		}
	}
	if err == nil {
		return true
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeJSON(w, r, http.StatusRequestEntityTooLarge,
			genericError(codeTooLarge, "request body larger than the limit of "+itoa(tooBig.Limit)+" bytes"))
	case errors.Is(err, io.EOF):
		writeError(w, r, http.StatusBadRequest, "the request body is empty: a JSON object is expected")
	default:
		writeError(w, r, http.StatusBadRequest, "malformed JSON in the request body: "+err.Error())
	}
	return false
}
