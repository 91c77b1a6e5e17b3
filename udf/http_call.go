package udf

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
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
	ctx := callContext(ec)
	// A caller whose own deadline comes first (ENRICH USING ASYNC gives
	// every attempt its timeout) needs no second timer.
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > h.timeout {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, h.timeout)
		defer cancel()
	}
	req, err := h.request(ctx, args)
	if err != nil {
		return nil, err
	}
	if ec != nil && ec.IdempotencyKey != "" && h.idemHeader != "" {
		req.Header[h.idemCanon] = []string{ec.IdempotencyKey}
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
	body, err := readBody(resp.Body, resp.ContentLength, h.maxBytes)
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

// readBody reads r to its end, or to max+1 bytes when it is longer (the
// caller reports a body over max). Reading to the end lets the transport
// reuse the connection. length is the announced Content-Length (-1 when
// unknown): the buffer is sized from it, so that a typical response costs
// one allocation.
func readBody(r io.Reader, length, max int64) ([]byte, error) {
	limit := max // the most bytes read: max + 1
	if limit < math.MaxInt64 {
		limit++
	}
	n := int64(512)
	if length >= 0 && length < 64<<10 {
		n = length + 1 // + 1: room to see EOF without growing
	}
	b := make([]byte, 0, min(n, limit))
	for {
		if len(b) == cap(b) {
			if int64(len(b)) >= limit {
				return b, nil
			}
			b = append(b, 0)[:len(b)]
		}
		m, err := r.Read(b[len(b):min(int64(cap(b)), limit)])
		b = b[:len(b)+m]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// request builds the HTTP request for one call.
func (h *httpFunc) request(ctx context.Context, args []sqltypes.Value) (*http.Request, error) {
	target := h.rawURL
	if len(h.tmpl) != 1 || h.tmpl[0].param >= 0 {
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
		target = u.String()
	}
	var body io.Reader
	hasBody := h.method != http.MethodGet && h.method != http.MethodDelete
	if hasBody {
		b := make([]byte, 1, 64)
		b[0] = '{'
		n := 0
		for i, p := range h.params {
			if h.inURL[i] {
				continue
			}
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = append(b, h.jsonKeys[i]...)
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
	// One presized header map; the values of the configured headers and
	// of Content-Type / Accept are shared, read-only, by every request.
	hdr := make(http.Header, len(h.headers)+3)
	for k, vs := range h.headers {
		hdr[k] = vs
	}
	if hasBody {
		hdr["Content-Type"] = h.jsonValue
	}
	hdr["Accept"] = h.jsonValue
	req.Header = hdr
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
	x, ok := h.extract(body)
	if !ok {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
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
	}
	v, err := FromJSONValue(x, h.ret)
	if err != nil {
		return nil, rqlerr.Wrap(rqlerr.UserFuncResponse, err, "function %s: response does not match %s", h.name, h.ret.SQL())
	}
	return v, nil
}

// extract is decode's fast path: it follows the response path through
// the objects of body without decoding their other members, and decodes
// only the value found, as the general path would (numbers as
// json.Number). It reports false when body is not valid JSON or the path
// meets something other than an object or null: the general path then
// decides, with its error messages.
func (h *httpFunc) extract(body []byte) (any, bool) {
	if !json.Valid(body) {
		return nil, false
	}
	raw := bytes.TrimSpace(body)
	for _, seg := range h.path {
		if string(raw) == "null" {
			return nil, true
		}
		if raw[0] != '{' {
			return nil, false
		}
		v, found, ok := jsonMember(raw, seg)
		if !ok {
			return nil, false
		}
		if !found {
			return nil, true
		}
		raw = v
	}
	switch c := raw[0]; {
	case c == '-' || (c >= '0' && c <= '9'):
		return json.Number(raw), true
	case c == '"':
		if plainJSONString(raw) {
			return string(raw[1 : len(raw)-1]), true
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, false
		}
		return s, true
	case string(raw) == "true":
		return true, true
	case string(raw) == "false":
		return false, true
	case string(raw) == "null":
		return nil, true
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var x any
	if dec.Decode(&x) != nil {
		return nil, false
	}
	return x, true
}

// jsonMember finds member name of obj, a valid JSON object, matching keys
// as lookupFold does on a decoded object (an exact match first, the last
// one when a key repeats, as decoding into a map keeps it; else a
// case-insensitive match). ok is false if obj is not well formed.
func jsonMember(obj []byte, name string) (val []byte, found, ok bool) {
	var fold []byte
	folded := false
	i := jsonSkipWS(obj, 1)
	for i < len(obj) && obj[i] != '}' {
		if obj[i] == ',' {
			i = jsonSkipWS(obj, i+1)
		}
		kEnd := jsonSkipString(obj, i)
		if kEnd < 0 {
			return nil, false, false
		}
		key := obj[i:kEnd]
		i = jsonSkipWS(obj, kEnd)
		if i >= len(obj) || obj[i] != ':' {
			return nil, false, false
		}
		i = jsonSkipWS(obj, i+1)
		vEnd := jsonSkipValue(obj, i)
		if vEnd < 0 {
			return nil, false, false
		}
		v := obj[i:vEnd]
		var k string
		if plainJSONString(key) {
			k = string(key[1 : len(key)-1]) // k does not escape: short keys stay on the stack
		} else if json.Unmarshal(key, &k) != nil {
			return nil, false, false
		}
		if k == name {
			val, found = v, true
		} else if strings.EqualFold(k, name) {
			fold, folded = v, true
		}
		i = jsonSkipWS(obj, vEnd)
	}
	if found {
		return val, true, true
	}
	return fold, folded, true
}

// plainJSONString reports whether the JSON string literal s needs no
// unquoting: no escapes and only ASCII (decoding replaces invalid UTF-8).
func plainJSONString(s []byte) bool {
	for _, c := range s[1 : len(s)-1] {
		if c == '\\' || c >= 0x80 {
			return false
		}
	}
	return true
}

func jsonSkipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// jsonSkipString returns the index after the string literal at b[i], or
// -1.
func jsonSkipString(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// jsonSkipValue returns the index after the value at b[i] (of valid
// JSON), or -1.
func jsonSkipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return jsonSkipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = jsonSkipString(b, j)
				if j < 0 {
					return -1
				}
				j--
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[j])) {
		j++
	}
	if j == i {
		return -1
	}
	return j
}
