package driver

import (
	"context"
	"strings"
	"testing"
)

// Pull queries through the driver: answered from the RocksDB state the
// persistent queries write (exec.Pull).

// pull runs one pull query and renders its rows as "a,b,c" lines.
func pull(t *testing.T, d *Driver, sql string) []string {
	t.Helper()
	res := run(t, d, sql)
	r := res[len(res)-1]
	if r.Kind != "QUERY" {
		t.Fatalf("%s: kind %s", sql, r.Kind)
	}
	if len(r.Values) != len(r.Rows) {
		t.Fatalf("%s: %d typed rows, %d text rows", sql, len(r.Values), len(r.Rows))
	}
	out := []string{strings.Join(r.Columns, ",")}
	for _, row := range r.Rows {
		out = append(out, strings.Join(row, ","))
	}
	return out
}

func aggDriver(t *testing.T) *Driver {
	d := newDriver(t)
	run(t, d, `CREATE STREAM S (ID INT KEY, REGION STRING, V INT) WITH (kafka_topic='s', value_format='JSON');
CREATE TABLE T AS SELECT REGION, COUNT(*) AS N, SUM(V) * 10 AS TOTAL10 FROM S GROUP BY REGION HAVING SUM(V) < 100;`)
	produce(t, d, "s", "", `{"REGION":"eu","V":1}`, 10)
	produce(t, d, "s", "", `{"REGION":"us","V":2}`, 11)
	produce(t, d, "s", "", `{"REGION":"eu","V":3}`, 12)
	produce(t, d, "s", "", `{"REGION":"ap","V":5}`, 13)
	produce(t, d, "s", "", `{"REGION":"xx","V":500}`, 14) // fails HAVING: no row
	return d
}

func TestPullAggregateForms(t *testing.T) {
	d := aggDriver(t)
	defer closeDriver(t, d)
	cases := []struct {
		sql  string
		want []string
	}{
		{`SELECT * FROM T WHERE REGION = 'eu';`, []string{"REGION,N,TOTAL10", "eu,2,40"}},
		{`SELECT REGION, N, ROWTIME FROM T WHERE REGION = 'eu';`, []string{"REGION,N,ROWTIME", "eu,2,12"}},
		{`SELECT * FROM T WHERE REGION = 'nowhere';`, []string{"REGION,N,TOTAL10"}},
		{`SELECT * FROM T WHERE REGION = 'xx';`, []string{"REGION,N,TOTAL10"}},
		{`SELECT REGION, N FROM T WHERE REGION IN ('us', 'eu', 'us');`, []string{"REGION,N", "us,1", "eu,2"}},
		{`SELECT REGION, N FROM T WHERE REGION = 'us' OR REGION = 'ap';`, []string{"REGION,N", "us,1", "ap,1"}},
		{`SELECT REGION FROM T WHERE REGION >= 'eu';`, []string{"REGION", "eu", "us"}},
		{`SELECT REGION, TOTAL10 FROM T WHERE TOTAL10 > 25;`, []string{"REGION,TOTAL10", "eu,40", "ap,50"}},
		{`SELECT REGION, N FROM T WHERE REGION = 'eu' AND N > 5;`, []string{"REGION,N"}},
	}
	for _, c := range cases {
		got := pull(t, d, c.sql)
		if c.sql == `SELECT REGION FROM T WHERE REGION >= 'eu';` || c.sql == `SELECT REGION, TOTAL10 FROM T WHERE TOTAL10 > 25;` {
			// Scans return store order: compare as sets.
			got, c.want = sortedTail(got), sortedTail(c.want)
		}
		expectRecords(t, got, c.want)
	}
	got := pull(t, d, `SELECT REGION FROM T LIMIT 2;`)
	if len(got) != 3 {
		t.Fatalf("LIMIT 2: %v", got)
	}
}

func sortedTail(rows []string) []string {
	out := append([]string{rows[0]}, rows[1:]...)
	tail := out[1:]
	for i := range tail {
		for j := i + 1; j < len(tail); j++ {
			if tail[j] < tail[i] {
				tail[i], tail[j] = tail[j], tail[i]
			}
		}
	}
	return out
}

func TestPullTableUndoAndProjection(t *testing.T) {
	d := newDriver(t)
	defer closeDriver(t, d)
	run(t, d, `CREATE TABLE U (ID STRING PRIMARY KEY, REGION STRING, V INT) WITH (kafka_topic='u', format='JSON');
CREATE TABLE BYREGION AS SELECT REGION, COUNT(*) AS N FROM U GROUP BY REGION;
CREATE TABLE BIG AS SELECT ID, V * 2 AS V2 FROM U WHERE V > 1;`)
	produce(t, d, "u", `"a"`, `{"REGION":"eu","V":1}`, 1)
	produce(t, d, "u", `"b"`, `{"REGION":"eu","V":2}`, 2)
	produce(t, d, "u", `"a"`, `{"REGION":"us","V":3}`, 3)
	produce(t, d, "u", `"b"`, ``, 4)
	expectRecords(t, pull(t, d, `SELECT * FROM BYREGION WHERE REGION = 'eu';`), []string{"REGION,N", "eu,0"})
	expectRecords(t, pull(t, d, `SELECT * FROM BYREGION WHERE REGION = 'us';`), []string{"REGION,N", "us,1"})
	// A CTAS without aggregation is materialized before its sink.
	expectRecords(t, pull(t, d, `SELECT * FROM BIG WHERE ID = 'a';`), []string{"ID,V2", "a,6"})
	expectRecords(t, pull(t, d, `SELECT * FROM BIG WHERE ID = 'b';`), []string{"ID,V2"})
	expectRecords(t, pull(t, d, `SELECT ID, V2 FROM BIG;`), []string{"ID,V2", "a,6"})
}

