package driver

import (
	"context"
	"strings"
	"testing"
)

const ddlGlobal = `CREATE STREAM ORDERS (ID STRING KEY, CUR STRING, AMOUNT INT) WITH (kafka_topic='orders', value_format='JSON', partitions=4);
CREATE TABLE RATES (CUR STRING PRIMARY KEY, RATE INT) WITH (kafka_topic='rates', value_format='JSON', partitions=1, global=true);`

// A stream joins a global table on an expression of its columns: no
// repartition, the result keeps the stream's key, partition and time.
func TestGlobalTableJoin(t *testing.T) {
	tests := []struct {
		name, query string
		in          []joinInput
		want        []string
	}{
		{
			name:  "inner, on an expression, stream key kept",
			query: `CREATE STREAM O AS SELECT O.ID, AMOUNT * RATE AS EUR FROM ORDERS O JOIN RATES R ON UCASE(O.CUR) = R.CUR;`,
			in: []joinInput{
				{"orders", "o1", `{"CUR":"usd","AMOUNT":2}`, 1}, // no rate yet: nothing
				{"rates", "USD", `{"RATE":3}`, 2},
				{"orders", "o2", `{"CUR":"usd","AMOUNT":2}`, 3},
				{"rates", "USD", `{"RATE":5}`, 10},
				{"orders", "o3", `{"CUR":"Usd","AMOUNT":1}`, 4}, // the current rate, whatever the times
				{"rates", "USD", ``, 11},                        // tombstone: forgotten
				{"orders", "o4", `{"CUR":"usd","AMOUNT":1}`, 12},
				{"orders", "o5", `{"CUR":null,"AMOUNT":1}`, 13}, // NULL lookup key: no match
			},
			want: []string{`o2|{"EUR":6}|3`, `o3|{"EUR":5}|4`},
		},
		{
			name:  "left: NULLs when no row or a NULL lookup key",
			query: `CREATE STREAM O AS SELECT O.ID, O.CUR, RATE FROM ORDERS O LEFT JOIN RATES R ON O.CUR = R.CUR;`,
			in: []joinInput{
				{"orders", "o1", `{"CUR":"EUR","AMOUNT":2}`, 1},
				{"rates", "EUR", `{"RATE":1}`, 2},
				{"orders", "o2", `{"CUR":"EUR","AMOUNT":2}`, 3},
				{"orders", "o3", `{"CUR":null,"AMOUNT":2}`, 4},
				{"orders", "o4", ``, 5}, // null-valued stream rows are dropped
			},
			want: []string{`o1|{"O_CUR":"EUR","RATE":null}|1`, `o2|{"O_CUR":"EUR","RATE":1}|3`, `o3|{"O_CUR":null,"RATE":null}|4`},
		},
		{
			name: "n-way: two global tables, then a co-partitioned table",
			query: `CREATE STREAM O AS SELECT O.ID, RATE, NAME FROM ORDERS O JOIN RATES R ON O.CUR = R.CUR
  LEFT JOIN CUSTOMERS C ON O.ID = C.ID;`,
			in: []joinInput{
				{"rates", "EUR", `{"RATE":1}`, 1},
				{"customers", "o1", `{"NAME":"ann"}`, 1},
				{"orders", "o1", `{"CUR":"EUR","AMOUNT":2}`, 2},
				{"orders", "o2", `{"CUR":"EUR","AMOUNT":2}`, 3},
			},
			want: []string{`o1|{"RATE":1,"NAME":"ann"}|2`, `o2|{"RATE":1,"NAME":null}|3`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDriver(t)
			defer closeDriver(t, d)
			run(t, d, ddlGlobal)
			run(t, d, `CREATE TABLE CUSTOMERS (ID STRING PRIMARY KEY, NAME STRING) WITH (kafka_topic='customers', value_format='JSON', partitions=4);`)
			run(t, d, tt.query)
			for _, in := range tt.in {
				produce(t, d, in.topic, in.key, in.value, in.ts)
			}
			expectRecords(t, windowed(d, "O"), tt.want)
		})
	}
}

// A query started over existing data loads the global table in full
// before it processes the stream (Kafka Streams bootstraps global stores
// to the end of their topic first), whatever the records' times.
func TestGlobalTableBootstrap(t *testing.T) {
	d := newDriver(t)
	defer closeDriver(t, d)
	run(t, d, ddlGlobal)
	produce(t, d, "orders", "o1", `{"CUR":"EUR","AMOUNT":2}`, 1)
	produce(t, d, "rates", "EUR", `{"RATE":7}`, 100)
	run(t, d, `CREATE STREAM O AS SELECT O.ID, RATE FROM ORDERS O JOIN RATES R ON O.CUR = R.CUR;`)
	expectRecords(t, windowed(d, "O"), []string{`o1|{"RATE":7}|1`})
}

