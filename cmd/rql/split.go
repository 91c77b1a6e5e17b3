package main

import "strings"

// span is one statement of a script: sql[start:end], end just after its
// ';' (or the end of the text for a last statement without one).
type span struct{ start, end int }

// lexSQL walks sql outside quotes ('…', "…", `…`) and comments (-- …,
// /* … */) and calls code(i) for each byte i of code, and sep(i) for each
// ';' there. It returns false when sql ends inside a quote or a block
// comment.
func lexSQL(sql string, code func(i int), sep func(i int)) bool {
	var quote byte // ', ", ` or 0
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
			code(i)
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				return false
			}
			i += end + 3
		case c == ';':
			code(i)
			sep(i)
		default:
			code(i)
		}
	}
	return quote == 0
}

// statementComplete reports whether sql ends with ';' outside quotes,
// identifiers and comments (so the shell knows to stop reading lines).
func statementComplete(sql string) bool {
	last := byte(0)
	ok := lexSQL(sql, func(i int) {
		if c := sql[i]; c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			last = c
		}
	}, func(int) {})
	return ok && last == ';'
}

// splitStatements returns the statements of sql, each with its ';'.
// Text holding only blanks and comments is not a statement.
func splitStatements(sql string) []span {
	var out []span
	start, hasCode := 0, false
	lexSQL(sql, func(i int) {
		if c := sql[i]; c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ';' {
			hasCode = true
		}
	}, func(i int) {
		if hasCode {
			out = append(out, span{start, i + 1})
		}
		start, hasCode = i+1, false
	})
	if hasCode {
		out = append(out, span{start, len(sql)})
	}
	return out
}

// codeOnly returns sql with its comments replaced by blanks (newlines
// kept), so that positions in it are positions in sql.
func codeOnly(sql string) string {
	b := []byte(blankAll(sql))
	lexSQL(sql, func(i int) { b[i] = sql[i] }, func(int) {})
	// Quoted text is not reported by lexSQL: copy it back.
	var quote byte
	for i := 0; i < len(sql); i++ {
		switch {
		case quote != 0:
			b[i] = sql[i]
			if sql[i] == quote {
				quote = 0
			}
		case b[i] == '\'' || b[i] == '"' || b[i] == '`':
			quote = b[i]
		}
	}
	return string(b)
}

// blankAll returns s with every byte but newlines replaced by a blank, so
// that text following it keeps its line and column.
func blankAll(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c != '\n' {
			b[i] = ' '
		}
	}
	return string(b)
}

// lineCol returns the 1-based line and column (in bytes) of offset off.
func lineCol(sql string, off int) (line, col int) {
	before := sql[:off]
	line = strings.Count(before, "\n") + 1
	col = off - (strings.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// historyEntry joins the lines of a statement typed over several lines into
// one history entry: line comments are dropped (they would swallow the
// lines after them) and the lines joined with a blank.
func historyEntry(sql string) string {
	var parts []string
	for _, l := range strings.Split(strings.TrimRight(sql, "\n"), "\n") {
		l = strings.TrimRight(stripLineComment(l), " \t\r")
		if strings.TrimSpace(l) != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, " ")
}

// stripLineComment removes a trailing -- comment outside quotes.
func stripLineComment(line string) string {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '-' && i+1 < len(line) && line[i+1] == '-':
			return line[:i]
		}
	}
	return line
}
