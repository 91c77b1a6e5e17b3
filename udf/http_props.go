package udf

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// The WITH properties of CREATE FUNCTION ... USING HTTP (names are
// case-insensitive). docs/user-functions.md documents each one.
const (
	propURL          = "URL"                // required: http(s) URL, may contain {param} placeholders
	propMethod       = "METHOD"             // GET | POST | PUT | PATCH | DELETE; default POST
	propHeaders      = "HEADERS"            // 'Name: value; Name2: value2'
	propTimeout      = "TIMEOUT"            // per request; '2s', '500ms' or integer milliseconds; default 10s
	propResponsePath = "RESPONSE_PATH"      // dotted path into the JSON response ('data.geo'); default the whole body
	propMaxResponse  = "MAX_RESPONSE_BYTES" // default 1 MiB
	propIdemHeader   = "IDEMPOTENCY_HEADER" // default 'Idempotency-Key'; '' disables
	propMaxConns     = "MAX_CONNECTIONS"    // per host; default 0 (unlimited)
)

var httpProps = map[string]bool{propURL: true, propMethod: true, propHeaders: true, propTimeout: true,
	propResponsePath: true, propMaxResponse: true, propIdemHeader: true, propMaxConns: true}

// httpFunc is one HTTP user function: its validated configuration.
type httpFunc struct {
	name       string
	rawURL     string
	tmpl       []tmplPart // the URL split at placeholders
	method     string
	headers    http.Header
	timeout    time.Duration
	path       []string
	maxBytes   int64
	idemHeader string
	maxConns   int
	params     []Param
	ret        *sqltypes.Type
	inURL      []bool   // per parameter: used by a URL placeholder
	jsonNames  []string // per parameter: its JSON / query-string name
	client     *http.Client

	// Precomputed per-call pieces (see request).
	jsonKeys  []string // per parameter: its JSON name quoted, followed by ':'
	idemCanon string   // idemHeader in canonical form
	jsonValue []string // {"application/json"}, shared read-only by every request
}

// tmplPart is a literal (param < 0) or the placeholder of parameter param.
type tmplPart struct {
	lit   string
	param int
}

func defErr(name, format string, args ...any) *rqlerr.Error {
	return rqlerr.New(rqlerr.UserFuncDefinition, "function %s: %s", name, fmt.Sprintf(format, args...))
}

// newHTTPFunc validates the properties of spec.
func newHTTPFunc(spec UserFuncSpec) (*httpFunc, error) {
	h := &httpFunc{name: strings.ToUpper(spec.Name), method: http.MethodPost, timeout: 10 * time.Second,
		maxBytes: 1 << 20, idemHeader: "Idempotency-Key", headers: http.Header{}, params: spec.Params, ret: spec.Return}
	props := map[string]any{}
	for k, v := range spec.Props {
		k = strings.ToUpper(k)
		if !httpProps[k] {
			return nil, defErr(h.name, "unknown property %s (known: %s)", k, knownProps())
		}
		props[k] = v
	}
	str := func(k string) (string, bool, error) {
		v, ok := props[k]
		if !ok {
			return "", false, nil
		}
		s, isStr := v.(string)
		if !isStr {
			return "", true, defErr(h.name, "property %s must be a string", k)
		}
		return s, true, nil
	}
	u, ok, err := str(propURL)
	if err != nil {
		return nil, err
	}
	if !ok || u == "" {
		return nil, defErr(h.name, "property URL is required")
	}
	h.rawURL = u
	if m, ok, err := str(propMethod); err != nil {
		return nil, err
	} else if ok {
		h.method = strings.ToUpper(m)
		switch h.method {
		case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			return nil, defErr(h.name, "unsupported METHOD %q (GET, POST, PUT, PATCH or DELETE)", m)
		}
	}
	if s, ok, err := str(propHeaders); err != nil {
		return nil, err
	} else if ok {
		if err := parseHeaders(s, h.headers); err != nil {
			return nil, defErr(h.name, "%v", err)
		}
	}
	if v, ok := props[propTimeout]; ok {
		d, err := ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, defErr(h.name, "invalid TIMEOUT %v: want a positive duration such as '2s' or milliseconds", v)
		}
		h.timeout = d
	}
	if s, ok, err := str(propResponsePath); err != nil {
		return nil, err
	} else if ok && s != "" {
		h.path = strings.Split(strings.TrimPrefix(strings.TrimPrefix(s, "$"), "."), ".")
	}
	if v, ok := props[propMaxResponse]; ok {
		n, isInt := v.(int64)
		if !isInt || n <= 0 {
			return nil, defErr(h.name, "MAX_RESPONSE_BYTES must be a positive integer")
		}
		h.maxBytes = n
	}
	if v, ok := props[propMaxConns]; ok {
		n, isInt := v.(int64)
		if !isInt || n < 0 {
			return nil, defErr(h.name, "MAX_CONNECTIONS must be a non-negative integer")
		}
		h.maxConns = int(n)
	}
	if s, ok, err := str(propIdemHeader); err != nil {
		return nil, err
	} else if ok {
		h.idemHeader = s
	}
	h.idemCanon = http.CanonicalHeaderKey(h.idemHeader)
	h.jsonValue = []string{"application/json"}
	h.jsonNames = make([]string, len(spec.Params))
	h.jsonKeys = make([]string, len(spec.Params))
	for i, p := range spec.Params {
		h.jsonNames[i] = jsonName(p.Name)
		h.jsonKeys[i] = string(appendJSONString(nil, h.jsonNames[i])) + ":"
	}
	if err := h.parseTemplate(); err != nil {
		return nil, err
	}
	return h, nil
}

