// Package client is a small client of rql's (and ksqlDB's) REST API:
// statements through POST /ksql, push and pull queries through POST
// /query-stream (closed with POST /close-query), PRINT through POST
// /query, and GET /info. `rql submit` and the REPL's --server mode use it.
package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Content types of ksqlDB's REST API.
const (
	// KSQLContentType is the type of request bodies and of /ksql answers.
	KSQLContentType = "application/vnd.ksql.v1+json"
	// DelimitedContentType is the answer type asked of /query-stream: a
	// header line, then a JSON array a row.
	DelimitedContentType = "application/vnd.ksqlapi.delimited.v1"
)

// Client talks to one server.
type Client struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:8088.
	URL string
	// AuthToken, when set, is sent as "Authorization: Bearer <token>";
	// else User and Password, when User is set, as basic credentials.
	AuthToken      string
	User, Password string
	// HTTP is the client used (nil: http.DefaultClient).
	HTTP *http.Client
}

// New returns a client of the server at rawURL ("http://host:port" or
// "https://host:port"; user info in it become User and Password) that
// sends token, when set, as a bearer token. It speaks HTTP/1.1 only:
// /query-stream's delimited format streams over it.
func New(rawURL, token string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(rawURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("invalid server URL %q: want http://host:port or https://host:port", rawURL)
	}
	c := &Client{AuthToken: token}
	if u.User != nil {
		c.User = u.User.Username()
		c.Password, _ = u.User.Password()
		u.User = nil
	}
	c.URL = u.String()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ForceAttemptHTTP2 = false
	tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	c.HTTP = &http.Client{Transport: tr}
	return c, nil
}

// Error is an error answer of the server (ksqlDB's KsqlErrorMessage /
// KsqlStatementErrorMessage, with rql's code and position when known).
type Error struct {
	Status        int    `json:"-"`
	Type          string `json:"@type"`
	ErrorCode     int    `json:"error_code"`
	Message       string `json:"message"`
	StatementText string `json:"statementText"`
	RQLCode       string `json:"rqlCode"`
	// Line and Column are the position of the error in the SQL text sent
	// (0 when unknown).
	Line   int `json:"line"`
	Column int `json:"column"`
	// Entities are the results of the statements that succeeded before
	// the failing one.
	Entities []Entity `json:"-"`
}

// Error is "<code>: <message>", the code as Code returns it.
func (e *Error) Error() string { return e.Code() + ": " + e.Message }

// Code returns the error's rql code (RQL-…), else ksqlDB's numeric code,
// else "HTTP <status>".
func (e *Error) Code() string {
	if e.RQLCode != "" {
		return e.RQLCode
	}
	if e.ErrorCode != 0 {
		return fmt.Sprint(e.ErrorCode)
	}
	return fmt.Sprintf("HTTP %d", e.Status)
}

// Entity is one entity of a /ksql response: its "@type", the statement
// it answers, and the whole JSON object.
type Entity struct {
	Type          string
	StatementText string
	Raw           json.RawMessage
}

// request sends body (nil: none) as JSON and returns the answer when its
// status is 2xx, else the answer's *Error. A server that cannot be
// reached is an error naming it; an ended ctx, ctx's error.
func (c *Client) request(ctx context.Context, method, path, accept string, body any) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	base := strings.TrimRight(c.URL, "/")
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", KSQLContentType)
	}
	req.Header.Set("Accept", accept)
	switch {
	case c.AuthToken != "":
		req.Header.Set("Authorization", "Bearer "+c.AuthToken)
	case c.User != "":
		req.SetBasicAuth(c.User, c.Password)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if u, perr := url.Parse(base); perr == nil {
			base = u.Redacted()
		}
		return nil, fmt.Errorf("cannot reach the server at %s: %w", base, err)
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		return nil, decodeError(resp)
	}
	return resp, nil
}

// decodeError reads an error answer: ksqlDB's error body, else the body
// (or the status line) as the message.
func decodeError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	e := &Error{Status: resp.StatusCode}
	if json.Unmarshal(b, e) != nil || e.Message == "" {
		e = &Error{Status: resp.StatusCode, Message: strings.TrimSpace(string(b))}
		if e.Message == "" {
			e.Message = resp.Status
		}
		return e
	}
	var withEntities struct {
		Entities []json.RawMessage `json:"entities"`
	}
	if json.Unmarshal(b, &withEntities) == nil {
		e.Entities = toEntities(withEntities.Entities)
	}
	return e
}

// lineError returns the error a JSON object line of a stream holds, else
// nil (a final message).
func lineError(line []byte) error {
	e := &Error{Status: http.StatusOK}
	if json.Unmarshal(line, e) == nil && (e.ErrorCode != 0 || strings.HasSuffix(e.Type, "error")) {
		return e
	}
	return nil
}

func toEntities(raws []json.RawMessage) []Entity {
	out := make([]Entity, 0, len(raws))
	for _, r := range raws {
		var head struct {
			Type          string `json:"@type"`
			StatementText string `json:"statementText"`
		}
		_ = json.Unmarshal(r, &head)
		out = append(out, Entity{Type: head.Type, StatementText: head.StatementText, Raw: r})
	}
	return out
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
