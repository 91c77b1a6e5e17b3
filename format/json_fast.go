package format

import (
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/rql/rql/internal/vbox"
	"github.com/rql/rql/sqltypes"
)

// jsonFast decodes the common shape of a wrapped JSON value — a flat
// object whose members are strings, numbers, booleans or null, read into
// BOOLEAN / INT / BIGINT / DOUBLE / STRING / TIMESTAMP columns — in one
// pass over the bytes, without building the generic tree (no member-name
// strings, no json.Number, no boxing twice). It only ever answers when its
// answer is the one the generic path (ParseJSON, then coerce) would give:
// on anything else (nesting, escapes in names, a value needing a
// coercion, invalid JSON) it reports !ok and the caller takes the generic
// path, which also produces the errors.
type jsonFast struct {
	cols []sqltypes.Column
	kind []sqltypes.Kind
	// rank of the match that set each column: 0 none, 1 case-insensitive,
	// 2 exact (lookupField prefers the last exact match, then the last
	// case-insensitive one).
	rank []uint8
	box  vbox.Boxes
}

// newJSONFast returns the fast decoder of a wrapped value with columns
// cols, or nil when some column's type is not one it handles.
func newJSONFast(cols []sqltypes.Column) *jsonFast {
	f := &jsonFast{cols: cols, kind: make([]sqltypes.Kind, len(cols)), rank: make([]uint8, len(cols))}
	seen := map[string]bool{}
	for i, c := range cols {
		// One member could feed two columns whose names differ only in
		// case: the generic path handles that.
		if up := strings.ToUpper(c.Name); seen[up] {
			return nil
		} else {
			seen[up] = true
		}
		switch c.Type.Kind {
		case sqltypes.KindBoolean, sqltypes.KindInt, sqltypes.KindBigint, sqltypes.KindDouble,
			sqltypes.KindString, sqltypes.KindTimestamp:
			f.kind[i] = c.Type.Kind
		default:
			return nil
		}
	}
	return f
}

// decode appends one value per column to dst[:0]; ok is false when the
// generic path must decide.
func (f *jsonFast) decode(data []byte, dst []sqltypes.Value) (_ []sqltypes.Value, ok bool) {
	dst = dst[:0]
	for range f.cols {
		dst = append(dst, nil)
	}
	clear(f.rank)
	// text is data as a string, made on the first STRING column read: the
	// columns' strings are slices of it (one allocation per record, not
	// one per column).
	var text string
	hint := 0
	p := 0
	p = skipSpace(data, p)
	if p >= len(data) || data[p] != '{' {
		return dst, false
	}
	p = skipSpace(data, p+1)
	if p < len(data) && data[p] == '}' {
		return dst, skipSpace(data, p+1) == len(data)
	}
	for {
		// Member name: plain ASCII without escapes.
		if p >= len(data) || data[p] != '"' {
			return dst, false
		}
		start := p + 1
		p = start
		for p < len(data) && data[p] != '"' {
			if c := data[p]; c == '\\' || c < 0x20 || c >= 0x80 {
				return dst, false
			}
			p++
		}
		if p >= len(data) {
			return dst, false
		}
		name := data[start:p]
		p = skipSpace(data, p+1)
		if p >= len(data) || data[p] != ':' {
			return dst, false
		}
		p = skipSpace(data, p+1)
		col, rank := f.match(name, hint)
		if col >= 0 {
			hint = col + 1
		}
		var v sqltypes.Value
		if p, v, ok = f.value(data, p, col, &text); !ok {
			return dst, false
		}
		if col >= 0 && rank >= f.rank[col] {
			dst[col], f.rank[col] = v, rank
		}
		p = skipSpace(data, p)
		if p >= len(data) {
			return dst, false
		}
		switch data[p] {
		case ',':
			p = skipSpace(data, p+1)
		case '}':
			return dst, skipSpace(data, p+1) == len(data)
		default:
			return dst, false
		}
	}
}

// match returns the column name matches (-1: none) and how: 2 exactly, 1
// once upper-cased (ASCII). hint is the column to try first (members
// usually come in column order); column names are distinct, so an exact
// match is the only one.
func (f *jsonFast) match(name []byte, hint int) (int, uint8) {
	if hint >= 0 && hint < len(f.cols) && string(name) == f.cols[hint].Name {
		return hint, 2
	}
	ci := -1
	for i, c := range f.cols {
		if len(c.Name) != len(name) {
			continue
		}
		if string(name) == c.Name {
			return i, 2
		}
		if ci < 0 && upperEqual(name, c.Name) {
			ci = i
		}
	}
	if ci >= 0 {
		return ci, 1
	}
	return -1, 0
}

