package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/exec/driver"
)

// TestPartitionByWithGroupByRefused: a query with both GROUP BY and
// PARTITION BY is refused by the Kafka engine and the driver alike, with
// ksqlDB's message (its Query node allows one of the two); PARTITION BY
// before GROUP BY is a syntax error, as in ksqlDB's grammar.
func TestPartitionByWithGroupByRefused(t *testing.T) {
	t.Parallel()
	const ddl = `CREATE STREAM s (id VARCHAR KEY, x VARCHAR, y VARCHAR) WITH (kafka_topic='s', value_format='JSON');`
	cases := map[string]string{
		`CREATE TABLE t AS SELECT x, COUNT(*) AS n FROM s GROUP BY x PARTITION BY y;`: "Queries only support one of PARTITION BY and GROUP BY",
		`CREATE TABLE t AS SELECT x, COUNT(*) AS n FROM s PARTITION BY y GROUP BY x;`: "extraneous input 'GROUP'",
	}
	b := startBroker(t, 1)
	createTopic(t, b.Addr(), "s", 4)
	e := newEngine(t, b.Addr(), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := e.Execute(ctx, ddl); err != nil {
		t.Fatal(err)
	}
	d, err := driver.New(driver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.CreateTopic("s", 4)
	if _, err := d.Execute(ctx, ddl); err != nil {
		t.Fatal(err)
	}
	for sql, want := range cases {
		_, eerr := e.Execute(ctx, sql)
		_, derr := d.Execute(ctx, sql)
		if eerr == nil || derr == nil {
			t.Fatalf("%s: engine error %v, driver error %v; want both refused", sql, eerr, derr)
		}
		if !strings.Contains(eerr.Error(), want) || eerr.Error() != derr.Error() {
			t.Errorf("%s:\nengine: %v\ndriver: %v\nwant both to contain %q", sql, eerr, derr, want)
		}
	}
	if n := len(e.Queries()); n != 0 {
		t.Errorf("%d queries started", n)
	}
}
