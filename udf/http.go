package udf

import (
	"net/http"
	"strings"
	"time"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// UserFuncSpec is a parsed CREATE [OR REPLACE] FUNCTION statement:
//
//	CREATE FUNCTION name(arg TYPE, ...) RETURNS TYPE USING HTTP WITH (url=..., ...)
//
// Named types (CREATE TYPE) must be resolved before NewUserFunc.
type UserFuncSpec struct {
	Name   string
	Params []Param
	Return *sqltypes.Type
	// Using is the implementation kind; "HTTP" is the only one.
	Using string
	// Props are the WITH properties: names in any case, values string,
	// int64, float64 or bool as the parser produces them.
	Props map[string]any
	// SQL is the statement text: DESCRIBE FUNCTION prints it, and the
	// catalog persists it (replaying it re-creates the function).
	SQL string
}

// HTTPOption configures NewUserFunc for HTTP functions.
type HTTPOption func(*httpFunc)

// WithHTTPClient makes the function use c instead of its own client (the
// function's timeout still applies per call through the context).
func WithHTTPClient(c *http.Client) HTTPOption { return func(h *httpFunc) { h.client = c } }

// NewUserFunc builds the FuncDef of a user function from its parsed
// pieces. The definition is checked here (unknown or missing properties, a
// URL template naming an unknown parameter, unsupported types), so that
// CREATE FUNCTION fails at once rather than at the first call. The FuncDef
// has Category CategoryUser and one Blocking variant; register it with
// RegisterUserFunc.
func NewUserFunc(spec UserFuncSpec, opts ...HTTPOption) (*FuncDef, error) {
	if err := checkSignature(spec.Name, spec.Params, spec.Return); err != nil {
		return nil, err
	}
	if !strings.EqualFold(spec.Using, "HTTP") {
		return nil, rqlerr.New(rqlerr.UserFuncDefinition, "function %s: unsupported implementation %q (supported: HTTP)", spec.Name, spec.Using)
	}
	h, err := newHTTPFunc(spec)
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		o(h)
	}
	if h.client == nil {
		h.client = &http.Client{Transport: newTransport(h.maxConns)}
	}
	name := strings.ToUpper(spec.Name)
	desc := "HTTP function " + h.method + " " + h.rawURL
	if spec.SQL != "" {
		desc = spec.SQL
	}
	v := &Variant{Params: spec.Params, Return: spec.Return, Description: desc, Blocking: true, Eval: h.eval}
	return &FuncDef{Name: name, DisplayName: strings.ToLower(spec.Name), Kind: Scalar,
		Category: CategoryUser, Description: desc, Variants: []*Variant{v}}, nil
}

// newTransport returns a transport sized for many concurrent calls to one
// host: Go's default keeps only 2 idle connections per host, which would
// make an asynchronous enrichment with hundreds of workers reconnect on
// almost every call (and fill the machine with TIME_WAIT sockets). Up to
// 65 536 idle connections per host are kept, the most workers an
// enrichment may have; unused ones close after IdleConnTimeout.
func newTransport(maxConns int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 0
	t.MaxIdleConnsPerHost = 1 << 16
	t.MaxConnsPerHost = maxConns
	t.IdleConnTimeout = 90 * time.Second
	return t
}
