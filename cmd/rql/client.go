package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Content types of ksqlDB's REST API.
const (
	ksqlContentType      = "application/vnd.ksql.v1+json"
	delimitedContentType = "application/vnd.ksqlapi.delimited.v1"
)

// client speaks ksqlDB's REST API (which rql's server serves): POST /ksql
// for statements, POST /query-stream (delimited, over HTTP/1.1) for push
// and pull queries, POST /close-query to stop one, POST /query for PRINT,
// GET /info.
type client struct {
	base  *url.URL
	token string // bearer token; else base's user info is sent as basic credentials
	http  *http.Client
}

// newClient returns a client of the server at rawURL ("http://host:port").
func newClient(rawURL, token string) (*client, error) {
	u, err := url.Parse(strings.TrimRight(rawURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("invalid --server %q: want http://host:port or https://host:port", rawURL)
	}
	// HTTP/1.1 only: /query-stream's delimited format streams over it.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ForceAttemptHTTP2 = false
	tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	return &client{base: u, token: token, http: &http.Client{Transport: tr}}, nil
}

// apiError is an error answer of the server: ksqlDB's error body
// {"@type", "error_code", "message", "statementText"}, plus rql's error
// code when the server sends one.
type apiError struct {
	Status        int    `json:"-"`
	Type          string `json:"@type"`
	ErrorCode     int    `json:"error_code"`
	Message       string `json:"message"`
	StatementText string `json:"statementText"`
	// rql's additions: its error code (RQL-…) and the error's position
	// in the statement sent.
	RQLCode string `json:"rqlCode"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
}

func (e *apiError) Error() string { return e.Message }

// rqlCode returns the error's rql code, else ksqlDB's numeric code.
func (e *apiError) rqlCode() string {
	if e.RQLCode != "" {
		return e.RQLCode
	}
	if e.ErrorCode != 0 {
		return fmt.Sprint(e.ErrorCode)
	}
	return fmt.Sprintf("HTTP %d", e.Status)
}

// errorFrom reads an error answer.
func errorFrom(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	e := &apiError{Status: resp.StatusCode}
	if json.Unmarshal(body, e) != nil || e.Message == "" {
		e.Message = strings.TrimSpace(string(body))
		if e.Message == "" {
			e.Message = resp.Status
		}
	}
	return e
}

func (c *client) request(ctx context.Context, method, path, accept string, body any) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	u := *c.base
	u.User = nil
	u.Path += path
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", ksqlContentType)
	}
	req.Header.Set("Accept", accept)
	switch {
	case c.token != "":
		req.Header.Set("Authorization", "Bearer "+c.token)
	case c.base.User != nil:
		pw, _ := c.base.User.Password()
		req.SetBasicAuth(c.base.User.Username(), pw)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("cannot reach the server at %s: %w", c.base.Redacted(), err)
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		return nil, errorFrom(resp)
	}
	return resp, nil
}

// info returns GET /info's KsqlServerInfo.
func (c *client) info(ctx context.Context) (map[string]any, error) {
	resp, err := c.request(ctx, http.MethodGet, "/info", "application/json", nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var v struct {
		Info map[string]any `json:"KsqlServerInfo"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return nil, fmt.Errorf("GET /info: %w", err)
	}
	return v.Info, nil
}

// ksql runs statements with POST /ksql and returns the entities.
func (c *client) ksql(ctx context.Context, sql string, props, vars map[string]string) ([]json.RawMessage, error) {
	resp, err := c.request(ctx, http.MethodPost, "/ksql", ksqlContentType, map[string]any{
		"ksql": sql, "streamsProperties": orEmpty(props), "sessionVariables": orEmpty(vars)})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out []json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("POST /ksql: unreadable answer: %w", err)
	}
	return out, nil
}

// queryHeader is the first line of a /query-stream answer.
type queryHeader struct {
	QueryID     string   `json:"queryId"`
	ColumnNames []string `json:"columnNames"`
	ColumnTypes []string `json:"columnTypes"`
}

// queryStream runs a query with POST /query-stream and calls onHeader
// with its header, then onRow with each row as it arrives, until the
// server ends the answer (LIMIT reached, a pull query's last row) — nil —
// or ctx ends: then the query is closed on the server (POST /close-query)
// before queryStream returns ctx's error.
func (c *client) queryStream(ctx context.Context, sql string, props, vars map[string]string,
	onHeader func(queryHeader) error, onRow func([]any) error) error {
	resp, err := c.request(ctx, http.MethodPost, "/query-stream", delimitedContentType, map[string]any{
		"sql": sql, "properties": orEmpty(props), "sessionVariables": orEmpty(vars)})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var h queryHeader
	err = readLines(resp.Body, func(i int, line []byte) error {
		if i == 0 {
			if e := lineError(line); e != nil {
				return e
			}
			if err := json.Unmarshal(line, &h); err != nil {
				return fmt.Errorf("POST /query-stream: unreadable header: %w", err)
			}
			return onHeader(h)
		}
		if line[0] == '{' { // an error, or a final message
			if e := lineError(line); e != nil {
				return e
			}
			return nil
		}
		v, err := decodeOrdered(line)
		if err != nil {
			return fmt.Errorf("POST /query-stream: unreadable row: %w", err)
		}
		row, ok := v.([]any)
		if !ok {
			return fmt.Errorf("POST /query-stream: a row is not an array: %s", line)
		}
		return onRow(row)
	})
	if ctx.Err() != nil {
		if h.QueryID != "" {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			_ = c.closeQuery(cctx, h.QueryID)
			cancel()
		}
		return ctx.Err()
	}
	return err
}

// lineError returns the error a JSON object line of a stream holds.
func lineError(line []byte) error {
	var e apiError
	if json.Unmarshal(line, &e) == nil && (e.ErrorCode != 0 || strings.HasSuffix(e.Type, "error")) {
		return &e
	}
	return nil
}

// closeQuery stops a push query on the server.
func (c *client) closeQuery(ctx context.Context, id string) error {
	resp, err := c.request(ctx, http.MethodPost, "/close-query", "application/json", map[string]string{"queryId": id})
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

// print runs PRINT with POST /query and calls onLine with each line the
// server sends, until it ends the answer or ctx ends.
func (c *client) print(ctx context.Context, sql string, props map[string]string, onLine func(string) error) error {
	resp, err := c.request(ctx, http.MethodPost, "/query", ksqlContentType, map[string]any{
		"ksql": sql, "streamsProperties": orEmpty(props)})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	err = readLines(resp.Body, func(_ int, line []byte) error {
		if line[0] == '{' {
			if e := lineError(line); e != nil {
				return e
			}
		}
		return onLine(string(line))
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// readLines calls fn with each non-blank line of r (numbered from 0),
// as it arrives.
func readLines(r io.Reader, fn func(i int, line []byte) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for i := 0; ; {
		line, err := br.ReadBytes('\n')
		if t := bytes.TrimSpace(line); len(t) > 0 {
			if ferr := fn(i, t); ferr != nil {
				return ferr
			}
			i++
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
