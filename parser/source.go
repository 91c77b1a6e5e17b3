package parser

import (
	"sort"
	"strings"
)

// origText is the user's whole input, with its line starts, so that any
// byte offset can be turned into a Pos.
type origText struct {
	text       string
	lineStarts []int
}

func newOrigText(text string) *origText {
	o := &origText{text: text, lineStarts: []int{0}}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			o.lineStarts = append(o.lineStarts, i+1)
		}
	}
	return o
}

// pos returns the Pos of byte offset off of the original text.
func (o *origText) pos(off int) Pos {
	if off < 0 {
		off = 0
	}
	if off > len(o.text) {
		off = len(o.text)
	}
	line := sort.Search(len(o.lineStarts), func(i int) bool { return o.lineStarts[i] > off }) - 1
	return Pos{Offset: off, Line: line + 1, Col: off - o.lineStarts[line] + 1}
}

// span maps a range of the substituted statement text back to the original.
type span struct {
	sub, orig, n int
	verbatim     bool // false: a substituted variable value, mapped to its ${
}

// stmtSource is one statement: its text after variable substitution and
// the mapping from offsets of that text to the original input.
type stmtSource struct {
	orig  *origText
	raw   string // original statement text including its ';', if any
	text  string // substituted text, without the ';'
	spans []span
}

// origOff maps an offset of s.text to an offset of the original input.
func (s *stmtSource) origOff(off int) int {
	i := sort.Search(len(s.spans), func(i int) bool { return s.spans[i].sub > off }) - 1
	if i < 0 {
		i = 0
	}
	sp := s.spans[i]
	if !sp.verbatim {
		return sp.orig
	}
	return sp.orig + (off - sp.sub)
}

// pos maps an offset of s.text to a Pos of the original input.
func (s *stmtSource) pos(off int) Pos { return s.orig.pos(s.origOff(off)) }

// rawStmt is one statement of the input before substitution: [start, end)
// of the original text, end excluding the ';'; semi is whether one followed.
type rawStmt struct {
	start, end int
	semi       bool
}

// splitStatements cuts text at the semicolons that are outside quotes and
// comments. Statements holding only blanks and comments are dropped.
func splitStatements(text string) []rawStmt {
	var out []rawStmt
	start := 0
	emit := func(end int, semi bool) {
		if !blank(text[start:end]) {
			out = append(out, rawStmt{start, end, semi})
		}
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			_, j, ok := lexQuoted(text, i, c)
			if !ok {
				i = len(text)
			} else {
				i = j - 1
			}
		case c == '-' && i+1 < len(text) && text[i+1] == '-':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			j := strings.Index(text[i+2:], "*/")
			if j < 0 {
				i = len(text)
			} else {
				i += j + 3
			}
		case c == ';':
			emit(i, true)
			start = i + 1
		}
	}
	if start < len(text) {
		emit(len(text), false)
	}
	return out
}

// blank reports whether s holds only white space and comments.
func blank(s string) bool {
	toks, err := lex(s)
	return err == nil && len(toks) == 1
}

// substitute replaces ${name} in the statement [r.start, r.end) of o by the
// variables' values (names compare case-insensitively, as ksqlDB's do).
// References to unknown variables are left as written.
func substitute(o *origText, r rawStmt, vars map[string]string) *stmtSource {
	src := o.text[r.start:r.end]
	raw := src
	if r.semi {
		raw = o.text[r.start : r.end+1]
	}
	s := &stmtSource{orig: o, raw: trimText(raw)}
	if len(vars) == 0 || !strings.Contains(src, "${") {
		s.text = src
		s.spans = []span{{sub: 0, orig: r.start, n: len(src), verbatim: true}}
		return s
	}
	var b strings.Builder
	last := 0
	flush := func(upTo int) {
		if upTo > last {
			s.spans = append(s.spans, span{sub: b.Len(), orig: r.start + last, n: upTo - last, verbatim: true})
			b.WriteString(src[last:upTo])
		}
	}
	for i := 0; i+1 < len(src); i++ {
		if src[i] != '$' || src[i+1] != '{' {
			continue
		}
		j := strings.IndexByte(src[i:], '}')
		if j < 0 {
			break
		}
		name := strings.TrimSpace(src[i+2 : i+j])
		val, ok := lookupVar(vars, name)
		if !ok {
			continue
		}
		flush(i)
		s.spans = append(s.spans, span{sub: b.Len(), orig: r.start + i, n: len(val)})
		b.WriteString(val)
		last = i + j + 1
		i = last - 1
	}
	flush(len(src))
	if len(s.spans) == 0 {
		s.spans = []span{{sub: 0, orig: r.start, verbatim: true}}
	}
	s.text = b.String()
	return s
}

func lookupVar(vars map[string]string, name string) (string, bool) {
	if v, ok := vars[name]; ok {
		return v, true
	}
	for k, v := range vars {
		if equalFold(k, name) {
			return v, true
		}
	}
	return "", false
}
