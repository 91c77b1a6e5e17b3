package conformance

import (
	"strings"

	"github.com/rql/rql/rqlerr"
)

// FormatError prints err for people: its code and message, and when it
// has a position in sql, the line of sql it points into with a caret under
// the column:
//
//	RQL-B0001: line 1, column 8: Column 'X' cannot be resolved.
//	SELECT X FROM S;
//	       ^
func FormatError(sql string, err error) string {
	var b strings.Builder
	if code := rqlerr.CodeOf(err); code != "" {
		b.WriteString(string(code))
		b.WriteString(": ")
	}
	b.WriteString(err.Error())
	pos, ok := rqlerr.PosOf(err)
	if !ok {
		return b.String()
	}
	lines := strings.Split(sql, "\n")
	if pos.Line < 1 || pos.Line > len(lines) {
		return b.String()
	}
	line := strings.TrimRight(lines[pos.Line-1], "\r")
	b.WriteString("\n")
	b.WriteString(line)
	b.WriteString("\n")
	b.WriteString(Caret(line, pos.Col))
	return b.String()
}

// Caret returns the line to print under line to point at its column col
// (1-based; clamped to the line, end included): blanks, then "^". Tabs are
// kept so that the caret lines up under tab-indented text.
func Caret(line string, col int) string {
	col = min(max(col, 1), len(line)+1)
	var b strings.Builder
	for _, r := range line[:col-1] {
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteString("^")
	return b.String()
}
