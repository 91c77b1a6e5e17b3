package main

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
)

// keywords are the words of rql's dialect that Tab completes.
var keywords = strings.Fields(`ADVANCE ALL AND ARRAY AS ASSERT BEGINNING BETWEEN BIGINT BOOLEAN BY BYTES CASE CAST
CHANGES CREATE DATE DAYS DECIMAL DEFINE DELETE DESCRIBE DISTINCT DOUBLE DROP ELSE EMIT END EXISTS EXPLAIN
EXTENDED FALSE FINAL FROM FULL FUNCTION FUNCTIONS GRACE GROUP HAVING HEADER HEADERS HOPPING HOURS IF IN
INNER INSERT INT INTEGER INTERVAL INTO IS JOIN JSON KEY LEFT LIKE LIMIT LIST MAP MILLISECONDS MINUTES NOT
NULL ON OR OUTER OUTPUT PARTITION PARTITIONS PERIOD PRIMARY PRINT PROPERTIES QUERIES REPLACE RETENTION
RIGHT RUN SCRIPT SECONDS SELECT SESSION SET SHOW SIZE SOURCE STREAM STREAMS STRING STRUCT TABLE TABLES
TABULAR TERMINATE THEN TIME TIMESTAMP TOPIC TOPICS TRUE TUMBLING TYPE TYPES UNDEFINE UNSET VALUES
VARCHAR VARIABLES WHEN WHERE WINDOW WITH WITHIN`)

// sourceContext are the words after which a source name comes.
var sourceContext = map[string]bool{"FROM": true, "JOIN": true, "INTO": true, "DESCRIBE": true, "EXTENDED": true,
	"TABLE": true, "STREAM": true, "EXISTS": true}

// nameCache holds the catalog's names for completion, read again when
// older than a few seconds or after a statement ran.
type nameCache struct {
	sh shell

	mu    sync.Mutex
	n     catalogNames
	at    time.Time
	stale bool
}

func newNameCache(sh shell) *nameCache { return &nameCache{sh: sh, stale: true} }

func (c *nameCache) get() catalogNames {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stale || time.Since(c.at) > 5*time.Second {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		c.n = c.sh.names(ctx)
		cancel()
		c.at, c.stale = time.Now(), false
	}
	return c.n
}

func (c *nameCache) invalidate() {
	c.mu.Lock()
	c.stale = true
	c.mu.Unlock()
}

// completer is readline's AutoCompleter: it completes the word before the
// cursor with keywords and the catalog's names, chosen by context —
// source names after FROM, JOIN, INTO, DESCRIBE, ...; function names after
// DESCRIBE FUNCTION; topic names inside the quotes of PRINT '…' and
// kafka_topic='…'; otherwise keywords, functions, sources and columns
// (those of the sources the statement names, when it names some). A word
// typed in lower case is completed in lower case.
type completer struct {
	names   func() catalogNames
	pending func() string // earlier lines of the statement being typed
}

// Do returns the suffixes that complete the word before pos, and the
// word's length.
func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	before := c.pending() + string(line[:pos])
	word, quoted, prev := wordAt(before)
	if len([]rune(word)) > pos { // a string literal open on an earlier line
		return nil, 0
	}
	n := c.names()
	var cands []string
	caseSensitive := false
	switch {
	case quoted:
		if prev != "PRINT" && prev != "KAFKA_TOPIC" {
			return nil, 0
		}
		cands, caseSensitive = n.topics, true
	case prev == "FUNCTION":
		cands = n.functions
	case sourceContext[prev]:
		cands = n.sources
	default:
		if word == "" {
			return nil, 0
		}
		cands = append(cands, keywords...)
		cands = append(cands, n.functions...)
		cands = append(cands, n.sources...)
		cands = append(cands, columnsFor(before, n)...)
	}
	lower := word != "" && strings.ToLower(word) == word && strings.ToUpper(word) != word
	seen := map[string]bool{}
	var out []string
	for _, cand := range cands {
		if !caseSensitive && lower {
			cand = strings.ToLower(cand)
		}
		ok := strings.HasPrefix(cand, word)
		if !ok && !caseSensitive {
			ok = len(cand) >= len(word) && strings.EqualFold(cand[:len(word)], word)
		}
		if ok && len(cand) > len(word) && !seen[cand] {
			seen[cand] = true
			out = append(out, cand)
		}
	}
	sort.Strings(out)
	res := make([][]rune, len(out))
	for i, cand := range out {
		res[i] = []rune(cand[len(word):])
	}
	return res, len([]rune(word))
}

// columnsFor returns the columns of the sources the statement text
// names, or of every source when it names none.
func columnsFor(text string, n catalogNames) []string {
	upper := " " + strings.ToUpper(text) + " "
	var named, all []string
	for src, cols := range n.columns {
		all = append(all, cols...)
		if i := strings.Index(upper, src); i > 0 && !isIdent(rune(upper[i-1])) &&
			i+len(src) < len(upper) && !isIdent(rune(upper[i+len(src)])) {
			named = append(named, cols...)
		}
	}
	if len(named) > 0 {
		return named
	}
	return all
}

// wordAt returns the identifier (or, inside a string literal, the text
// after the opening quote) that ends text, whether it is quoted, and the
// keyword before it (upper case; "KAFKA_TOPIC" before ='…').
func wordAt(text string) (word string, quoted bool, prev string) {
	open := -1 // offset of the last opening quote
	closed := lexSQL(text, func(i int) {
		if c := text[i]; c == '\'' || c == '"' || c == '`' {
			open = i
		}
	}, func(int) {})
	if !closed && open >= 0 && text[open] == '\'' && !strings.Contains(text[open:], "/*") {
		rest := strings.TrimRight(text[:open], " \t\r\n=")
		return text[open+1:], true, lastWord(rest)
	}
	i := len(text)
	for i > 0 && isIdent(rune(text[i-1])) {
		i--
	}
	word = text[i:]
	return word, false, lastWord(text[:i])
}

// lastWord returns the last identifier of text, upper case.
func lastWord(text string) string {
	text = strings.TrimRight(text, " \t\r\n")
	j := len(text)
	for j > 0 && isIdent(rune(text[j-1])) {
		j--
	}
	return strings.ToUpper(text[j:])
}

func isIdent(r rune) bool { return r == '_' || r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }
