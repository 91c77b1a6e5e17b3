package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/sqltypes"
)

func TestToExecWindowed(t *testing.T) {
	be := func(b []byte, v ...int64) []byte {
		for _, x := range v {
			b = binary.BigEndian.AppendUint64(b, uint64(x))
		}
		return b
	}
	tumbling := &parser.Window{Kind: parser.WindowTumbling, Size: 10_000}
	session := &parser.Window{Kind: parser.WindowSession, Size: 5_000}
	tests := []struct {
		name       string
		key        []byte
		w          *parser.Window
		wantKey    string
		hasWindow  bool
		start, end int64
	}{
		{"not windowed", []byte("ann"), nil, "ann", false, 0, 0},
		{"time window", be([]byte("ann"), 20_000), tumbling, "ann", true, 20_000, 30_000},
		{"session", be([]byte("ann"), 3_000, 1_000), session, "ann", true, 1_000, 3_000},
		{"short key", []byte("ann"), tumbling, "ann", false, 0, 0},
		{"null key", nil, session, "", false, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &kafka.Record{Topic: "t", Key: tc.key, Timestamp: time.UnixMilli(5)}
			e := toExecWindowed(r, false, "", tc.w)
			if string(e.Key) != tc.wantKey || e.HasWindow != tc.hasWindow || e.WindowStart != tc.start || e.WindowEnd != tc.end {
				t.Errorf("got key %q window %v [%d, %d], want %q %v [%d, %d]", e.Key, e.HasWindow, e.WindowStart, e.WindowEnd,
					tc.wantKey, tc.hasWindow, tc.start, tc.end)
			}
		})
	}
}

var errFound = errors.New("found")

// TestPushQueryOverWindowedTable: a push query over the output of a
// windowed aggregation reads the key without its window bytes, and
// WINDOWSTART / WINDOWEND from them (time and session windows).
func TestPushQueryOverWindowedTable(t *testing.T) {
	t.Parallel()
	_, s := sessEngine(t)
	sessRun(t, s, `SET 'auto.offset.reset'='earliest';
CREATE STREAM clicks (k STRING KEY, v INT) WITH (kafka_topic='win_src_t', value_format='JSON', partitions=1);
CREATE TABLE per_win AS SELECT k, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY k;
CREATE TABLE per_sess AS SELECT k, COUNT(*) AS n FROM clicks WINDOW SESSION (5 SECONDS) GROUP BY k;
INSERT INTO clicks (ROWTIME, k, v) VALUES (1000, 'ann', 1);
INSERT INTO clicks (ROWTIME, k, v) VALUES (3000, 'ann', 1);
INSERT INTO clicks (ROWTIME, k, v) VALUES (12000, 'bob', 1);`)
	tests := []struct {
		sql  string
		want []string
	}{
		{`SELECT k, WINDOWSTART, WINDOWEND, n FROM per_win EMIT CHANGES;`,
			[]string{"[ann 0 10000 2]", "[bob 10000 20000 1]"}},
		{`SELECT k, WINDOWSTART, WINDOWEND, n FROM per_sess EMIT CHANGES;`,
			[]string{"[ann 1000 3000 2]", "[bob 12000 12000 1]"}},
	}
	for _, tc := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		var got []string
		err := s.Query(ctx, tc.sql, func(_ []string, row []sqltypes.Value) error {
			got = append(got, fmt.Sprint(row))
			if !slices.ContainsFunc(tc.want, func(w string) bool { return !slices.Contains(got, w) }) {
				return errFound
			}
			return nil
		})
		cancel()
		if !errors.Is(err, errFound) {
			t.Errorf("%s: err = %v, rows = %v, want rows including %v", tc.sql, err, got, tc.want)
		}
	}
}

// TestShowTypesAndVariables: the Kafka engine answers SHOW TYPES and SHOW
// VARIABLES as the driver does.
func TestShowTypesAndVariables(t *testing.T) {
	t.Parallel()
	_, s := sessEngine(t)
	res := sessRun(t, s, `CREATE TYPE addr AS STRUCT<street STRING, zip INT>;
DEFINE region = 'eu';
DEFINE env = 'dev';
SHOW TYPES;
SHOW VARIABLES;`)
	if len(res) < 2 {
		t.Fatalf("results = %v", res)
	}
	types, vars := res[len(res)-2], res[len(res)-1]
	if types.Kind != "SHOW_TYPES" || fmt.Sprint(types.Rows) != "[[ADDR STRUCT<`STREET` STRING, `ZIP` INTEGER>]]" {
		t.Errorf("SHOW TYPES = %q %v", types.Kind, types.Rows)
	}
	if vars.Kind != "SHOW_VARIABLES" || fmt.Sprint(vars.Rows) != "[[ENV dev] [REGION eu]]" {
		t.Errorf("SHOW VARIABLES = %q %v", vars.Kind, vars.Rows)
	}
}
