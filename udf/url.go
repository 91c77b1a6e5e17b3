package udf

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/rql/rql/sqltypes"
)

// registerURL adds ksqlDB's URL functions; a malformed URL makes the result
// NULL with an error.
func registerURL(r *Registry) {
	part := func(name, desc string, get func(u *url.URL) sqltypes.Value) *FuncDef {
		return def(name, catURL, desc, sig(tStr, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
			u, err := url.Parse(asStr(a[0]))
			if err != nil {
				return nil, fnErr("invalid URL %q: %v", asStr(a[0]), err)
			}
			return get(u), nil
		}, pa("input", tStr)))
	}
	nonEmpty := func(s string) sqltypes.Value {
		if s == "" {
			return nil
		}
		return s
	}
	port := def("URL_EXTRACT_PORT", catURL, "Extracts the port of a URL, or NULL when absent.",
		sig(tInt, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
			u, err := url.Parse(asStr(a[0]))
			if err != nil {
				return nil, fnErr("invalid URL %q: %v", asStr(a[0]), err)
			}
			p, err := strconv.Atoi(u.Port())
			if err != nil {
				return nil, nil
			}
			return int32(p), nil
		}, pa("input", tStr)))
	r.MustRegister(
		def("URL_DECODE_PARAM", catURL, "Unescapes the URL-param-encoded value.",
			sig(tStr, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				s, err := url.QueryUnescape(asStr(a[0]))
				if err != nil {
					return nil, fnErr("invalid URL encoding %q", asStr(a[0]))
				}
				return s, nil
			}, pa("input", tStr))),
		def("URL_ENCODE_PARAM", catURL, "Escapes the value so it can be safely placed inside a URL query.",
			sig(tStr, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return url.QueryEscape(asStr(a[0])), nil
			}, pa("input", tStr))),
		part("URL_EXTRACT_FRAGMENT", "Extracts the fragment of a URL, or NULL when absent.",
			func(u *url.URL) sqltypes.Value { return nonEmpty(u.Fragment) }),
		part("URL_EXTRACT_HOST", "Extracts the host of a URL, or NULL when absent.",
			func(u *url.URL) sqltypes.Value { return nonEmpty(u.Hostname()) }),
		part("URL_EXTRACT_PATH", "Extracts the path of a URL.",
			func(u *url.URL) sqltypes.Value { return u.Path }),
		part("URL_EXTRACT_PROTOCOL", "Extracts the protocol (scheme) of a URL, or NULL when absent.",
			func(u *url.URL) sqltypes.Value { return nonEmpty(u.Scheme) }),
		part("URL_EXTRACT_QUERY", "Extracts the decoded query of a URL, or NULL when absent.",
			func(u *url.URL) sqltypes.Value {
				if u.RawQuery == "" {
					return nil
				}
				q, err := url.PathUnescape(u.RawQuery)
				if err != nil {
					return u.RawQuery
				}
				return q
			}),
		port,
		def("URL_EXTRACT_PARAMETER", catURL, "Extracts the decoded value of the first query parameter of the given name, or NULL when absent.",
			sig(tStr, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				u, err := url.Parse(asStr(a[0]))
				if err != nil {
					return nil, fnErr("invalid URL %q: %v", asStr(a[0]), err)
				}
				name := asStr(a[1])
				for _, kv := range strings.Split(u.RawQuery, "&") {
					k, v, found := strings.Cut(kv, "=")
					if k != name {
						continue
					}
					if !found {
						return nil, nil
					}
					d, err := url.QueryUnescape(v)
					if err != nil {
						return v, nil
					}
					return d, nil
				}
				return nil, nil
			}, pa("input", tStr), pa("paramToFind", tStr))),
	)
}