func TestGlobalTableErrors(t *testing.T) {
	tests := []struct{ sql, want string }{
		{`CREATE STREAM S2 (ID STRING KEY, A INT) WITH (kafka_topic='s2', value_format='JSON', global=true);`,
			"only valid for tables"},
		{`CREATE TABLE T3 WITH (global=true) AS SELECT CUR, RATE FROM RATES;`, "not for the result of CREATE TABLE AS SELECT"},
		{`CREATE TABLE T4 (K STRING PRIMARY KEY, A INT) WITH (kafka_topic='t4', value_format='JSON', global='yes');`,
			"Invalid value for 'GLOBAL'"},
		{`CREATE STREAM O AS SELECT O.ID, RATE FROM ORDERS O RIGHT JOIN RATES R ON O.CUR = R.CUR;`,
			"Invalid join type: right-outer join not supported for stream-table join"},
		{`CREATE STREAM O AS SELECT O.ID, RATE FROM ORDERS O JOIN RATES R ON O.CUR = CAST(R.RATE AS STRING);`,
			"stream-table joins require to join on the table's primary key"},
		{`CREATE STREAM O AS SELECT O.CUR, RATE FROM ORDERS O JOIN RATES R ON O.CUR = R.CUR;`,
			"must include the key column O.ID in its projection"},
	}
	for _, tt := range tests {
		d := newDriver(t)
		run(t, d, ddlGlobal)
		_, err := d.Execute(context.Background(), tt.sql)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error containing %q", tt.sql, err, tt.want)
		}
		closeDriver(t, d)
	}
}

// Co-partitioning: sides read as they are must have equal partition
// counts; a repartitioned side takes the other side's count; foreign-key
// and global-table joins need none.
func TestJoinPartitionCounts(t *testing.T) {
	ddl := `CREATE STREAM S4 (K STRING KEY, V STRING, A INT) WITH (kafka_topic='s4', value_format='JSON', partitions=4);
CREATE STREAM S3 (K STRING KEY, B INT) WITH (kafka_topic='s3', value_format='JSON', partitions=3);
CREATE TABLE T3 (K STRING PRIMARY KEY, C INT, F STRING) WITH (kafka_topic='t3', value_format='JSON', partitions=3);
CREATE TABLE T4 (K STRING PRIMARY KEY, D INT) WITH (kafka_topic='t4', value_format='JSON', partitions=4);`
	tests := []struct{ sql, want string }{
		{`CREATE STREAM O AS SELECT S4.K, A, C FROM S4 JOIN T3 ON S4.K = T3.K;`,
			"Can't join S4 with T3 since the number of partitions don't match. S4 partitions = 4; T3 partitions = 3. Please repartition either one so that the number of partitions match."},
		{`CREATE STREAM O AS SELECT S4.K, A, B FROM S4 JOIN S3 WITHIN 1 SECOND ON S4.K = S3.K;`,
			"Can't join S4 with S3 since the number of partitions don't match."},
		{`CREATE TABLE O AS SELECT T3.K, C, D FROM T3 JOIN T4 ON T3.K = T4.K;`,
			"Can't join T3 with T4 since the number of partitions don't match. T3 partitions = 3; T4 partitions = 4."},
		// The stream is re-keyed through a repartition topic of T3's count.
		{`CREATE STREAM O AS SELECT T3.K, A, C FROM S4 JOIN T3 ON S4.V = T3.K;`, ""},
		// Foreign-key joins need no co-partitioning.
		{`CREATE TABLE O AS SELECT T3.K, C, D FROM T3 JOIN T4 ON T3.F = T4.K;`, ""},
		// Over an existing topic a source takes the topic's count.
		{`CREATE TABLE T1 (K STRING PRIMARY KEY, E INT) WITH (kafka_topic='s4', value_format='JSON');
CREATE STREAM O AS SELECT S3.K, B, E FROM S3 JOIN T1 ON S3.K = T1.K;`, "S3 partitions = 3; T1 partitions = 4"},
	}
	for _, tt := range tests {
		d := newDriver(t)
		run(t, d, ddl)
		_, err := d.Execute(context.Background(), tt.sql)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.sql, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: got %v, want an error containing %q", tt.sql, err, tt.want)
		}
		closeDriver(t, d)
	}
}