func TestPullSourceTableAndErrors(t *testing.T) {
	d := newDriver(t)
	defer closeDriver(t, d)
	run(t, d, `CREATE SOURCE TABLE ST (ID BIGINT PRIMARY KEY, NAME STRING) WITH (kafka_topic='st', format='JSON');
CREATE TABLE PLAIN (ID BIGINT PRIMARY KEY, NAME STRING) WITH (kafka_topic='p', format='JSON');
CREATE STREAM S (ID INT KEY, V INT) WITH (kafka_topic='s', format='JSON');`)
	produce(t, d, "st", `1`, `{"NAME":"one"}`, 1)
	produce(t, d, "st", `2`, `{"NAME":"two"}`, 2)
	produce(t, d, "s", `7`, `{"V":70}`, 3)
	produce(t, d, "s", `8`, `{"V":80}`, 4)
	// INT literal against a BIGINT key: converted before the lookup.
	expectRecords(t, pull(t, d, `SELECT * FROM ST WHERE ID = 2;`), []string{"ID,NAME", "2,two"})
	expectRecords(t, pull(t, d, `SELECT NAME FROM ST WHERE NAME LIKE 'o%';`), []string{"NAME", "one"})
	// Streams: the records the topic holds now.
	expectRecords(t, pull(t, d, `SELECT * FROM S WHERE V > 75;`), []string{"ID,V", "8,80"})
	for _, c := range []struct{ sql, want string }{
		{`SELECT * FROM PLAIN WHERE ID = 1;`, "The `PLAIN` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_PLAIN AS SELECT * FROM PLAIN'. See https://cnfl.io/queries for more info."},
		{`SELECT ID, COUNT(*) FROM ST GROUP BY ID;`, "Pull queries don't support GROUP BY clauses."},
		{`SELECT ROWOFFSET FROM ST;`, "Pull queries don't support the following columns in SELECT clauses: ROWOFFSET"},
		{`SELECT * FROM ST WHERE WINDOWSTART = 1;`, "WHERE column 'WINDOWSTART' cannot be resolved."},
		{`SELECT * FROM ST WHERE ID IS NULL;`, "Unsupported expression in WHERE clause: (ID IS NULL)"},
	} {
		_, err := d.Execute(context.Background(), c.sql)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.sql, err, c.want)
		}
	}
	run(t, d, `SET 'ksql.query.pull.table.scan.enabled'='false';`)
	_, err := d.Execute(context.Background(), `SELECT * FROM ST WHERE NAME = 'one';`)
	if err == nil || !strings.Contains(err.Error(), "WHERE clause missing key column for disjunct: (NAME = 'one')") {
		t.Errorf("scan disabled: %v", err)
	}
	expectRecords(t, pull(t, d, `SELECT * FROM ST WHERE ID = 1;`), []string{"ID,NAME", "1,one"})
}

func TestPullWindowed(t *testing.T) {
	d := newDriver(t)
	defer closeDriver(t, d)
	run(t, d, `CREATE STREAM S (ID STRING KEY, V INT) WITH (kafka_topic='s', value_format='JSON');
CREATE TABLE W AS SELECT ID, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 10 MILLISECONDS) GROUP BY ID;
CREATE TABLE SS AS SELECT ID, SUM(V) AS T FROM S WINDOW SESSION (5 MILLISECONDS) GROUP BY ID;`)
	for _, ts := range []int64{1, 3, 12, 25} {
		produce(t, d, "s", `a`, `{"V":1}`, ts)
	}
	produce(t, d, "s", `b`, `{"V":1}`, 4)
	expectRecords(t, pull(t, d, `SELECT * FROM W WHERE ID = 'a';`), []string{
		"ID,WINDOWSTART,WINDOWEND,N", "a,0,10,2", "a,10,20,1", "a,20,30,1"})
	expectRecords(t, pull(t, d, `SELECT ID, N FROM W WHERE ID = 'a' AND WINDOWSTART >= 10 AND WINDOWEND <= 20;`), []string{
		"ID,N", "a,1"})
	expectRecords(t, pull(t, d, `SELECT ID, WINDOWSTART, WINDOWEND, T FROM SS WHERE ID = 'a';`), []string{
		"ID,WINDOWSTART,WINDOWEND,T", "a,1,3,2", "a,12,12,1", "a,25,25,1"})
	_, err := d.Execute(context.Background(), `SELECT * FROM W WHERE ID = 'a' AND WINDOWSTART = 1 AND WINDOWSTART > 0;`)
	if err == nil || !strings.Contains(err.Error(), "cannot be combined with other WINDOWSTART bounds") {
		t.Errorf("window bounds: %v", err)
	}
}

func TestPullJoinedTable(t *testing.T) {
	d := newDriver(t)
	defer closeDriver(t, d)
	run(t, d, `CREATE TABLE A (ID STRING PRIMARY KEY, X INT) WITH (kafka_topic='a', format='JSON');
CREATE TABLE B (ID STRING PRIMARY KEY, Y INT) WITH (kafka_topic='b', format='JSON');
CREATE TABLE J AS SELECT A.ID AS ID, X, Y FROM A JOIN B ON A.ID = B.ID;`)
	produce(t, d, "a", `"k"`, `{"X":1}`, 1)
	produce(t, d, "b", `"k"`, `{"Y":2}`, 2)
	produce(t, d, "a", `"q"`, `{"X":3}`, 3)
	expectRecords(t, pull(t, d, `SELECT * FROM J WHERE ID = 'k';`), []string{"ID,X,Y", "k,1,2"})
	expectRecords(t, pull(t, d, `SELECT * FROM J WHERE ID = 'q';`), []string{"ID,X,Y"})
}
