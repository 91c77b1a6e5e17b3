package parser

import (
	"strings"
)

// tokKind classifies a token of rql's own tokenizer.
type tokKind uint8

const (
	tEOF     tokKind = iota
	tIdent           // unquoted identifier or keyword; Val is upper-cased
	tQIdent          // `quoted` or "quoted" identifier; Val is the exact name
	tString          // 'string'; Val has the quotes removed and '' unescaped
	tInt             // 123
	tDecimal         // 1.50, .5, 1.
	tFloat           // 1.5E2
	tOp              // punctuation and operators; Val is the operator text
)

// token is one lexeme. Off and End are byte offsets into the (variable
// substituted) statement text the lexer ran on.
type token struct {
	Kind     tokKind
	Off, End int
	Text     string // as written
	Val      string // canonical value, see tokKind
}

// is reports whether t is the unquoted keyword kw (upper case).
func (t token) is(kw string) bool { return t.Kind == tIdent && t.Val == kw }

// isOp reports whether t is the operator op.
func (t token) isOp(op string) bool { return t.Kind == tOp && t.Val == op }

// isName reports whether t can be an identifier.
func (t token) isName() bool { return t.Kind == tIdent || t.Kind == tQIdent }

// display is how an error message quotes t, as ANTLR does.
func (t token) display() string {
	if t.Text == "" {
		return "<EOF>"
	}
	return t.Text
}

// lexError is a tokenizer failure at a byte offset of the lexed text.
type lexError struct {
	off int
	msg string
}

// operators, longest first within each leading byte.
var operators = []string{"<>", "<=", ">=", "!=", "||", "->", "=>", ":=",
	"=", "<", ">", "+", "-", "*", "/", "%", "(", ")", "[", "]", ",", ".", ";", ":"}

// lex splits s into tokens, ending with a tEOF token at len(s).
func lex(s string) ([]token, *lexError) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				return nil, &lexError{i, "unterminated comment"}
			}
			i += j + 4
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && isIdentPart(s[j]) {
				j++
			}
			toks = append(toks, token{Kind: tIdent, Off: i, End: j, Text: s[i:j], Val: strings.ToUpper(s[i:j])})
			i = j
		case c == '`' || c == '"' || c == '\'':
			val, j, ok := lexQuoted(s, i, c)
			if !ok {
				return nil, &lexError{i, "token recognition error at: '" + s[i:] + "'"}
			}
			k := tQIdent
			if c == '\'' {
				k = tString
			}
			toks = append(toks, token{Kind: k, Off: i, End: j, Text: s[i:j], Val: val})
			i = j
		case isDigit(c) || (c == '.' && i+1 < len(s) && isDigit(s[i+1])):
			t := lexNumber(s, i)
			if t.Kind == tInt && t.End < len(s) && isIdentStart(s[t.End]) {
				// ksqlDB's DIGIT_IDENTIFIER: digits then letters (1R).
				j := t.End
				for j < len(s) && isIdentPart(s[j]) {
					j++
				}
				toks = append(toks, token{Kind: tIdent, Off: i, End: j, Text: s[i:j], Val: strings.ToUpper(s[i:j])})
				i = j
				continue
			}
			if t.End < len(s) && isIdentStart(s[t.End]) {
				j := t.End
				for j < len(s) && isIdentPart(s[j]) {
					j++
				}
				return nil, &lexError{i, "extraneous input '" + s[i:j] + "'"}
			}
			toks = append(toks, t)
			i = t.End
		default:
			op := ""
			for _, o := range operators {
				if strings.HasPrefix(s[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				r := s[i:]
				if len(r) > 1 {
					r = r[:1]
				}
				return nil, &lexError{i, "token recognition error at: '" + r + "'"}
			}
			toks = append(toks, token{Kind: tOp, Off: i, End: i + len(op), Text: op, Val: op})
			i += len(op)
		}
	}
	toks = append(toks, token{Kind: tEOF, Off: len(s), End: len(s)})
	return toks, nil
}

// lexQuoted reads a quoted lexeme starting at s[i] == q, where a doubled
// quote stands for itself. It returns the unescaped content and the end.
func lexQuoted(s string, i int, q byte) (string, int, bool) {
	var b strings.Builder
	j := i + 1
	for j < len(s) {
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q {
				b.WriteByte(q)
				j += 2
				continue
			}
			return b.String(), j + 1, true
		}
		b.WriteByte(s[j])
		j++
	}
	return "", len(s), false
}

// lexNumber reads INTEGER_VALUE, DECIMAL_VALUE or FLOATING_POINT_VALUE.
func lexNumber(s string, i int) token {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	kind := tInt
	if j < len(s) && s[j] == '.' {
		kind = tDecimal
		j++
		for j < len(s) && isDigit(s[j]) {
			j++
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && isDigit(s[k]) {
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			kind = tFloat
			j = k
		}
	}
	return token{Kind: kind, Off: i, End: j, Text: s[i:j], Val: s[i:j]}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isIdentStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}
func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '@' }
