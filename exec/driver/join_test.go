package driver

import (
	"testing"
)

// Tests of the join operators (exec/join_*.go, exec/fkjoin) through the
// driver, the real parser and RocksDB state: one case per join kind and
// emission rule. Records print as key|value|timestamp.

type joinInput struct {
	topic, key, value string
	ts                int64
}

const (
	ddlStreams = `CREATE STREAM L (K STRING KEY, A INT) WITH (kafka_topic='l', value_format='JSON');
CREATE STREAM R (K STRING KEY, B INT) WITH (kafka_topic='r', value_format='JSON');`
	ddlStreamTable = `CREATE STREAM L (K STRING KEY, A INT) WITH (kafka_topic='l', value_format='JSON');
CREATE TABLE R (K STRING PRIMARY KEY, B INT) WITH (kafka_topic='r', value_format='JSON');`
	ddlTables = `CREATE TABLE L (K STRING PRIMARY KEY, A INT) WITH (kafka_topic='l', value_format='JSON');
CREATE TABLE R (K STRING PRIMARY KEY, B INT) WITH (kafka_topic='r', value_format='JSON');`
	ddlFK = `CREATE TABLE P (ID STRING PRIMARY KEY, M STRING, N INT) WITH (kafka_topic='p', value_format='JSON');
CREATE TABLE M (ID STRING PRIMARY KEY, NAME STRING) WITH (kafka_topic='m', value_format='JSON');`
)

