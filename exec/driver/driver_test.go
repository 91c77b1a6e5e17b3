package driver

import (
	"context"
	"strings"
	"testing"

	"github.com/rql/rql/rqlerr"
)

func newDriver(t *testing.T) *Driver {
	t.Helper()
	d, err := New(Options{Properties: map[string]string{}, Now: func() int64 { return 42 }})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func run(t *testing.T, d *Driver, sql string) []Result {
	t.Helper()
	res, err := d.Execute(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return res
}

func produce(t *testing.T, d *Driver, topic, key, value string, ts int64) {
	t.Helper()
	rec := Record{Topic: topic, Timestamp: ts}
	if key != "" {
		rec.Key = []byte(key)
	}
	if value != "" {
		rec.Value = []byte(value)
	}
	if err := d.Produce(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
}

func values(d *Driver, topic string) []string {
	var out []string
	for _, r := range d.Records(topic) {
		out = append(out, string(r.Key)+"|"+string(r.Value))
	}
	return out
}

func TestFilterProjectEndToEnd(t *testing.T) {
	d := newDriver(t)
	run(t, d, `CREATE STREAM INPUT (ID STRING KEY, A INT, B STRING) WITH (kafka_topic='input', value_format='JSON');`)
	produce(t, d, "input", "k0", `{"A": 0, "B": "zero"}`, 5)
	res := run(t, d, `CREATE STREAM OUTPUT AS SELECT ID, A * 2 AS A2, B FROM INPUT WHERE A > 0;`)
	if res[0].QueryID != "CSAS_OUTPUT_0" {
		t.Fatalf("query id %q", res[0].QueryID)
	}
	produce(t, d, "input", "k1", `{"A": 1, "B": "one"}`, 10)
	produce(t, d, "input", "k2", `{"A": 2, "B": null}`, 11)
	got := values(d, "OUTPUT")
	want := []string{`k1|{"A2":2,"B":"one"}`, `k2|{"A2":4,"B":null}`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got %q want %q", got, want)
	}
	if ts := d.Records("OUTPUT")[0].Timestamp; ts != 10 {
		t.Fatalf("timestamp %d", ts)
	}
	src, ok := d.Catalog().SourceByName("OUTPUT")
	if !ok || src.Schema.String() != "ID STRING KEY, A2 INTEGER, B STRING" {
		t.Fatalf("schema %v", src.Schema)
	}
}

func TestPartitionBy(t *testing.T) {
	d := newDriver(t)
	run(t, d, `CREATE STREAM INPUT (ID INT KEY, NAME STRING, AGE INT) WITH (kafka_topic='input', value_format='JSON');
CREATE STREAM OUTPUT AS SELECT * FROM INPUT PARTITION BY NAME;`)
	src, _ := d.Catalog().SourceByName("OUTPUT")
	if got := src.Schema.String(); got != "NAME STRING KEY, AGE INTEGER, ID INTEGER" {
		t.Fatalf("schema %s", got)
	}
	produce(t, d, "input", "\x00\x00\x00\x01", `{"NAME": "bob", "AGE": 3}`, 1)
	got := values(d, "OUTPUT")
	if len(got) != 1 || got[0] != `bob|{"AGE":3,"ID":1}` {
		t.Fatalf("got %q", got)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct{ sql, want string }{
		{`CREATE STREAM OUTPUT AS SELECT * FROM UNKNOWN;`, "Source `UNKNOWN` does not exist"},
		{`CREATE STREAM OUTPUT AS SELECT ID FROM INPUT WHERE A = true;`, "Cannot compare A (INTEGER) to true (BOOLEAN) with EQUAL"},
		{`CREATE STREAM OUTPUT AS SELECT A FROM INPUT;`, "The query used to build `OUTPUT` must include the key column ID in its projection (eg, SELECT ID...)."},
		{`CREATE STREAM OUTPUT AS SELECT ID, BOB FROM INPUT;`, "SELECT column 'BOB' cannot be resolved."},
		{`CREATE STREAM OUTPUT AS SELECT ID, NOPE(A) FROM INPUT;`, "Can't find any functions with the name 'NOPE'"},
	}
	for _, c := range cases {
		d := newDriver(t)
		run(t, d, `CREATE STREAM INPUT (ID STRING KEY, A INT) WITH (kafka_topic='input', value_format='JSON');`)
		_, err := d.Execute(context.Background(), c.sql)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.sql, err, c.want)
			continue
		}
		if _, ok := rqlerr.PosOf(err); !ok && !strings.Contains(c.want, "must include") {
			t.Errorf("%s: error has no position: %v", c.sql, err)
		}
	}
}

func TestInsertValuesAndSelect(t *testing.T) {
	d := newDriver(t)
	run(t, d, `CREATE STREAM INPUT (ID STRING KEY, A INT) WITH (kafka_topic='input', value_format='JSON');
INSERT INTO INPUT (ID, A) VALUES ('x', 1);
INSERT INTO INPUT (ID, A) VALUES ('y', 2);`)
	res := run(t, d, `SELECT ID, A + 1 AS B FROM INPUT EMIT CHANGES LIMIT 1;`)
	r := res[0]
	if len(r.Values) != 1 || r.Values[0][0] != "x" || r.Values[0][1] != int32(2) {
		t.Fatalf("got %v / %v", r.Columns, r.Values)
	}
	if d.Records("input")[0].Timestamp != 42 {
		t.Fatalf("insert timestamp %d", d.Records("input")[0].Timestamp)
	}
}

func TestCTASOverTable(t *testing.T) {
	d := newDriver(t)
	run(t, d, `CREATE TABLE T (ID STRING PRIMARY KEY, V INT) WITH (kafka_topic='t', value_format='JSON');
CREATE TABLE O AS SELECT ID, V * 2 AS V2 FROM T WHERE V > 0;`)
	produce(t, d, "t", "a", `{"V": 1}`, 1)
	produce(t, d, "t", "a", `{"V": 0}`, 2)
	produce(t, d, "t", "b", "", 3)
	got := values(d, "O")
	want := []string{`a|{"V2":2}`, `a|`, `b|`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got %q want %q", got, want)
	}
}

func TestExplainAndShow(t *testing.T) {
	d := newDriver(t)
	run(t, d, `CREATE STREAM INPUT (ID STRING KEY, A INT) WITH (kafka_topic='input', value_format='JSON');
CREATE STREAM OUTPUT AS SELECT ID, A FROM INPUT PARTITION BY A;`)
	res := run(t, d, `EXPLAIN CSAS_OUTPUT_0; SHOW QUERIES; DESCRIBE OUTPUT;`)
	if !strings.Contains(res[0].Message, "• rekey") || !strings.Contains(res[0].Message, "CSAS_OUTPUT_0-repartition") {
		t.Fatalf("explain:\n%s", res[0].Message)
	}
	if len(res[1].Rows) != 1 || res[1].Rows[0][0] != "CSAS_OUTPUT_0" {
		t.Fatalf("show queries: %v", res[1].Rows)
	}
	if len(res[2].Rows) != 2 || res[2].Rows[0][2] != "INTEGER (key)" {
		t.Fatalf("describe: %v", res[2].Rows)
	}
}

func TestStopsAtFirstError(t *testing.T) {
	d := newDriver(t)
	res, err := d.Execute(context.Background(), `CREATE STREAM INPUT (ID STRING KEY, A INT) WITH (kafka_topic='input', value_format='JSON');
CREATE STREAM OUTPUT AS SELECT ID, NOPE FROM INPUT;
CREATE STREAM X (ID STRING KEY) WITH (kafka_topic='x', value_format='JSON');`)
	if err == nil || len(res) != 1 {
		t.Fatalf("res %v err %v", res, err)
	}
	if _, ok := d.Catalog().SourceByName("X"); ok {
		t.Fatal("statement after the failing one ran")
	}
}
