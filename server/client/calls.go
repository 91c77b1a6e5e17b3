package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Info returns GET /info's KsqlServerInfo.
func (c *Client) Info(ctx context.Context) (map[string]any, error) {
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

// Execute sends sql to /ksql with properties and session variables (nil:
// none), and returns one entity per statement that has one. A failing
// statement returns an *Error whose Entities are those of the statements
// before it.
func (c *Client) Execute(ctx context.Context, sql string, properties, variables map[string]string) ([]Entity, error) {
	resp, err := c.request(ctx, http.MethodPost, "/ksql", KSQLContentType, map[string]any{
		"ksql": sql, "streamsProperties": orEmpty(properties), "sessionVariables": orEmpty(variables)})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var raws []json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&raws); err != nil {
		return nil, fmt.Errorf("POST /ksql: unreadable answer: %w", err)
	}
	return toEntities(raws), nil
}

// Metadata is the first line of a /query-stream answer.
type Metadata struct {
	QueryID     string   `json:"queryId"`
	ColumnNames []string `json:"columnNames"`
	ColumnTypes []string `json:"columnTypes"`
}

// Query runs a push or pull query through /query-stream (delimited
// format) with properties and session variables (nil: none): meta is
// called once with the header, then row with each row (a JSON array, as
// sent) as it arrives, until the server ends the answer (LIMIT reached, a
// pull query's last row): nil; or an error line arrives: that *Error; or
// a callback fails: its error; or ctx ends: then the query is closed on
// the server (POST /close-query) and ctx's error returned.
func (c *Client) Query(ctx context.Context, sql string, properties, variables map[string]string,
	meta func(Metadata) error, row func(json.RawMessage) error) error {
	resp, err := c.request(ctx, http.MethodPost, "/query-stream", DelimitedContentType, map[string]any{
		"sql": sql, "properties": orEmpty(properties), "sessionVariables": orEmpty(variables)})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var md Metadata
	err = readLines(resp.Body, func(i int, line []byte) error {
		if i == 0 {
			if e := lineError(line); e != nil {
				return e
			}
			if err := json.Unmarshal(line, &md); err != nil {
				return fmt.Errorf("POST /query-stream: unreadable header: %w", err)
			}
			return meta(md)
		}
		if line[0] == '{' { // an error, or a final message
			return lineError(line)
		}
		return row(line)
	})
	if ctx.Err() != nil {
		if md.QueryID != "" {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			_ = c.CloseQuery(cctx, md.QueryID)
			cancel()
		}
		return ctx.Err()
	}
	return err
}

// CloseQuery stops a push query on the server.
func (c *Client) CloseQuery(ctx context.Context, id string) error {
	resp, err := c.request(ctx, http.MethodPost, "/close-query", "application/json", map[string]string{"queryId": id})
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

// Print runs PRINT through POST /query with properties (nil: none) and
// calls onLine with each line the server sends, until it ends the answer
// (nil), an error line arrives (that *Error), onLine fails (its error) or
// ctx ends (ctx's error).
func (c *Client) Print(ctx context.Context, sql string, properties map[string]string, onLine func(string) error) error {
	resp, err := c.request(ctx, http.MethodPost, "/query", KSQLContentType, map[string]any{
		"ksql": sql, "streamsProperties": orEmpty(properties)})
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
// trimmed, as it arrives.
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