func TestJoins(t *testing.T) {
	tests := []struct {
		name, ddl, query string
		in               []joinInput
		want             []string
	}{
		{
			name: "stream-table inner: lookup of the table's current row, stream time",
			ddl:  ddlStreamTable, query: `CREATE STREAM O AS SELECT L.K, A, B FROM L JOIN R ON L.K = R.K;`,
			in: []joinInput{
				{"l", "x", `{"A":1}`, 1},  // before the table row: nothing
				{"r", "x", `{"B":10}`, 2}, // table updates emit nothing
				{"l", "x", `{"A":2}`, 3},
				{"r", "x", `{"B":11}`, 9},
				{"l", "x", `{"A":3}`, 4}, // keeps its own (older) time
				{"r", "x", ``, 10},       // tombstone: forgotten
				{"l", "x", `{"A":4}`, 11},
			},
			want: []string{`x|{"A":2,"B":10}|3`, `x|{"A":3,"B":11}|4`},
		},
		{
			name: "stream-table left: NULLs when no table row",
			ddl:  ddlStreamTable, query: `CREATE STREAM O AS SELECT L.K, A, B FROM L LEFT JOIN R ON L.K = R.K;`,
			in: []joinInput{
				{"l", "x", `{"A":1}`, 1},
				{"r", "x", `{"B":10}`, 2},
				{"l", "x", `{"A":2}`, 3},
				{"l", "x", ``, 4}, // null-valued stream rows are dropped
			},
			want: []string{`x|{"A":1,"B":null}|1`, `x|{"A":2,"B":10}|3`},
		},
		{
			name: "stream-table with repartition of the stream on a value column",
			ddl: `CREATE STREAM L (ID STRING KEY, K STRING, A INT) WITH (kafka_topic='l', value_format='JSON');
CREATE TABLE R (K STRING PRIMARY KEY, B INT) WITH (kafka_topic='r', value_format='JSON');`,
			query: `CREATE STREAM O AS SELECT R.K, ID, A, B FROM L JOIN R ON L.K = R.K;`,
			in: []joinInput{
				{"r", "x", `{"B":10}`, 1},
				{"l", "1", `{"K":"x","A":1}`, 2},
				{"l", "2", `{"K":null,"A":2}`, 3}, // NULL join key: no match
			},
			want: []string{`x|{"ID":"1","A":1,"B":10}|2`},
		},
		{
			name: "table-table inner: retractions, max time",
			ddl:  ddlTables, query: `CREATE TABLE O AS SELECT L.K, A, B FROM L JOIN R ON L.K = R.K;`,
			in: []joinInput{
				{"l", "x", `{"A":1}`, 1}, // unmatched: nothing
				{"r", "x", `{"B":10}`, 5},
				{"l", "x", `{"A":2}`, 3},
				{"r", "x", ``, 6}, // delete: tombstone
				{"l", "x", ``, 7}, // other side absent: nothing
			},
			want: []string{`x|{"A":1,"B":10}|5`, `x|{"A":2,"B":10}|5`, `x||6`},
		},
		{
			name: "table-table left",
			ddl:  ddlTables, query: `CREATE TABLE O AS SELECT L.K, A, B FROM L LEFT JOIN R ON L.K = R.K;`,
			in: []joinInput{
				{"r", "x", `{"B":10}`, 1}, // no left row: nothing
				{"l", "y", `{"A":1}`, 2},
				{"l", "x", `{"A":2}`, 3},
				{"r", "x", ``, 4}, // right deleted: left row with NULLs
				{"l", "x", ``, 5}, // left deleted: tombstone
				{"l", "z", ``, 6}, // never existed: nothing
			},
			want: []string{`y|{"A":1,"B":null}|2`, `x|{"A":2,"B":10}|3`, `x|{"A":2,"B":null}|4`, `x||5`},
		},
		{
			name: "table-table right",
			ddl:  ddlTables, query: `CREATE TABLE O AS SELECT R.K, A, B FROM L RIGHT JOIN R ON L.K = R.K;`,
			in: []joinInput{
				{"l", "x", `{"A":1}`, 1},
				{"r", "x", `{"B":10}`, 2},
				{"l", "x", ``, 3},
			},
			want: []string{`x|{"A":1,"B":10}|2`, `x|{"A":null,"B":10}|3`},
		},
		{
			name: "table-table full outer: synthetic key",
			ddl:  ddlTables, query: `CREATE TABLE O AS SELECT ROWKEY AS K, A, B FROM L FULL OUTER JOIN R ON L.K = R.K;`,
			in: []joinInput{
				{"l", "x", `{"A":1}`, 1},
				{"r", "y", `{"B":10}`, 2},
				{"r", "x", `{"B":11}`, 3},
				{"l", "x", ``, 4},
				{"r", "x", ``, 5},
			},
			want: []string{`x|{"A":1,"B":null}|1`, `y|{"A":null,"B":10}|2`, `x|{"A":1,"B":11}|3`,
				`x|{"A":null,"B":11}|4`, `x||5`},
		},
		{
			name: "table-table with WHERE: retracts only rows that passed",
			ddl:  ddlTables, query: `CREATE TABLE O AS SELECT L.K, A, B FROM L JOIN R ON L.K = R.K WHERE A > 1;`,
			in: []joinInput{
				{"r", "x", `{"B":10}`, 1},
				{"l", "x", `{"A":1}`, 2}, // fails, never passed: nothing
				{"l", "x", `{"A":2}`, 3},
				{"l", "x", `{"A":0}`, 4}, // fails after passing: tombstone
			},
			want: []string{`x|{"A":2,"B":10}|3`, `x||4`},
		},
		{
			name: "stream-stream inner: window, out of order, max time",
			ddl:  ddlStreams, query: `CREATE STREAM O AS SELECT L.K, A, B FROM L JOIN R WITHIN 10 SECONDS ON L.K = R.K;`,
			in: []joinInput{
				{"l", "x", `{"A":1}`, 1000},
				{"r", "x", `{"B":10}`, 5000},
				{"r", "x", `{"B":11}`, 12000}, // outside 1000's window
				{"l", "x", `{"A":2}`, 3000},   // late: joins both (within 10s)
				{"r", "y", `{"B":12}`, 3000},  // other key
			},
			want: []string{`x|{"A":1,"B":10}|5000`, `x|{"A":2,"B":10}|5000`, `x|{"A":2,"B":11}|12000`},
		},
		{
			name: "stream-stream left without GRACE: NULL row at once",
			ddl:  ddlStreams, query: `CREATE STREAM O AS SELECT L.K, A, B FROM L LEFT JOIN R WITHIN 1 SECOND ON L.K = R.K;`,
			in: []joinInput{
				{"l", "x", `{"A":1}`, 1000},
				{"r", "x", `{"B":10}`, 1500},
				{"r", "z", `{"B":9}`, 1600}, // right rows of a left join never emit alone
			},
			want: []string{`x|{"A":1,"B":null}|1000`, `x|{"A":1,"B":10}|1500`},
		},
		{
			name: "stream-stream left with GRACE: NULL row when the window closes",
			ddl:  ddlStreams, query: `CREATE STREAM O AS SELECT L.K, A, B FROM L LEFT JOIN R WITHIN 1 SECOND GRACE PERIOD 1 SECOND ON L.K = R.K;`,
			in: []joinInput{
				{"l", "x", `{"A":1}`, 1000},  // held
				{"l", "y", `{"A":2}`, 1500},  // held
				{"r", "y", `{"B":20}`, 2000}, // matches y: y never emitted with NULLs
				{"r", "w", `{"B":0}`, 3001},  // stream time 3001 > 1000+1000+1000: x closes
				{"l", "v", `{"A":3}`, 100},   // already closed on arrival: at once
			},
			want: []string{`y|{"A":2,"B":20}|2000`, `x|{"A":1,"B":null}|1000`, `v|{"A":3,"B":null}|100`},
		},
		{
			name: "stream-stream full outer with GRACE: both sides",
			ddl:  ddlStreams, query: `CREATE STREAM O AS SELECT ROWKEY AS K, A, B FROM L FULL OUTER JOIN R WITHIN 1 SECOND GRACE PERIOD 0 SECONDS ON L.K = R.K;`,
			in: []joinInput{
				{"l", "x", `{"A":1}`, 1000},
				{"r", "y", `{"B":2}`, 1000},
				{"l", "z", `{"A":3}`, 5000}, // closes both
			},
			// Held rows are emitted in (time, side, key) order, right side
			// first at equal times (Kafka's TimestampedKeyAndJoinSide order).
			want: []string{`y|{"A":null,"B":2}|1000`, `x|{"A":1,"B":null}|1000`},
		},
		{
			name: "stream-stream asymmetric WITHIN (BEFORE, AFTER)",
			ddl:  ddlStreams, query: `CREATE STREAM O AS SELECT L.K, A, B FROM L JOIN R WITHIN (1 SECOND, 5 SECONDS) ON L.K = R.K;`,
			in: []joinInput{
				{"l", "x", `{"A":1}`, 10000},
				{"r", "x", `{"B":1}`, 8500},  // 1.5s before: no
				{"r", "x", `{"B":2}`, 9500},  // 0.5s before: yes
				{"r", "x", `{"B":3}`, 14000}, // 4s after: yes
				{"r", "x", `{"B":4}`, 16000}, // 6s after: no
			},
			want: []string{`x|{"A":1,"B":2}|10000`, `x|{"A":1,"B":3}|14000`},
		},
		{
			name: "n-way: stream-stream then stream-table",
			ddl: ddlStreams + `
CREATE TABLE T (K STRING PRIMARY KEY, C INT) WITH (kafka_topic='t', value_format='JSON');`,
			query: `CREATE STREAM O AS SELECT L.K, A, B, C FROM L JOIN R WITHIN 10 SECONDS ON L.K = R.K LEFT JOIN T ON L.K = T.K;`,
			in: []joinInput{
				{"t", "x", `{"C":7}`, 0},
				{"l", "x", `{"A":1}`, 1000},
				{"r", "x", `{"B":2}`, 2000},
				{"l", "y", `{"A":3}`, 3000},
				{"r", "y", `{"B":4}`, 4000},
			},
			want: []string{`x|{"A":1,"B":2,"C":7}|2000`, `y|{"A":3,"B":4,"C":null}|4000`},
		},
		{
			name: "foreign key inner: subscribe, change of foreign key, deletes",
			ddl:  ddlFK, query: `CREATE TABLE O AS SELECT P.ID, N, NAME FROM P JOIN M ON P.M = M.ID;`,
			in: []joinInput{
				{"p", "p1", `{"M":"m1","N":1}`, 1}, // no merchant yet: nothing
				{"m", "m1", `{"NAME":"one"}`, 2},   // answers the subscriber
				{"m", "m2", `{"NAME":"two"}`, 3},
				{"p", "p1", `{"M":"m2","N":1}`, 4}, // moves to m2
				{"m", "m1", `{"NAME":"uno"}`, 5},   // p1 unsubscribed from m1: nothing
				{"p", "p2", `{"M":"m2","N":2}`, 6},
				{"m", "m2", ``, 7},                 // both subscribers retracted
				{"p", "p3", `{"M":null,"N":3}`, 8}, // NULL foreign key: nothing
			},
			want: []string{`p1|{"N":1,"NAME":"one"}|2`, `p1|{"N":1,"NAME":"two"}|4`, `p2|{"N":2,"NAME":"two"}|6`,
				`p1||7`, `p2||7`},
		},
		{
			name: "foreign key left: NULLs, NULL foreign key, left delete",
			ddl:  ddlFK, query: `CREATE TABLE O AS SELECT P.ID, N, NAME FROM P LEFT JOIN M ON P.M = M.ID;`,
			in: []joinInput{
				{"p", "p1", `{"M":"m1","N":1}`, 1},
				{"m", "m1", `{"NAME":"one"}`, 2},
				{"p", "p2", `{"M":null,"N":2}`, 3},
				{"m", "m1", ``, 4},
				{"p", "p1", ``, 5},
			},
			want: []string{`p1|{"N":1,"NAME":null}|1`, `p1|{"N":1,"NAME":"one"}|2`, `p2|{"N":2,"NAME":null}|3`,
				`p1|{"N":1,"NAME":null}|4`, `p1||5`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDriver(t)
			defer closeDriver(t, d)
			run(t, d, tt.ddl)
			run(t, d, tt.query)
			for _, in := range tt.in {
				produce(t, d, in.topic, in.key, in.value, in.ts)
			}
			expectRecords(t, windowed(d, "O"), tt.want)
		})
	}
}
