package udf

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// eval makes one HTTP call: it builds the request from args (URL
// placeholders, then the JSON body or the query string), sends it with
// ec.Ctx narrowed by the function's timeout, and maps the response to the
// return type. Errors: UserFuncUnavailable (retryable, see Retryable) for
// 429 / 502 / 503 / 504, transport errors and timeouts; UserFuncStatus for
// other non-2xx statuses; UserFuncResponse when the body does not map.
func (h *httpFunc) eval(ec *EvalContext, args []sqltypes.Value) (sqltypes.Value, error) {
	ctx, cancel := context.WithTimeout(callContext(ec), h.timeout)
	defer cancel()
	req, err := h.request(ctx, args)
	if err != nil {
		return nil, err
	}
	if ec != nil && ec.IdempotencyKey != "" && h.idemHeader != "" {
		req.Header.Set(h.idemHeader, ec.IdempotencyKey)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, &rqlerr.Error{Code: rqlerr.UserFuncUnavailable, Domain: rqlerr.External,
				Msg: fmt.Sprintf("function %s: call cancelled", h.name), Err: context.Canceled}
		}
		return nil, unavailable(fmt.Sprintf("function %s: %s %s: %v", h.name, h.method, h.where(), err), 0, 0, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, h.maxBytes+1))
	if err != nil {
		return nil, unavailable(fmt.Sprintf("function %s: reading the response: %v", h.name, err), resp.StatusCode, 0, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, h.statusErr(resp, body)
	}
	if int64(len(body)) > h.maxBytes {
		return nil, rqlerr.New(rqlerr.UserFuncResponse, "function %s: response larger than %d bytes", h.name, h.maxBytes)
	}
	return h.decode(body)
}

// request builds the HTTP request for one call.
func (h *httpFunc) request(ctx context.Context, args []sqltypes.Value) (*http.Request, error) {
	var u strings.Builder
	for _, p := range h.tmpl {
		if p.param < 0 {
			u.WriteString(p.lit)
			continue
		}
		s, err := textOf(args[p.param], h.params[p.param].Type)
		if err != nil {
			return nil, err
		}
		u.WriteString(url.PathEscape(s))
	}
	target := u.String()
	var body io.Reader
	hasBody := h.method != http.MethodGet && h.method != http.MethodDelete
	if hasBody {
		b := []byte{'{'}
		n := 0
		for i, p := range h.params {
			if h.inURL[i] {
				continue
			}
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = appendJSONString(b, h.jsonNames[i])
			b = append(b, ':')
			var err error
			if b, err = appendJSON(b, args[i], p.Type); err != nil {
				return nil, rqlerr.New(rqlerr.UserFuncCall, "function %s argument %s: %v", h.name, p.Name, err)
			}
		}
		body = bytes.NewReader(append(b, '}'))
	} else {
		q := url.Values{}
		for i, p := range h.params {
			if h.inURL[i] || args[i] == nil {
				continue
			}
			s, err := textOf(args[i], p.Type)
			if err != nil {
				return nil, err
			}
			q.Set(h.jsonNames[i], s)
		}
		if len(q) > 0 {
			sep := "?"
			if strings.Contains(target, "?") {
				sep = "&"
			}
			target += sep + q.Encode()
		}
	}
	req, err := http.NewRequestWithContext(ctx, h.method, target, body)
	if err != nil {
		return nil, rqlerr.New(rqlerr.UserFuncCall, "function %s: bad request URL: %v", h.name, err)
	}
	for k, vs := range h.headers {
		req.Header[k] = vs
	}
	if hasBody {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// textOf renders a primitive value for a URL or query string; composite
// values are rendered as JSON text.
func textOf(v sqltypes.Value, t *sqltypes.Type) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	}
	b, err := appendJSON(nil, v, t)
	if err != nil {
		return "", rqlerr.New(rqlerr.UserFuncCall, "cannot render argument: %v", err)
	}
	return string(b), nil
}

// statusErr classifies a non-2xx response.
func (h *httpFunc) statusErr(resp *http.Response, body []byte) error {
	snippet := strings.TrimSpace(string(body))
	if len(snippet) > 200 {
		snippet = snippet[:200] + "..."
	}
	msg := fmt.Sprintf("function %s: %s %s answered %s", h.name, h.method, h.where(), resp.Status)
	if snippet != "" {
		msg += ": " + snippet
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout:
		return unavailable(msg, resp.StatusCode, parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()), nil)
	}
	d := rqlerr.User
	if resp.StatusCode >= 500 {
		d = rqlerr.External
	}
	return &rqlerr.Error{Code: rqlerr.UserFuncStatus, Domain: d, Msg: msg}
}

// where is the request target without query string or placeholders, for
// messages (query strings may carry secrets).
func (h *httpFunc) where() string {
	s := h.rawURL
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s = s[:i]
	}
	return s
}

// parseRetryAfter reads Retry-After: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n >= 0 {
		return time.Duration(n * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// decode maps a 2xx body to the return type: an empty body is NULL.
func (h *httpFunc) decode(body []byte) (sqltypes.Value, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, rqlerr.New(rqlerr.UserFuncResponse, "function %s: response is not JSON: %v", h.name, err)
	}
	for i, seg := range h.path {
		m, ok := x.(map[string]any)
		if !ok {
			if x == nil {
				return nil, nil
			}
			return nil, rqlerr.New(rqlerr.UserFuncResponse, "function %s: response path %s: not an object", h.name, strings.Join(h.path[:i+1], "."))
		}
		x = lookupFold(m, seg)
	}
	v, err := FromJSONValue(x, h.ret)
	if err != nil {
		return nil, rqlerr.Wrap(rqlerr.UserFuncResponse, err, "function %s: response does not match %s", h.name, h.ret.SQL())
	}
	return v, nil
}
