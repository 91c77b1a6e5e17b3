package parser

import (
	"errors"
	"strings"
	"testing"

	"github.com/rql/rql/rqlerr"
)

// FuzzParse checks that Parse never panics and that every error it returns
// is an *rqlerr.Error with a position inside the text and no BUG code.
func FuzzParse(f *testing.F) {
	for _, c := range loadCorpus(f) {
		for _, s := range c.Statements {
			f.Add(s)
		}
	}
	for _, s := range []string{
		"SELECT * FROM s EMIT CHANGES;",
		"SELECT a->b[1], MAP('k' := ARRAY[1]), STRUCT(x := 1)->x FROM s;",
		"SELECT TRANSFORM(a, (x, y) => x + y), f(*) FROM s WHERE a IS NOT DISTINCT FROM b;",
		"CREATE TABLE t (k INT PRIMARY KEY, v DECIMAL(4,2)) WITH (kafka_topic='t', format='JSON');",
		"DEFINE x = 'y'; SELECT ${x} FROM s;",
		"PRINT 'topic' FROM BEGINNING INTERVAL 2 LIMIT 3;",
		"SELECT CAST(a AS STRUCT<a ARRAY<MAP<STRING, INT>>>) FROM s;",
		"SELECT CASE WHEN a THEN 'x' ELSE NULL END FROM s WINDOW TUMBLING (SIZE 1 SECOND);",
		"INSERT INTO s (a, b) VALUES (1, -2.5E3);",
		"SELECT `x`, \"y\" FROM s; -- comment\n/* c */",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := Parse(s, ParseOptions{Variables: map[string]string{"v": "1"}})
		if err == nil {
			return
		}
		var e *rqlerr.Error
		if !errors.As(err, &e) {
			t.Fatalf("error is not *rqlerr.Error: %T %v", err, err)
		}
		if e.Code == rqlerr.BUG {
			t.Fatalf("BUG for %q: %v\n%s", s, e, e.Hint)
		}
		if !e.Pos.IsValid() || e.Pos.Offset > len(s) {
			t.Fatalf("bad position %+v for %q: %v", e.Pos, s, e)
		}
		if strings.Contains(e.Msg, "[BUG]") {
			t.Fatalf("bug message for %q: %v", s, e)
		}
	})
}
