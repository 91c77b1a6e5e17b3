package parser

import (
	"errors"
	"strings"
	"testing"

	"github.com/rql/rql/rqlerr"
)

func TestErrors(t *testing.T) {
	tests := []struct {
		sql       string
		code      rqlerr.Code
		line, col int
		msg       string // substring of the error's message (ksqlDB's wording where it has one)
	}{
		{"CREATE STREAM INPUT (K STRING (KEY)) WITH (kafka_topic='input',value_format='JSON');",
			rqlerr.ParseSyntax, 1, 32, "line 1:32: Syntax Error\nExpecting {'STRING', INTEGER_VALUE}\nStatement: CREATE STREAM INPUT (K STRING (KEY)) WITH (kafka_topic='input',value_format='JSON');"},
		{"CREATE STREAM INPUT (K VARCHAR(STRING) (KEY)) WITH (kafka_topic='input',value_format='JSON');",
			rqlerr.ParseSyntax, 1, 40, "line 1:40: Syntax Error\nExpecting {',', ')'}"},
		{"CREATE STREAM TEST (ID STRING KEY, f0 VARCHAR) WITH (kafka_topic='test_topic', value_format='JSON');\nCREATE STREAM OUTPUT AS SELECT ID, cast(f0 as NULL) FROM TEST;",
			rqlerr.ParseSyntax, 2, 47, "Syntax error at or near 'NULL' at line 2:47"},
		{"ASSERT VALUES foo (id INT) VALUES (123);", rqlerr.ParseSyntax, 1, 8, "Syntax error at or near 'VALUES' at line 1:8"},
		{"CREATE STREAM TEST (ID INT KEY, f1 INT, f2 VARCHAR, f3 INT) WITH (kafka_topic='test_topic', value_format='DELIMITED');\nCREATE TABLE OUTPUT AS SELECT f1, f2, COUNT(*) FROM TEST GROUP BY f3, (f2, f1);",
			rqlerr.ParseSyntax, 2, 74, "line 2:74: Syntax Error\nmissing ')' at ','"},
		{"CREATE STREAM OUTPUT AS SELECT * FROM INPUT WHERE ID IN ( );", rqlerr.ParseSyntax, 1, 59, "Syntax Error"},
		{"CREATE STREAM INPUT (ROWKEY INT KEY, COL0 NULL) WITH (kafka_topic='test_topic', value_format='JSON');", rqlerr.ParseSyntax, 1, 43, "Syntax Error"},
		{"CREATE STREAM INPUT (ID INT KEY, COL0 ARRAY<NULL>) WITH (kafka_topic='test_topic', value_format='JSON');", rqlerr.ParseSyntax, 1, 45, "Syntax Error"},
		{"CREATE STREAM INPUT (ID INT KEY, COL0 STRUCT<fo NULL>) WITH (kafka_topic='test_topic', value_format='JSON');", rqlerr.ParseSyntax, 1, 49, "Syntax Error"},
		{"CREATE STREAM I (K STRING KEY) WITH (kafka_topic='i', value_format='JSON');\nCREATE STREAM OUTPUT AS select K, id, 9223372036854775808 FROM INPUT;",
			rqlerr.ParseLiteral, 2, 39, "Failed to prepare statement: line 2:40: Invalid numeric literal: 9223372036854775808"},
		{"CREATE STREAM OUTPUT AS select K, id, -9223372036854775809 FROM INPUT;", rqlerr.ParseLiteral, 1, 39, "Invalid numeric literal: -9223372036854775809"},
		{"CREATE STREAM I (K STRING KEY) WITH (kafka_topic='i', value_format='JSON');\nCREATE STREAM OUTPUT AS select K, id, 1.7976931348623159E308 FROM INPUT;",
			rqlerr.ParseLiteral, 2, 39, "Failed to prepare statement: line 2:40: Number overflows DOUBLE: 1.7976931348623159E308"},
		{"CREATE STREAM OUTPUT AS select K, id, -1.7976931348623160E308 FROM INPUT;", rqlerr.ParseLiteral, 1, 39, "Number overflows DOUBLE: -1.7976931348623160E308"},
		{"CREATE STREAM OUTPUT AS select ID from INPUT partition by ();", rqlerr.ParseSyntax, 1, 46, "PARTITION BY requires at least one expression"},
		{"CREATE STREAM S (D DECIMAL(0, 0)) WITH (kafka_topic='t');", rqlerr.ParseType, 1, 20, "DECIMAL precision must be >= 1: DECIMAL(0,0)"},
		{"CREATE STREAM S (D DECIMAL(2, 3)) WITH (kafka_topic='t');", rqlerr.ParseType, 1, 20, "DECIMAL precision must be >= scale: DECIMAL(2,3)"},
		{"SELECT CAST(a AS DECIMAL(2, 3)) FROM s;", rqlerr.ParseType, 1, 18, "DECIMAL precision must be >= scale"},
		{"SELECT MAP() FROM s;", rqlerr.ParseSyntax, 1, 8, "Map constructor cannot be empty"},
		{"RUNX SCRIPT 'foo';", rqlerr.ParseSyntax, 1, 1, "line 1:1: Syntax Error\nUnknown statement 'RUNX'"},
		// Errors TiDB finds are mapped back through rql's rewrite.
		{"SELECT f(x)[1] +* 2 FROM s;", rqlerr.ParseSyntax, 1, 17, "Syntax error at or near '*' at line 1:17"},
		{"SELECT a,\n  s->b c d FROM s;", rqlerr.ParseSyntax, 2, 10, "at or near 'd'"},
		{"SELECT ARRAY[1, 2][1], CAST(x AS INT) ) FROM s;", rqlerr.ParseSyntax, 1, 39, "at or near ')'"},
		{"SELECT * FROM s WHERE a IN (SELECT b FROM t);", rqlerr.ParseSyntax, 1, 29, "at or near 'SELECT'"},
		{"SELECT a REGEXP 'x' FROM s;", rqlerr.ParseSyntax, 1, 17, "at or near ''x''"},
		{"SELECT 'a' 'b' FROM s;", rqlerr.ParseSyntax, 1, 12, "extraneous input ''b''"},
		{"SELECT (a, b) = (1, 2) FROM s;", rqlerr.ParseSyntax, 1, 8, "Syntax Error"},
		{"SELECT a FROM s WHERE;", rqlerr.ParseSyntax, 1, 22, "Syntax Error"},
		{"SELECT a;", rqlerr.ParseSyntax, 1, 9, "Expecting {',', 'FROM'}"},
		{"SELECT a FROM EXPLODE(b);", rqlerr.ParseSyntax, 1, 22, "Syntax Error"},
		{"SELECT a FROM s WHERE a = 1 WINDOW TUMBLING (SIZE 1 SECOND);", rqlerr.ParseSyntax, 1, 29, "extraneous input 'WINDOW'"},
		{"SELECT a FROM s WINDOW TUMBLING (SIZE 1 WEEK);", rqlerr.ParseSyntax, 1, 41, "Expecting {'MILLISECOND'"},
		{"SELECT 'abc FROM s;", rqlerr.ParseSyntax, 1, 8, "token recognition error"},
		{"SELECT a ? b FROM s;", rqlerr.ParseSyntax, 1, 10, "token recognition error at: '?'"},
		{"SELECT transform(a, x =>) FROM s;", rqlerr.ParseSyntax, 1, 25, "Syntax Error"},
		{"SELECT x => x FROM s;", rqlerr.ParseSyntax, 1, 10, "Syntax Error"},
		{"CREATE STREAM s (a INT) WITH (kafka_topic=);", rqlerr.ParseSyntax, 1, 43, "Expecting {STRING"},
		{"DEFINE v = 'b c d'; SELECT ${v} FROM s;", rqlerr.ParseSyntax, 1, 28, "Syntax Error"},
		{"SELECT a FROM s LIMIT 99999999999999999999;", rqlerr.ParseLiteral, 1, 23, "Invalid numeric literal"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.sql, ParseOptions{})
		if err == nil {
			t.Errorf("%q: no error", tt.sql)
			continue
		}
		var e *rqlerr.Error
		if !errors.As(err, &e) {
			t.Errorf("%q: %T", tt.sql, err)
			continue
		}
		if e.Code != tt.code || e.Pos.Line != tt.line || e.Pos.Col != tt.col || !strings.Contains(e.Msg, tt.msg) {
			t.Errorf("%q:\n got %s %d:%d %q\nwant %s %d:%d %q", tt.sql, e.Code, e.Pos.Line, e.Pos.Col, e.Msg, tt.code, tt.line, tt.col, tt.msg)
		}
	}
}

