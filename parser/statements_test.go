package parser

import (
	"testing"

	"github.com/rql/rql/sqltypes"
)

func parseOne(t *testing.T, sql string) Statement {
	t.Helper()
	st, err := Parse(sql, ParseOptions{})
	if err != nil {
		t.Fatalf("Parse(%q): %v", sql, err)
	}
	if len(st) != 1 {
		t.Fatalf("Parse(%q): %d statements", sql, len(st))
	}
	return st[0]
}

func TestStatements(t *testing.T) {
	tests := []struct {
		sql   string
		check func(t *testing.T, st Statement)
	}{
		{"CREATE OR REPLACE SOURCE STREAM IF NOT EXISTS s (id STRING KEY, `v` INT, h BYTES HEADER('x'), hs ARRAY<STRUCT<K STRING, V BYTES>> HEADERS) WITH (kafka_topic='t', value_format='json', partitions=2, replicas=-1, ratio=0.5, wrap=true);",
			func(t *testing.T, st Statement) {
				c := st.(*CreateSource)
				if c.Kind != KindStream || !c.OrReplace || !c.Source || !c.IfNotExists || c.Name != "S" {
					t.Errorf("head: %+v", c)
				}
				if c.NamePos.Col != 47 {
					t.Errorf("name pos %+v", c.NamePos)
				}
				want := []struct {
					name string
					con  ColumnConstraint
					kind sqltypes.Kind
				}{{"ID", ColKey, sqltypes.KindString}, {"v", ColValue, sqltypes.KindInt},
					{"H", ColHeader, sqltypes.KindBytes}, {"HS", ColHeaders, sqltypes.KindArray}}
				if len(c.Elements) != len(want) {
					t.Fatalf("elements %+v", c.Elements)
				}
				for i, w := range want {
					e := c.Elements[i]
					if e.Name != w.name || e.Constraint != w.con || e.Type.Kind != w.kind {
						t.Errorf("element %d: %+v", i, e)
					}
				}
				if c.Elements[2].HeaderKey != "x" {
					t.Errorf("header key %q", c.Elements[2].HeaderKey)
				}
				props := map[string]any{"KAFKA_TOPIC": "t", "VALUE_FORMAT": "json", "PARTITIONS": int64(2),
					"REPLICAS": int64(-1), "RATIO": 0.5, "WRAP": true}
				for k, v := range props {
					if p, ok := c.Props.Get(k); !ok || p.Value != v {
						t.Errorf("prop %s = %#v, want %#v", k, p.Value, v)
					}
				}
			}},
		{"CREATE TABLE t (k INT PRIMARY KEY, d DECIMAL(4, 2), m MAP<STRING, ARRAY<INT>>, s STRUCT<a INT, `b` VARCHAR>, n MY_TYPE)",
			func(t *testing.T, st Statement) {
				c := st.(*CreateSource)
				if c.Kind != KindTable || c.Elements[0].Constraint != ColPrimaryKey {
					t.Errorf("%+v", c)
				}
				if d := c.Elements[1].Type; d.Kind != sqltypes.KindDecimal || d.Precision != 4 || d.Scale != 2 {
					t.Errorf("decimal %+v", d)
				}
				if m := c.Elements[2].Type; m.Key.Kind != sqltypes.KindString || m.Elem.Elem.Kind != sqltypes.KindInt {
					t.Errorf("map %+v", m)
				}
				if s := c.Elements[3].Type; s.Fields[0].Name != "A" || s.Fields[1].Name != "b" {
					t.Errorf("struct %+v", s)
				}
				if n := c.Elements[4].Type; n.Kind != sqltypes.KindNamed || n.Name != "MY_TYPE" {
					t.Errorf("named %+v", n)
				}
			}},
		{"CREATE STREAM s WITH (kafka_topic='t', format='AVRO')", func(t *testing.T, st Statement) {
			if c := st.(*CreateSource); len(c.Elements) != 0 || len(c.Props) != 2 {
				t.Errorf("%+v", c)
			}
		}},
		{"CREATE TABLE o WITH (kafka_topic='x') AS SELECT k, COUNT(*) FROM s GROUP BY k EMIT CHANGES", func(t *testing.T, st Statement) {
			c := st.(*CreateAsSelect)
			if c.Kind != KindTable || c.Name != "O" || len(c.Props) != 1 || c.Query.Emit != EmitChanges || len(c.Query.GroupBy) != 1 {
				t.Errorf("%+v", c)
			}
		}},
		{"INSERT INTO o WITH (query_id='q') SELECT * FROM s", func(t *testing.T, st Statement) {
			c := st.(*InsertInto)
			if c.Target != "O" || c.TargetPos.Col != 13 || len(c.Props) != 1 || !c.Query.Select[0].Star {
				t.Errorf("%+v", c)
			}
		}},
		{"INSERT INTO o (a, `b`) VALUES (1, 'x')", func(t *testing.T, st Statement) {
			c := st.(*InsertValues)
			if len(c.Columns) != 2 || c.Columns[1] != "b" || len(c.Values) != 2 {
				t.Errorf("%+v", c)
			}
		}},
		{"INSERT INTO o VALUES ()", func(t *testing.T, st Statement) {
			if c := st.(*InsertValues); len(c.Values) != 0 || len(c.Columns) != 0 {
				t.Errorf("%+v", c)
			}
		}},
		{"DROP TABLE IF EXISTS t DELETE TOPIC", func(t *testing.T, st Statement) {
			if d := st.(*Drop); d.Kind != DropTable || !d.IfExists || !d.DeleteTopic || d.Name != "T" {
				t.Errorf("%+v", d)
			}
		}},
		{"DROP TYPE x", func(t *testing.T, st Statement) {
			if d := st.(*Drop); d.Kind != DropType || d.Name != "X" {
				t.Errorf("%+v", d)
			}
		}},
		{"SHOW QUERIES EXTENDED", func(t *testing.T, st Statement) {
			if s := st.(*Show); s.What != ShowQueries || !s.Extended {
				t.Errorf("%+v", s)
			}
		}},
		{"list topics", func(t *testing.T, st Statement) {
			if s := st.(*Show); s.What != ShowTopics || s.Extended {
				t.Errorf("%+v", s)
			}
		}},
		{"DESCRIBE EXTENDED s", func(t *testing.T, st Statement) {
			if d := st.(*Describe); d.Name != "S" || !d.Extended || d.IsAll {
				t.Errorf("%+v", d)
			}
		}},
		{"DESCRIBE s EXTENDED", func(t *testing.T, st Statement) {
			if d := st.(*Describe); d.Name != "S" || !d.Extended {
				t.Errorf("%+v", d)
			}
		}},
		{"DESCRIBE TABLES EXTENDED", func(t *testing.T, st Statement) {
			if d := st.(*Describe); !d.IsAll || d.All != KindTable || !d.Extended {
				t.Errorf("%+v", d)
			}
		}},
		{"DESCRIBE FUNCTION concat", func(t *testing.T, st Statement) {
			if d := st.(*DescribeFunction); d.Name != "CONCAT" {
				t.Errorf("%+v", d)
			}
		}},
		{"EXPLAIN SELECT * FROM s", func(t *testing.T, st Statement) {
			e := st.(*Explain)
			s, ok := e.Statement.(*SelectStmt)
			if !ok || s.SQL() != "SELECT * FROM s" || s.Position().Col != 9 {
				t.Errorf("%+v", e)
			}
		}},
		{"EXPLAIN CSAS_OUTPUT_0", func(t *testing.T, st Statement) {
			if e := st.(*Explain); e.QueryID != "CSAS_OUTPUT_0" || e.Statement != nil {
				t.Errorf("%+v", e)
			}
		}},
		{"TERMINATE ALL", func(t *testing.T, st Statement) {
			if e := st.(*Terminate); !e.All {
				t.Errorf("%+v", e)
			}
		}},
		{"TERMINATE q1", func(t *testing.T, st Statement) {
			if e := st.(*Terminate); e.QueryID != "Q1" {
				t.Errorf("%+v", e)
			}
		}},
		{"SET 'auto.offset.reset' = 'earliest'", func(t *testing.T, st Statement) {
			if e := st.(*SetProperty); e.Name != "auto.offset.reset" || e.Value != "earliest" {
				t.Errorf("%+v", e)
			}
		}},
		{"UNSET 'a.b'", func(t *testing.T, st Statement) {
			if e := st.(*UnsetProperty); e.Name != "a.b" {
				t.Errorf("%+v", e)
			}
		}},
		{"UNDEFINE x", func(t *testing.T, st Statement) {
			if e := st.(*UndefineVariable); e.Name != "X" {
				t.Errorf("%+v", e)
			}
		}},
		{"PRINT my_Topic FROM BEGINNING INTERVAL 2 LIMIT 10", func(t *testing.T, st Statement) {
			if e := st.(*Print); e.Topic != "my_Topic" || !e.FromBeginning || e.Interval != 2 || e.Limit != 10 {
				t.Errorf("%+v", e)
			}
		}},
		{"PRINT 'a-b'", func(t *testing.T, st Statement) {
			if e := st.(*Print); e.Topic != "a-b" || e.FromBeginning {
				t.Errorf("%+v", e)
			}
		}},
		{"CREATE TYPE IF NOT EXISTS addr AS STRUCT<n INT>", func(t *testing.T, st Statement) {
			if e := st.(*CreateType); e.Name != "ADDR" || !e.IfNotExists || e.Type.Kind != sqltypes.KindStruct {
				t.Errorf("%+v", e)
			}
		}},
		{"RUN SCRIPT '/tmp/x.sql'", func(t *testing.T, st Statement) {
			if e := st.(*RunScript); e.Path != "/tmp/x.sql" {
				t.Errorf("%+v", e)
			}
		}},
		{"ALTER STREAM s ADD COLUMN c INT, ADD d STRING", func(t *testing.T, st Statement) {
			if e := st.(*AlterSource); e.Name != "S" || len(e.Columns) != 2 || e.Columns[1].Name != "D" {
				t.Errorf("%+v", e)
			}
		}},
		{"SELECT * FROM t WHERE k = 1;", func(t *testing.T, st Statement) {
			s := st.(*SelectStmt)
			if s.Query.Emit != EmitNone || s.Query.Where == nil || s.SQL() != "SELECT * FROM t WHERE k = 1" {
				t.Errorf("%+v", s)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) { tt.check(t, parseOne(t, tt.sql)) })
	}
}

func TestMultipleStatementsAndVariables(t *testing.T) {
	text := "DEFINE topic = 'orders';\n-- comment; with semicolon\nCREATE STREAM s (a INT) WITH (kafka_topic='${topic}', value_format='${fmt}');\nUNDEFINE topic;\nSELECT '${topic}' FROM s;"
	st, err := Parse(text, ParseOptions{Variables: map[string]string{"fmt": "JSON"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 4 {
		t.Fatalf("%d statements", len(st))
	}
	c := st[1].(*CreateSource)
	if v, _ := c.Props.Get("kafka_topic"); v.Value != "orders" {
		t.Errorf("topic %v", v.Value)
	}
	if v, _ := c.Props.Get("VALUE_FORMAT"); v.Value != "JSON" {
		t.Errorf("format %v", v.Value)
	}
	if c.Position().Line != 3 || c.Position().Col != 1 || c.NamePos.Line != 3 || c.NamePos.Col != 15 {
		t.Errorf("positions %+v %+v", c.Position(), c.NamePos)
	}
	// A position after a substituted variable is in the original text.
	if p := c.Props[1].Pos; p.Line != 3 || p.Col != 55 {
		t.Errorf("prop pos %+v", p)
	}
	lit := st[3].(*SelectStmt).Query.Select[0].Expr.(*Literal)
	if lit.Value != "${topic}" {
		t.Errorf("undefined variable substituted: %v", lit.Value)
	}
}

func TestQueryClauses(t *testing.T) {
	q := parseOne(t, `SELECT l.a AS x, r.*, COUNT(*) FROM l
  LEFT OUTER JOIN r WITHIN (1 HOUR, 2 MINUTES) GRACE PERIOD 3 SECONDS ON l.id = r.id
  FULL JOIN z AS q ON q.id = l.id
  INNER JOIN w ON w.id = l.id
  WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS, RETENTION 1 DAY, GRACE PERIOD 0 MILLISECONDS)
  WHERE a > 1 GROUP BY a, b HAVING COUNT(*) > 1 EMIT FINAL LIMIT 5`).(*SelectStmt).Query
	if len(q.Select) != 3 || q.Select[0].Alias != "X" || !q.Select[1].Star || q.Select[1].Qualifier != "R" {
		t.Errorf("select %+v", q.Select)
	}
	j3 := q.From.(*Join)
	j2 := j3.Left.(*Join)
	j1 := j2.Left.(*Join)
	if j1.Type != JoinLeft || j2.Type != JoinFull || j3.Type != JoinInner {
		t.Errorf("join types %v %v %v", j1.Type, j2.Type, j3.Type)
	}
	if w := j1.Within; w == nil || w.Before != 3_600_000 || w.After != 120_000 || w.Grace != 3000 {
		t.Errorf("within %+v", j1.Within)
	}
	if j2.Within != nil || j2.Right.(*Table).Alias != "Q" || j1.Left.(*Table).Name != "L" {
		t.Errorf("join 2 %+v", j2)
	}
	if j1.Pos.Line != 2 || j1.Pos.Col != 3 {
		t.Errorf("join pos %+v", j1.Pos)
	}
	if on := j1.On.(*Binary); on.Op != OpEq || on.Pos.Line != 2 || on.Pos.Col != 74 {
		t.Errorf("on %+v", j1.On)
	}
	w := q.Window
	if w.Kind != WindowHopping || w.Size != 10000 || w.Advance != 5000 || w.Retention != 86_400_000 || w.Grace != 0 {
		t.Errorf("window %+v", w)
	}
	if len(q.GroupBy) != 2 || q.Having == nil || q.Emit != EmitFinal || q.Limit == nil || *q.Limit != 5 {
		t.Errorf("clauses %+v", q)
	}
}

func TestWindowsAndPartition(t *testing.T) {
	q := parseOne(t, "SELECT a FROM s WINDOW SESSION (30 SECONDS) GROUP BY (a, b) EMIT CHANGES").(*SelectStmt).Query
	if q.Window.Kind != WindowSession || q.Window.Size != 30000 || q.Window.Grace != -1 || len(q.GroupBy) != 2 {
		t.Errorf("%+v", q)
	}
	q = parseOne(t, "SELECT a FROM s WINDOW TUMBLING (SIZE 1 MILLISECOND) PARTITION BY a, b + 1").(*SelectStmt).Query
	if q.Window.Kind != WindowTumbling || q.Window.Size != 1 || len(q.PartitionBy) != 2 {
		t.Errorf("%+v", q)
	}
	q = parseOne(t, "SELECT a FROM s ENRICH USING ASYNC lookup(a, 'x') AS e WITH (timeout=5) WHERE a = 1").(*SelectStmt).Query
	if len(q.Enrich) != 1 || !q.Enrich[0].Async || q.Enrich[0].Call.Name != "LOOKUP" || q.Enrich[0].Alias != "E" || len(q.Enrich[0].Props) != 1 || q.Where == nil {
		t.Errorf("enrich %+v", q.Enrich)
	}
}

func TestParseTableElementsAndType(t *testing.T) {
	els, err := ParseTableElements("ID INT KEY, `name` STRING, K2 BIGINT PRIMARY KEY")
	if err != nil {
		t.Fatal(err)
	}
	if len(els) != 3 || els[1].Name != "name" || els[2].Constraint != ColPrimaryKey {
		t.Errorf("%+v", els)
	}
	if els, err := ParseTableElements(""); err != nil || len(els) != 0 {
		t.Errorf("empty: %v %v", els, err)
	}
	ty, err := ParseType("ARRAY<STRUCT<A INT, B MAP<STRING, DECIMAL(10, 3)>>>")
	if err != nil {
		t.Fatal(err)
	}
	if got := ty.Elem.Fields[1].Type.Elem; got.Precision != 10 || got.Scale != 3 {
		t.Errorf("%+v", got)
	}
	for _, s := range []string{"BOOLEAN", "INT", "INTEGER", "BIGINT", "DOUBLE", "STRING", "VARCHAR", "BYTES", "TIMESTAMP", "DATE", "TIME"} {
		ty, err := ParseType(s)
		if err != nil || ty.Kind == sqltypes.KindNamed {
			t.Errorf("%s: %v %v", s, ty, err)
		}
	}
}
