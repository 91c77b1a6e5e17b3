package driver

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

// Tests of the aggregate operators (exec/aggregate*.go, window.go,
// session.go) through the driver, the real parser and RocksDB state.

func closeDriver(t *testing.T, d *Driver) {
	t.Helper()
	dir := d.stateDir
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if dir != "" {
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatalf("state directory %s left behind", dir)
		}
	}
}

// windowed renders records with their window: key|value|ts|start-end.
func windowed(d *Driver, topic string) []string {
	var out []string
	for _, r := range d.Records(topic) {
		s := fmt.Sprintf("%s|%s|%d", r.Key, r.Value, r.Timestamp)
		if r.Window != nil {
			s += fmt.Sprintf("|%s %d-%d", r.Window.Type, r.Window.Start, r.Window.End)
		}
		out = append(out, s)
	}
	return out
}

func expectRecords(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestStreamGroupBy(t *testing.T) {
	d := newDriver(t)
	defer closeDriver(t, d)
	run(t, d, `CREATE STREAM S (ID INT KEY, REGION STRING, V INT) WITH (kafka_topic='s', value_format='JSON');
CREATE TABLE T AS SELECT REGION, COUNT(*) AS N, SUM(V) AS TOTAL FROM S GROUP BY REGION;`)
	produce(t, d, "s", "", `{"REGION":"eu","V":1}`, 10)
	produce(t, d, "s", "", `{"REGION":"us","V":2}`, 11)
	produce(t, d, "s", "", `{"REGION":"eu","V":3}`, 12)
	produce(t, d, "s", "", `{"REGION":null,"V":4}`, 13) // NULL group key: excluded
	produce(t, d, "s", "", ``, 14)                      // null value: ignored
	expectRecords(t, windowed(d, "T"), []string{
		`eu|{"N":1,"TOTAL":1}|10`,
		`us|{"N":1,"TOTAL":2}|11`,
		`eu|{"N":2,"TOTAL":4}|12`,
	})
	src, _ := d.Catalog().SourceByName("T")
	if got := src.Schema.String(); got != "REGION STRING KEY, N BIGINT, TOTAL INTEGER" {
		t.Fatalf("schema %s", got)
	}
}

func TestTableGroupByUndo(t *testing.T) {
	d := newDriver(t)
	defer closeDriver(t, d)
	run(t, d, `CREATE TABLE U (ID STRING PRIMARY KEY, REGION STRING) WITH (kafka_topic='u', format='JSON');
CREATE TABLE T AS SELECT REGION, COUNT(*) AS N FROM U GROUP BY REGION HAVING COUNT(*) > 0;`)
	produce(t, d, "u", `"a"`, `{"REGION":"eu"}`, 1)
	produce(t, d, "u", `"b"`, `{"REGION":"eu"}`, 2)
	produce(t, d, "u", `"a"`, `{"REGION":"us"}`, 3) // moves: subtract from eu, add to us
	produce(t, d, "u", `"b"`, `{"REGION":"eu"}`, 4) // same group: one update
	produce(t, d, "u", `"b"`, ``, 5)                // tombstone: eu falls to 0, HAVING fails
	expectRecords(t, windowed(d, "T"), []string{
		`"eu"|{"N":1}|1`,
		`"eu"|{"N":2}|2`,
		`"eu"|{"N":1}|3`,
		`"us"|{"N":1}|3`,
		`"eu"|{"N":1}|4`,
		`"eu"||5`,
	})
}

func TestTableAggregationRejectsNonUndoable(t *testing.T) {
	d := newDriver(t)
	defer closeDriver(t, d)
	run(t, d, `CREATE TABLE U (ID STRING PRIMARY KEY, V INT) WITH (kafka_topic='u', format='JSON');`)
	_, err := d.Execute(context.Background(), `CREATE TABLE T AS SELECT ID, MAX(V) AS M FROM U GROUP BY ID;`)
	if err == nil || !strings.Contains(err.Error(), "The aggregation function MAX cannot be applied to a table source") {
		t.Fatalf("err = %v", err)
	}
}

func TestTumblingAndLateRecords(t *testing.T) {
	d := newDriver(t)
	defer closeDriver(t, d)
	run(t, d, `CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', value_format='JSON');
CREATE TABLE T AS SELECT ID, COUNT(*) AS N, WINDOWSTART AS WS FROM S
  WINDOW TUMBLING (SIZE 10 MILLISECONDS, GRACE PERIOD 5 MILLISECONDS) GROUP BY ID;`)
	key := string([]byte{0, 0, 0, 1})
	produce(t, d, "s", key, `{"V":1}`, 3)
	produce(t, d, "s", key, `{"V":1}`, 12)
	produce(t, d, "s", key, `{"V":1}`, 7)  // late but within grace (close at 15)
	produce(t, d, "s", key, `{"V":1}`, 16) // stream time 16: window 0-10 closes
	produce(t, d, "s", key, `{"V":1}`, 8)  // dropped
	got := windowed(d, "T")
	for i := range got {
		got[i] = strings.TrimPrefix(got[i], key)
	}
	expectRecords(t, got, []string{
		`|{"N":1,"WS":0}|3|TIME 0-10`,
		`|{"N":1,"WS":10}|12|TIME 10-20`,
		`|{"N":2,"WS":0}|7|TIME 0-10`,
		`|{"N":2,"WS":10}|16|TIME 10-20`,
	})
}

func TestHoppingNeverStartsBelowZero(t *testing.T) {
	d := newDriver(t)
	defer closeDriver(t, d)
	run(t, d, `CREATE STREAM S (V INT) WITH (kafka_topic='s', value_format='JSON');
CREATE TABLE T AS SELECT V, COUNT(*) AS N FROM S WINDOW HOPPING (SIZE 10 MILLISECONDS, ADVANCE BY 5 MILLISECONDS) GROUP BY V;`)
	produce(t, d, "s", "", `{"V":1}`, 3)
	produce(t, d, "s", "", `{"V":1}`, 7)
	got := windowed(d, "T")
	for i := range got {
		got[i] = got[i][4:] // drop the 4-byte INT key
	}
	expectRecords(t, got, []string{
		`|{"N":1}|3|TIME 0-10`,
		`|{"N":2}|7|TIME 0-10`,
		`|{"N":1}|7|TIME 5-15`,
	})
}

func TestSessionMerge(t *testing.T) {
	d := newDriver(t)
	defer closeDriver(t, d)
	run(t, d, `CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON');
CREATE TABLE T AS SELECT K, COUNT(*) AS N FROM S WINDOW SESSION (10 MILLISECONDS) GROUP BY K;`)
	produce(t, d, "s", "a", `{"V":1}`, 0)
	produce(t, d, "s", "a", `{"V":1}`, 20)
	produce(t, d, "s", "a", `{"V":1}`, 10) // within the gap of both sessions
	expectRecords(t, windowed(d, "T"), []string{
		`a|{"N":1}|0|SESSION 0-0`,
		`a|{"N":1}|20|SESSION 20-20`,
		`a||0|SESSION 0-0`,
		`a||20|SESSION 20-20`,
		`a|{"N":3}|20|SESSION 0-20`,
	})
}

func TestEmitFinal(t *testing.T) {
	d := newDriver(t)
	defer closeDriver(t, d)
	run(t, d, `CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON');
CREATE TABLE T AS SELECT K, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 2 MILLISECONDS) GROUP BY K EMIT FINAL;`)
	produce(t, d, "s", "a", `{"V":1}`, 0)
	produce(t, d, "s", "a", `{"V":1}`, 1)
	if got := windowed(d, "T"); len(got) != 0 {
		t.Fatalf("emitted before the window closed: %q", got)
	}
	produce(t, d, "s", "a", `{"V":1}`, 2)
	expectRecords(t, windowed(d, "T"), []string{`a|{"N":2}|1|TIME 0-2`})
}

func TestTransientGroupBy(t *testing.T) {
	d := newDriver(t)
	defer closeDriver(t, d)
	run(t, d, `CREATE STREAM S (K STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON');`)
	produce(t, d, "s", "a", `{"V":1}`, 0)
	produce(t, d, "s", "a", `{"V":2}`, 1)
	for i := 0; i < 2; i++ { // each run starts from empty state
		res := run(t, d, `SELECT K, SUM(V) AS S FROM S GROUP BY K EMIT CHANGES;`)
		if got := fmt.Sprint(res[0].Rows); got != "[[a 1] [a 3]]" {
			t.Fatalf("run %d: rows %s", i, got)
		}
	}
}