func TestParseReturnsEarlierStatements(t *testing.T) {
	st, err := Parse("SHOW STREAMS; SHOW BOGUS;", ParseOptions{})
	if err == nil || len(st) != 1 {
		t.Fatalf("%v %v", st, err)
	}
	if p, _ := rqlerr.PosOf(err); p.Col != 20 {
		t.Errorf("pos %+v", p)
	}
}

func TestOtherEntryPointsErrors(t *testing.T) {
	if _, err := ParseType("DECIMAL(0, 0)"); rqlerr.CodeOf(err) != rqlerr.ParseType {
		t.Errorf("ParseType: %v", err)
	}
	if _, err := ParseType("VARCHAR(10)"); rqlerr.CodeOf(err) != rqlerr.ParseType {
		t.Errorf("ParseType params: %v", err)
	}
	if _, err := ParseType("ARRAY<INT"); rqlerr.CodeOf(err) != rqlerr.ParseSyntax {
		t.Errorf("ParseType: %v", err)
	}
	if _, err := ParseExpr(""); rqlerr.CodeOf(err) != rqlerr.ParseSyntax {
		t.Errorf("ParseExpr empty: %v", err)
	}
	if _, err := ParseExpr("a b"); err == nil {
		t.Errorf("ParseExpr alias accepted")
	}
	if _, err := ParseTableElements("A INT,"); rqlerr.CodeOf(err) != rqlerr.ParseSyntax {
		t.Errorf("ParseTableElements: %v", err)
	}
}
