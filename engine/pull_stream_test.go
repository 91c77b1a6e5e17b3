package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/sqltypes"
)

// TestPullStream: a pull query on a stream reads the records its topic
// holds when the query starts (every partition, from the beginning),
// applies WHERE, the projection and LIMIT, and ends by itself; a record
// that cannot be deserialized is skipped and logged to the processing-log
// topic; records produced later are seen by the next pull query. It runs
// through Session.Run as the REPL and the server's /query-stream run it.
func TestPullStream(t *testing.T) {
	t.Parallel()
	br := startBroker(t, 1)
	createTopic(t, br.Addr(), "clicks", 3)
	poison := map[int]string{
		9:  `{"PAGE": "p9", "N": `,
		22: `{"PAGE": "p22", "N": "twenty-two"}`,
		31: `not json`,
	}
	// valid maps the key of each valid record to its N.
	valid := map[string]int{}
	var recs []*kafka.Record
	for i := range 60 {
		v := fmt.Sprintf(`{"PAGE": "p%d", "N": %d}`, i%5, i)
		if p, ok := poison[i]; ok {
			v = p
		} else {
			valid[string(key(i))] = i
		}
		recs = append(recs, &kafka.Record{Topic: "clicks", Partition: int32(i % 3), Key: key(i), Value: []byte(v)})
	}
	produce(t, br.Addr(), recs)

	// auto.offset.reset stays "latest": a pull query reads from the
	// beginning anyway.
	e := newEngine(t, br.Addr(), nil)
	ctx := context.Background()
	if _, err := e.Execute(ctx, `CREATE STREAM clicks (id VARCHAR KEY, page VARCHAR, n BIGINT) WITH (kafka_topic='clicks', value_format='JSON');
CREATE STREAM empty (id VARCHAR KEY, n BIGINT) WITH (kafka_topic='empty', value_format='JSON', partitions=2);`); err != nil {
		t.Fatal(err)
	}
	s := e.NewSession()
	defer s.Close(ctx)

	// WHERE and projection, through Session.Run.
	var cols []string
	var got []string
	err := s.Run(ctx, `SELECT id, n * 2 AS twice FROM clicks WHERE n >= 40 OR page = 'p0';`, engine.Output{
		Columns: func(cs []sqltypes.Column) error {
			for _, c := range cs {
				cols = append(cols, c.Name+" "+c.Type.String())
			}
			return nil
		},
		Row: func(row []sqltypes.Value) error { got = append(got, fmt.Sprint(row[0], "=", row[1])); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for k, n := range valid {
		if n >= 40 || n%5 == 0 {
			want = append(want, fmt.Sprint(k, "=", 2*n))
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if strings.Join(cols, ",") != "ID STRING,TWICE BIGINT" || !slices.Equal(got, want) {
		t.Errorf("WHERE: columns %v\n got %v\nwant %v", cols, got, want)
	}

	// The poison records are in the processing log, once each.
	where := map[string][2]int64{}
	for _, r := range readCommitted(t, br.Addr(), "clicks", len(recs), 100*time.Millisecond, 10*time.Second) {
		where[string(r.Key)] = [2]int64{int64(r.Partition), r.Offset}
	}
	logged := map[[2]int64]engine.ProcessingLogEntry{}
	for _, r := range readCommitted(t, br.Addr(), e.ProcessingLogTopic(), len(poison), 300*time.Millisecond, 10*time.Second) {
		var en engine.ProcessingLogEntry
		if err := json.Unmarshal(r.Value, &en); err != nil {
			t.Fatalf("processing log record %s: %v", r.Value, err)
		}
		if en.Topic != "clicks" || !strings.HasPrefix(en.QueryID, "transient_CLICKS_") || !strings.Contains(en.Reason, "deserializ") {
			t.Errorf("processing log entry %+v", en)
		}
		logged[[2]int64{int64(en.Partition), en.Offset}] = en
	}
	for i := range poison {
		if _, ok := logged[where[string(key(i))]]; !ok {
			t.Errorf("poison record %d (at %v) not in the processing log %v", i, where[string(key(i))], logged)
		}
	}
	if len(logged) != len(poison) {
		t.Errorf("processing log has %d entries, want %d", len(logged), len(poison))
	}

	// LIMIT: the query stops after n rows, each passing WHERE.
	rows := pullRows(t, s, `SELECT * FROM clicks WHERE n < 30 LIMIT 4;`)
	if len(rows) != 4 {
		t.Errorf("LIMIT 4: %v", rows)
	}
	for _, r := range rows {
		f := strings.Split(r, "|")
		if n, ok := valid[f[0]]; !ok || f[2] != fmt.Sprint(n) || n >= 30 || f[1] != fmt.Sprintf("p%d", n%5) {
			t.Errorf("LIMIT 4: row %s", r)
		}
	}
	if rows := pullRows(t, s, `SELECT * FROM clicks LIMIT 0;`); len(rows) != 0 {
		t.Errorf("LIMIT 0: %v", rows)
	}
	if rows := pullRows(t, s, `SELECT * FROM empty;`); len(rows) != 0 {
		t.Errorf("empty topic: %v", rows)
	}

	// Records produced after a pull query are seen by the next one.
	produce(t, br.Addr(), []*kafka.Record{{Topic: "clicks", Partition: 1, Key: []byte("late"), Value: []byte(`{"PAGE": "px", "N": 1000}`)}})
	if rows := pullRows(t, s, `SELECT id, page FROM clicks WHERE n > 100;`); !slices.Equal(rows, []string{"late|px"}) {
		t.Errorf("after a new record: %v", rows)
	}
}
