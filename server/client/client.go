// Package client is a small client of rql's (and ksqlDB's) REST API:
// statements through POST /ksql and push queries through POST
// /query-stream. `rql submit` uses it, and so can the REPL's --server mode.
package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
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

// Entity is one entity of a /ksql response: its "@type", the statement
// it answers, and the whole JSON object.
type Entity struct {
	Type          string
	StatementText string
	Raw           json.RawMessage
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

func (e *Error) Error() string {
	if e.RQLCode != "" {
		return e.RQLCode + ": " + e.Message
	}
	return fmt.Sprintf("%d: %s", e.ErrorCode, e.Message)
}

func (c *Client) do(ctx context.Context, path, accept string, body any) (*http.Response, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(c.URL, "/")+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
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
	return hc.Do(req)
}

// decodeError reads an error answer.
func decodeError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	e := &Error{Status: resp.StatusCode}
	if err := json.Unmarshal(b, e); err != nil || e.Message == "" {
		return &Error{Status: resp.StatusCode, ErrorCode: resp.StatusCode * 100,
			Message: fmt.Sprintf("%s: %s", resp.Status, strings.TrimSpace(string(b)))}
	}
	var withEntities struct {
		Entities []json.RawMessage `json:"entities"`
	}
	if json.Unmarshal(b, &withEntities) == nil {
		e.Entities = toEntities(withEntities.Entities)
	}
	return e
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

// Execute sends sql to /ksql with properties, and returns one entity per
// statement that has one. A failing statement returns an *Error whose
// Entities are those of the statements before it.
func (c *Client) Execute(ctx context.Context, sql string, properties map[string]string) ([]Entity, error) {
	body := map[string]any{"ksql": sql, "streamsProperties": properties}
	if properties == nil {
		body["streamsProperties"] = map[string]string{}
	}
	resp, err := c.do(ctx, "/ksql", "application/vnd.ksql.v1+json", body)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, decodeError(resp)
	}
	var raws []json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&raws); err != nil {
		return nil, fmt.Errorf("reading the server's answer: %w", err)
	}
	return toEntities(raws), nil
}

// Metadata is the first line of a /query-stream answer.
type Metadata struct {
	QueryID     string   `json:"queryId"`
	ColumnNames []string `json:"columnNames"`
	ColumnTypes []string `json:"columnTypes"`
}

// Query runs a query through /query-stream (delimited format): meta is
// called once, then row with each row as it arrives, until the query ends
// (its LIMIT: nil), ctx ends (ctx's error) or a callback fails.
func (c *Client) Query(ctx context.Context, sql string, properties map[string]string,
	meta func(Metadata) error, row func([]any) error) error {
	body := map[string]any{"sql": sql, "properties": properties}
	resp, err := c.do(ctx, "/query-stream", "application/vnd.ksqlapi.delimited.v1", body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return decodeError(resp)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	first := true
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if first {
			first = false
			var md Metadata
			if err := json.Unmarshal(line, &md); err != nil {
				return fmt.Errorf("reading the query's metadata: %w", err)
			}
			if err := meta(md); err != nil {
				return err
			}
			continue
		}
		if line[0] == '{' { // an error ends the stream
			e := &Error{Status: http.StatusOK}
			if err := json.Unmarshal(line, e); err == nil && e.Message != "" {
				return e
			}
			return fmt.Errorf("unexpected line in the query's answer: %s", line)
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		var vals []any
		if err := dec.Decode(&vals); err != nil {
			return fmt.Errorf("reading a row: %w", err)
		}
		if err := row(vals); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return sc.Err()
}
