package driver

import (
	"context"
	"strings"
	"testing"
)

// TestQueryKeepsProperties: a persistent query keeps the properties it was
// created with; a later UNSET does not change it.
func TestQueryKeepsProperties(t *testing.T) {
	d := newDriver(t)
	run(t, d, `CREATE STREAM words (k STRING KEY, w STRING) WITH (kafka_topic='words', value_format='JSON');
SET 'ksql.functions.substring.legacy.args'='true';
CREATE STREAM legacy AS SELECT k, SUBSTRING(w, 1, 4) AS sub FROM words;
UNSET 'ksql.functions.substring.legacy.args';
CREATE STREAM modern AS SELECT k, SUBSTRING(w, 1, 4) AS sub FROM words;`)
	produce(t, d, "words", "k", `{"W":"streaming"}`, 0)
	if got := values(d, "LEGACY"); len(got) != 1 || got[0] != `k|{"SUB":"tre"}` {
		t.Errorf("LEGACY = %q, want the legacy (0-based start, end) result", got)
	}
	if got := values(d, "MODERN"); len(got) != 1 || got[0] != `k|{"SUB":"stre"}` {
		t.Errorf("MODERN = %q, want the current (position, length) result", got)
	}
}

func TestCreateOrReplaceListsQueryOnce(t *testing.T) {
	d := newDriver(t)
	run(t, d, `CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');
CREATE STREAM out AS SELECT k, v FROM s;
CREATE OR REPLACE STREAM out AS SELECT k, v * 100 AS v FROM s;`)
	res := run(t, d, `SHOW QUERIES;`)
	if len(res[0].Rows) != 1 || !strings.Contains(res[0].Rows[0][5], "v * 100") {
		t.Fatalf("SHOW QUERIES rows = %q, want the replaced query once", res[0].Rows)
	}
	produce(t, d, "s", "a", `{"V":2}`, 0)
	if got := values(d, "OUT"); len(got) != 1 || got[0] != `a|{"V":200}` {
		t.Errorf("OUT = %q, want only the new query's record", got)
	}
}

func TestPrintDecodesKafkaKeys(t *testing.T) {
	d := newDriver(t)
	run(t, d, `CREATE STREAM s (id INT KEY, v STRING) WITH (kafka_topic='s', value_format='JSON');
INSERT INTO s (ROWTIME, id, v) VALUES (100, 1, 'a');
INSERT INTO s (ROWTIME, id, v) VALUES (1588344313111, -7, 'b');`)
	res := run(t, d, `PRINT 's' FROM BEGINNING;`)
	// -7 (0xFFFFFFF9) is not UTF-8: only KAFKA_INT reads both keys.
	want := "Key format: KAFKA_INT\nValue format: JSON or KAFKA_STRING\n" +
		`rowtime: 1970/01/01 00:00:00.100 Z, key: 1, value: {"V":"a"}, partition: 0` + "\n" +
		`rowtime: 2020/05/01 14:45:13.111 Z, key: -7, value: {"V":"b"}, partition: 0`
	if res[0].Message != want {
		t.Errorf("PRINT =\n%s\nwant\n%s", res[0].Message, want)
	}
}

func TestPushQuerySelectsBareRowtime(t *testing.T) {
	d := newDriver(t)
	run(t, d, `CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');`)
	produce(t, d, "s", "a", `{"V":1}`, 7)
	res := run(t, d, `SELECT k, ROWTIME, ROWPARTITION, ROWOFFSET FROM s EMIT CHANGES;`)
	if got := strings.Join(res[0].Columns, ","); got != "K,ROWTIME,ROWPARTITION,ROWOFFSET" {
		t.Errorf("columns %s", got)
	}
	if len(res[0].Rows) != 1 || strings.Join(res[0].Rows[0], ",") != "a,7,0,0" {
		t.Errorf("rows %q", res[0].Rows)
	}
	_, err := d.Execute(context.Background(), `CREATE STREAM o AS SELECT k, ROWTIME FROM s;`)
	if err == nil || !strings.Contains(err.Error(), "Reserved column name in select: `ROWTIME`. Please remove or alias the column.") {
		t.Errorf("CSAS with bare ROWTIME: err = %v", err)
	}
}

func TestAlterMessage(t *testing.T) {
	d := newDriver(t)
	res := run(t, d, `CREATE STREAM s (k STRING KEY, v INT) WITH (kafka_topic='s', value_format='JSON');
ALTER STREAM s ADD COLUMN w STRING;
CREATE TABLE t (k STRING PRIMARY KEY, v INT) WITH (kafka_topic='t', value_format='JSON');
ALTER TABLE t ADD COLUMN w STRING;`)
	if res[1].Kind != "ALTER_STREAM" || res[1].Message != "Stream S altered." {
		t.Errorf("ALTER STREAM: %+v", res[1])
	}
	if res[3].Kind != "ALTER_TABLE" || res[3].Message != "Table T altered." {
		t.Errorf("ALTER TABLE: %+v", res[3])
	}
}

func TestDescribeFunctionSignatures(t *testing.T) {
	d := newDriver(t)
	rows := func(name string) []string {
		var out []string
		for _, r := range run(t, d, "DESCRIBE FUNCTION "+name+";")[0].Rows {
			out = append(out, r[2]+" -> "+r[3])
		}
		return out
	}
	if got := rows("explode"); got[0] != "(ARRAY<DECIMAL> input) -> DECIMAL" {
		t.Errorf("EXPLODE variants %q", got)
	}
	found := false
	for _, v := range rows("topk") {
		if strings.Contains(v, "other") {
			found = true
			if !strings.Contains(v, "ANY other..., INTEGER k)") {
				t.Errorf("TOPK variadic variant %q: want the other column marked repeated", v)
			}
		}
	}
	if !found {
		t.Error("no TOPK variant with other columns")
	}
}
