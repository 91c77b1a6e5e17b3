package udf

import (
	"encoding/json"
	"strconv"
	"strings"
)

// jnode is a parsed JSON value that keeps object key order and the exact
// text of numbers (1.23450 stays 1.23450), as Jackson's tree does.
type jnode struct {
	kind byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	text string
	keys []string
	vals []*jnode // object values or array elements
}

// parseJSON parses one complete JSON document.
func parseJSON(s string) (*jnode, bool) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	n, ok := readJNode(dec)
	if !ok {
		return nil, false
	}
	if _, err := dec.Token(); err == nil {
		return nil, false // trailing content
	}
	return n, true
}

func readJNode(dec *json.Decoder) (*jnode, bool) {
	tok, err := dec.Token()
	if err != nil {
		return nil, false
	}
	return jnodeFrom(dec, tok)
}

func jnodeFrom(dec *json.Decoder, tok json.Token) (*jnode, bool) {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &jnode{kind: 'o'}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, false
				}
				k, ok := kt.(string)
				if !ok {
					return nil, false
				}
				v, ok := readJNode(dec)
				if !ok {
					return nil, false
				}
				n.set(k, v)
			}
			if end, err := dec.Token(); err != nil || end != json.Delim('}') {
				return nil, false
			}
			return n, true
		case '[':
			n := &jnode{kind: 'a'}
			for dec.More() {
				v, ok := readJNode(dec)
				if !ok {
					return nil, false
				}
				n.vals = append(n.vals, v)
			}
			if end, err := dec.Token(); err != nil || end != json.Delim(']') {
				return nil, false
			}
			return n, true
		}
		return nil, false
	case string:
		return &jnode{kind: 's', text: t}, true
	case json.Number:
		return &jnode{kind: 'n', text: t.String()}, true
	case bool:
		return &jnode{kind: 'b', text: strconv.FormatBool(t)}, true
	case nil:
		return &jnode{kind: 'z'}, true
	}
	return nil, false
}

// set puts key k, replacing an existing key in place (Jackson keeps the
// last duplicate).
func (n *jnode) set(k string, v *jnode) {
	for i, old := range n.keys {
		if old == k {
			n.vals[i] = v
			return
		}
	}
	n.keys = append(n.keys, k)
	n.vals = append(n.vals, v)
}

// get returns the value of key k of an object.
func (n *jnode) get(k string) *jnode {
	for i, old := range n.keys {
		if old == k {
			return n.vals[i]
		}
	}
	return nil
}

// String prints compact JSON, as Jackson's JsonNode.toString.
func (n *jnode) String() string {
	var b strings.Builder
	n.write(&b)
	return b.String()
}

func (n *jnode) write(b *strings.Builder) {
	switch n.kind {
	case 'o':
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			n.vals[i].write(b)
		}
		b.WriteByte('}')
	case 'a':
		b.WriteByte('[')
		for i, v := range n.vals {
			if i > 0 {
				b.WriteByte(',')
			}
			v.write(b)
		}
		b.WriteByte(']')
	case 's':
		writeJSONString(b, n.text)
	case 'z':
		b.WriteString("null")
	default:
		b.WriteString(n.text)
	}
}

// asText is Jackson's asText: a string's value unquoted, null as "null",
// other scalars as written, containers as compact JSON.
func (n *jnode) asText() string {
	if n.kind == 's' {
		return n.text
	}
	return n.String()
}

// writeJSONString writes s as a JSON string literal with Jackson's escapes
// (no HTML escaping).
func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte("0123456789ABCDEF"[r>>4])
				b.WriteByte("0123456789ABCDEF"[r&0xF])
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

// jsonPath walks a JSONPath of ksqlDB's subset: $.a.b, $.a[0], $['a'],
// $["a"]. ok is false for a malformed path.
func jsonPath(root *jnode, path string) (*jnode, bool) {
	p := strings.TrimSpace(path)
	if !strings.HasPrefix(p, "$") {
		return nil, false
	}
	p = p[1:]
	cur := root
	for len(p) > 0 {
		switch p[0] {
		case '.':
			p = p[1:]
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			key := p[:end]
			p = p[end:]
			if cur == nil || cur.kind != 'o' {
				cur = nil
				continue
			}
			cur = cur.get(key)
		case '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return nil, false
			}
			inner := strings.TrimSpace(p[1:end])
			p = p[end+1:]
			if len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0] {
				if cur == nil || cur.kind != 'o' {
					cur = nil
					continue
				}
				cur = cur.get(inner[1 : len(inner)-1])
				continue
			}
			idx, err := strconv.Atoi(inner)
			if err != nil {
				return nil, false
			}
			if cur == nil || cur.kind != 'a' || idx < 0 || idx >= len(cur.vals) {
				cur = nil
				continue
			}
			cur = cur.vals[idx]
		default:
			return nil, false
		}
	}
	return cur, true
}