func upperEqual(b []byte, s string) bool {
	for i := range b {
		c := b[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// shareTextMax is the largest record whose string columns share one copy
// of the record's text: beyond it, each string is copied on its own, so
// that a kept column does not hold a large record's text alive.
const shareTextMax = 4 << 10

// value reads the member value at data[p] for column col (-1: a member
// no column reads, which is only validated). *text is data as a string
// (set here when first needed).
func (f *jsonFast) value(data []byte, p, col int, text *string) (int, sqltypes.Value, bool) {
	if p >= len(data) {
		return p, nil, false
	}
	kind := sqltypes.KindNull
	if col >= 0 {
		kind = f.kind[col]
	}
	switch c := data[p]; {
	case c == 'n':
		return literal(data, p, "null"), nil, literal(data, p, "null") > 0
	case c == 't' || c == 'f':
		lit := "true"
		if c == 'f' {
			lit = "false"
		}
		end := literal(data, p, lit)
		if end < 0 || (col >= 0 && kind != sqltypes.KindBoolean) {
			return p, nil, false
		}
		return end, c == 't', true
	case c == '"':
		end, plain := scanString(data, p)
		if end < 0 || (col >= 0 && (kind != sqltypes.KindString || !plain)) {
			return p, nil, false
		}
		if col < 0 {
			return end, nil, true
		}
		if len(data) > shareTextMax {
			return end, f.box.String(string(data[p+1 : end-1])), true
		}
		if *text == "" {
			*text = string(data)
		}
		return end, f.box.String((*text)[p+1 : end-1]), true
	case c == '-' || ('0' <= c && c <= '9'):
		end, integer := scanNumber(data, p)
		if end < 0 {
			return p, nil, false
		}
		if col < 0 {
			return end, nil, true
		}
		text := data[p:end]
		switch kind {
		case sqltypes.KindDouble:
			x, err := strconv.ParseFloat(unsafe.String(&text[0], len(text)), 64)
			if err != nil {
				return p, nil, false
			}
			return end, f.box.Float64(x), true
		case sqltypes.KindInt, sqltypes.KindBigint, sqltypes.KindTimestamp:
			if !integer {
				return p, nil, false
			}
			n, ok := parseInt64(text)
			if !ok {
				return p, nil, false
			}
			switch kind {
			case sqltypes.KindInt:
				return end, int32(n), true
			case sqltypes.KindTimestamp:
				return end, sqltypes.Timestamp(n), true
			}
			return end, f.box.Int64(n), true
		}
	}
	return p, nil, false
}

func skipSpace(data []byte, p int) int {
	for p < len(data) {
		switch data[p] {
		case ' ', '\t', '\n', '\r':
			p++
		default:
			return p
		}
	}
	return p
}

// literal returns the offset after lit at data[p], or -1.
func literal(data []byte, p int, lit string) int {
	if len(data)-p < len(lit) || string(data[p:p+len(lit)]) != lit {
		return -1
	}
	return p + len(lit)
}

// scanString returns the offset after the string starting at data[p] (-1
// when it is not valid JSON) and whether it is plain: no escapes, valid
// UTF-8 (its bytes are its value).
func scanString(data []byte, p int) (int, bool) {
	plain, ascii := true, true
	start := p + 1
	for p = start; p < len(data); p++ {
		for p < len(data) && plainASCII[data[p]] {
			p++
		}
		if p >= len(data) {
			break
		}
		switch c := data[p]; {
		case c == '"':
			return p + 1, plain && (ascii || utf8.Valid(data[start:p]))
		case c >= 0x80:
			ascii = false
		case c < 0x20:
			return -1, false
		case c == '\\':
			plain = false
			p++
			if p >= len(data) {
				return -1, false
			}
			switch data[p] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(data)-p < 5 {
					return -1, false
				}
				for _, h := range data[p+1 : p+5] {
					if !isHex(h) {
						return -1, false
					}
				}
				p += 4
			default:
				return -1, false
			}
		}
	}
	return -1, false
}

// plainASCII marks the bytes a string holds as themselves: printable
// ASCII but the quote and the backslash.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// scanNumber returns the offset after the JSON number at data[p] (-1 when
// invalid, as jsonParser.number) and whether it is an integer (no
// fraction, no exponent).
func scanNumber(data []byte, p int) (int, bool) {
	if data[p] == '-' {
		p++
	}
	digits := func() int {
		n := 0
		for p < len(data) && '0' <= data[p] && data[p] <= '9' {
			p++
			n++
		}
		return n
	}
	intStart := p
	if n := digits(); n == 0 || (n > 1 && data[intStart] == '0') {
		return -1, false
	}
	integer := true
	if p < len(data) && data[p] == '.' {
		p++
		integer = false
		if digits() == 0 {
			return -1, false
		}
	}
	if p < len(data) && (data[p] == 'e' || data[p] == 'E') {
		p++
		integer = false
		if p < len(data) && (data[p] == '+' || data[p] == '-') {
			p++
		}
		if digits() == 0 {
			return -1, false
		}
	}
	return p, integer
}

// parseInt64 parses an integer's text; ok is false on overflow (the
// generic path then wraps it as coerce does).
func parseInt64(b []byte) (int64, bool) {
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}