// parseTemplate splits the URL at {param} placeholders (case-insensitive
// parameter names) and checks the URL's scheme.
func (h *httpFunc) parseTemplate() error {
	h.inURL = make([]bool, len(h.params))
	s := h.rawURL
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			h.tmpl = append(h.tmpl, tmplPart{lit: s, param: -1})
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return defErr(h.name, "URL has an unclosed placeholder: %s", h.rawURL)
		}
		if i > 0 {
			h.tmpl = append(h.tmpl, tmplPart{lit: s[:i], param: -1})
		}
		ph := s[i+1 : i+j]
		idx := -1
		for k, p := range h.params {
			if strings.EqualFold(p.Name, ph) {
				idx = k
			}
		}
		if idx < 0 {
			return defErr(h.name, "URL placeholder {%s} names no parameter", ph)
		}
		if !h.params[idx].Type.IsPrimitive() {
			return defErr(h.name, "URL placeholder {%s}: parameter must have a primitive type", ph)
		}
		h.inURL[idx] = true
		h.tmpl = append(h.tmpl, tmplPart{param: idx})
		s = s[i+j+1:]
	}
	probe := h.rawURL
	if k := strings.IndexByte(probe, '{'); k >= 0 {
		probe = probe[:k]
	}
	pu, err := url.Parse(probe)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return defErr(h.name, "URL must be an absolute http or https URL, got %q", h.rawURL)
	}
	return nil
}

// parseHeaders reads 'Name: value; Name2: value2' (or newline-separated).
func parseHeaders(s string, into http.Header) error {
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, ":")
		if !ok || strings.TrimSpace(k) == "" {
			return fmt.Errorf("HEADERS entry %q is not 'Name: value'", part)
		}
		into.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return nil
}

// jsonName is the JSON key of a parameter: unquoted SQL names are
// canonically upper case and go out in lower case; a name with lower-case
// letters (quoted in SQL) keeps its case.
func jsonName(n string) string {
	if strings.ToUpper(n) == n {
		return strings.ToLower(n)
	}
	return n
}

func knownProps() string {
	ks := make([]string, 0, len(httpProps))
	for k := range httpProps {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// ParseDuration reads a duration property: a Go duration string ('250ms',
// '2s', '1m'), a number of milliseconds as an integer literal or a string
// of digits.
func ParseDuration(v any) (time.Duration, error) {
	switch x := v.(type) {
	case int64:
		return time.Duration(x) * time.Millisecond, nil
	case float64:
		return time.Duration(x * float64(time.Millisecond)), nil
	case string:
		s := strings.TrimSpace(x)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Duration(n) * time.Millisecond, nil
		}
		return time.ParseDuration(strings.ToLower(s))
	}
	return 0, fmt.Errorf("not a duration: %v", v)
}
