package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	sql := "SELECT ';' FROM s; -- a; comment\n/* ; */ SHOW STREAMS ;\n\n  DESCRIBE s"
	var got []string
	for _, sp := range splitStatements(sql) {
		got = append(got, strings.TrimSpace(codeOnly(sql)[sp.start:sp.end]))
	}
	want := []string{"SELECT ';' FROM s;", "SHOW STREAMS ;", "DESCRIBE s"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("statements = %q, want %q", got, want)
	}
	if len(splitStatements(" -- only a comment;\n ; ")) != 0 {
		t.Error("comments and empty statements are not statements")
	}
}

func TestHistoryEntry(t *testing.T) {
	got := historyEntry("CREATE STREAM s (a INT) -- the key\n  WITH (kafka_topic='s--x');\n")
	want := "CREATE STREAM s (a INT)   WITH (kafka_topic='s--x');"
	if got != want {
		t.Errorf("historyEntry = %q, want %q", got, want)
	}
}

func TestCompleter(t *testing.T) {
	names := catalogNames{
		sources:   []string{"CLICKSTREAM", "CLICKS_BY_USER", "ORDERS"},
		columns:   map[string][]string{"CLICKSTREAM": {"USER_ID", "PAGE"}, "ORDERS": {"ORDER_ID", "USER_NAME"}},
		functions: []string{"UCASE", "UNIX_TIMESTAMP"},
		topics:    []string{"clickstream", "Orders-v2"},
	}
	tests := []struct {
		pending, line string
		want          string // candidates (full words), comma separated
	}{
		{"", "SEL", "SELECT"},
		{"", "sel", "select"},
		{"", "SELECT * FROM cl", "clicks_by_user,clickstream"},
		{"", "DESCRIBE ORD", "ORDERS"},
		{"", "DESCRIBE FUNCTION UC", "UCASE"},
		{"", "SELECT user_", "user_id,user_name"}, // no source named yet: every column
		{"", "SELECT user_id, pag", "page"},
		{"SELECT US", "", ""},                        // nothing typed on this line
		{"SELECT ORDER_ID, US\n", "FROM ORDERS", ""}, // a complete name: nothing to add
		{"SELECT\n", "US", "USER_ID,USER_NAME"},
		{"", "PRINT 'cl", "clickstream"},
		{"", "PRINT 'Or", "Orders-v2"},
		{"", "PRINT 'or", ""}, // topic names are case-sensitive
		{"CREATE STREAM x (a INT)\n", "WITH (kafka_topic='Ord", "Orders-v2"},
		{"", "SELECT 'cl", ""}, // other strings complete nothing
	}
	for _, tc := range tests {
		c := &completer{names: func() catalogNames { return names }, pending: func() string { return tc.pending }}
		line := []rune(tc.line)
		cands, n := c.Do(line, len(line))
		word := string(line[len(line)-n:])
		var got []string
		for _, s := range cands {
			got = append(got, word+string(s))
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%q + %q: completions %q, want %q", tc.pending, tc.line, got, tc.want)
		}
	}
}

func TestPrintTableKeepsIndentation(t *testing.T) {
	var b bytes.Buffer
	printTable(&b, []string{"PLAN"}, [][]string{{"• project"}, {"└── • filter"}, {"    │ predicate: (ID > 1)"}})
	if !strings.Contains(b.String(), "│     │ predicate: (ID > 1)") {
		t.Errorf("EXPLAIN's indentation was lost:\n%s", b.String())
	}
}

func TestRenderEntity(t *testing.T) {
	var b bytes.Buffer
	p := newPrinter(&b)
	p.entity([]byte(`{"@type":"kafka_topics","topics":[{"name":"clicks","replicaInfo":[1,1,1]}]}`))
	p.entity([]byte(`{"@type":"rql_table","columns":["A"],"rows":[["x"]]}`))
	p.entity([]byte(`{"@type":"something_new","items":[{"zeta":1,"alpha":"b"}]}`))
	out := b.String()
	for _, want := range []string{"│ clicks      │ 3          │ 1 ", "│ A │", "│ x │", "│ zeta │ alpha │", "│ 1    │ b     │"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
