package engine_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/engine"
	"github.com/rql/rql/kafka"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// pullRows runs a pull query through a session and renders its rows as
// sorted "v1|v2|..." strings.
func pullRows(t *testing.T, s *engine.Session, sql string) []string {
	t.Helper()
	rows, err := pullRowsErr(s, sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return rows
}

func pullRowsErr(s *engine.Session, sql string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := []string{}
	err := s.Query(ctx, sql, func(_ []string, row []sqltypes.Value) error {
		parts := make([]string, len(row))
		for i, v := range row {
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, "|"))
		return nil
	})
	slices.Sort(out)
	return out, err
}

// TestPullSourceTable: CREATE SOURCE TABLE starts the internal query
// CST_<name>, which materializes the whole topic (rows produced before the
// table was created included, whatever auto.offset.reset says) into RocksDB
// stores with a changelog; pull queries by key, key range and scan see
// updates and tombstones; a restart of the engine resumes from the local
// state, or restores it from the changelog when the state dir is gone;
// TERMINATE refuses the query; DROP TABLE ends it and deletes its state.
func TestPullSourceTable(t *testing.T) {
	t.Parallel()
	br := startBroker(t, 1)
	createTopic(t, br.Addr(), "users", 3)
	dir := t.TempDir()
	ctx := context.Background()

	// model is what the table must hold: id → "id|name|score".
	model := map[string]string{}
	var recs []*kafka.Record
	for i := range 40 {
		id := fmt.Sprintf("u%02d", i)
		recs = append(recs, &kafka.Record{Topic: "users", Partition: -1, Key: []byte(id),
			Value: fmt.Appendf(nil, `{"NAME":"n%d","SCORE":%d}`, i, i*10)})
		model[id] = fmt.Sprintf("%s|n%d|%d", id, i, i*10)
	}
	produce(t, br.Addr(), recs)

	const ddl = `CREATE SOURCE TABLE users (id VARCHAR PRIMARY KEY, name VARCHAR, score BIGINT) WITH (kafka_topic='users', value_format='JSON');`
	start := func() (*engine.Engine, *engine.Session) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		e, err := engine.New(ctx, engine.Options{Bootstrap: br.Addr(), StateDir: dir, Logger: testLogger(t)})
		if err != nil {
			t.Fatal(err)
		}
		// auto.offset.reset stays "latest": the internal query reads the
		// topic from the beginning anyway.
		if _, err := e.Execute(ctx, ddl); err != nil {
			t.Fatal(err)
		}
		return e, e.NewSession()
	}
	stop := func(e *engine.Engine, s *engine.Session) engine.QueryStatus {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		st, ok := e.Query("CST_USERS")
		if !ok {
			t.Fatal("no query CST_USERS")
		}
		s.Close(ctx)
		if err := e.Close(ctx); err != nil {
			t.Fatal(err)
		}
		return st
	}
	all := func() []string { return slices.Sorted(maps.Values(model)) }
	waitTable := func(s *engine.Session, what string) {
		t.Helper()
		want := all()
		var got []string
		end := time.Now().Add(30 * time.Second)
		for {
			got = pullRows(t, s, `SELECT * FROM users;`)
			if slices.Equal(got, want) {
				return
			}
			if time.Now().After(end) {
				t.Fatalf("%s: scan\n got %v\nwant %v", what, got, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	checkQueries := func(s *engine.Session, what string) {
		t.Helper()
		if got := pullRows(t, s, `SELECT * FROM users WHERE id = 'u05';`); !slices.Equal(got, []string{model["u05"]}) {
			t.Errorf("%s: key lookup: %v", what, got)
		}
		var want []string
		for _, id := range []string{"u07", "u99", "u12"} {
			if row, ok := model[id]; ok {
				want = append(want, strings.Split(row, "|")[1])
			}
		}
		slices.Sort(want)
		if got := pullRows(t, s, `SELECT name FROM users WHERE id IN ('u07', 'u99', 'u12');`); !slices.Equal(got, want) {
			t.Errorf("%s: key lookups: got %v, want %v", what, got, want)
		}
		want = nil
		for id, row := range model {
			if id >= "u10" && id <= "u19" {
				want = append(want, row)
			}
		}
		slices.Sort(want)
		if got := pullRows(t, s, `SELECT * FROM users WHERE id BETWEEN 'u10' AND 'u19';`); !slices.Equal(got, want) {
			t.Errorf("%s: key range:\n got %v\nwant %v", what, got, want)
		}
		got := pullRows(t, s, `SELECT id, score FROM users WHERE score >= 200 LIMIT 3;`)
		if len(got) != 3 {
			t.Errorf("%s: scan with LIMIT 3: %v", what, got)
		}
		for _, r := range got {
			id, score, _ := strings.Cut(r, "|")
			if row, ok := model[id]; !ok || !strings.HasSuffix(row, "|"+score) || len(score) < 3 {
				t.Errorf("%s: scan with WHERE score >= 200: row %s (model %q)", what, r, row)
			}
		}
	}

	e, s := start()
	waitTable(s, "first run")
	checkQueries(s, "first run")

	// Updates and tombstones, in the three partitions.
	var upd []*kafka.Record
	for _, i := range []int{5, 12, 33} {
		id := fmt.Sprintf("u%02d", i)
		upd = append(upd, &kafka.Record{Topic: "users", Partition: -1, Key: []byte(id),
			Value: fmt.Appendf(nil, `{"NAME":"m%d","SCORE":%d}`, i, i*1000)})
		model[id] = fmt.Sprintf("%s|m%d|%d", id, i, i*1000)
	}
	for _, i := range []int{6, 7, 20} {
		id := fmt.Sprintf("u%02d", i)
		upd = append(upd, &kafka.Record{Topic: "users", Partition: -1, Key: []byte(id)})
		delete(model, id)
	}
	produce(t, br.Addr(), upd)
	waitTable(s, "after updates and tombstones")
	checkQueries(s, "after updates and tombstones")
	if got := pullRows(t, s, `SELECT * FROM users WHERE id = 'u06';`); len(got) != 0 {
		t.Errorf("a deleted key answered: %v", got)
	}

	// SHOW QUERIES lists the internal query; TERMINATE refuses it and
	// TERMINATE ALL leaves it running.
	res, err := e.Execute(ctx, `SHOW QUERIES;`)
	if err != nil {
		t.Fatal(err)
	}
	if rows := res[0].Rows; len(rows) != 1 || rows[0][0] != "CST_USERS" || rows[0][3] != "USERS" || rows[0][4] != "users" {
		t.Errorf("SHOW QUERIES: %v", rows)
	}
	_, err = e.Execute(ctx, `TERMINATE CST_USERS;`)
	if rqlerr.CodeOf(err) != rqlerr.StmtIncompatible || !strings.Contains(err.Error(), "linked to a source table") {
		t.Errorf("TERMINATE CST_USERS: %v", err)
	}
	if _, err := e.Execute(ctx, `TERMINATE ALL;`); err != nil {
		t.Fatal(err)
	}
	if st, ok := e.Query("CST_USERS"); !ok || st.State != engine.StateRunning {
		t.Errorf("after TERMINATE ALL: %+v %v", st, ok)
	}
	st := stop(e, s)
	if len(st.StateTopics) != 1 || st.StateTopics[0] != "rql-CST_USERS-Materialize-changelog" {
		t.Errorf("state topics %v", st.StateTopics)
	}

	// Restart with the same state dir: the tasks resume from their
	// stores, nothing of the topic or of the changelog is read again.
	e, s = start()
	waitFor(t, 20*time.Second, "the tasks", func() bool {
		st, _ := e.Query("CST_USERS")
		return len(st.Tasks) == 3 && st.State == engine.StateRunning
	})
	waitTable(s, "after a restart")
	checkQueries(s, "after a restart")
	st = stop(e, s)
	if st.Consumed != 0 || st.Restored != 0 {
		t.Errorf("restart from local state consumed %d records and restored %d, want 0 and 0", st.Consumed, st.Restored)
	}

	// Without local state, the stores come back from the changelog.
	if err := os.RemoveAll(filepath.Join(dir, "rql", "CST_USERS")); err != nil {
		t.Fatal(err)
	}
	e, s = start()
	waitTable(s, "after a restore from the changelog")
	checkQueries(s, "after a restore from the changelog")
	if st, _ := e.Query("CST_USERS"); st.Consumed != 0 || st.Restored < int64(len(model)) {
		t.Errorf("restore from the changelog: consumed %d records, restored %d, want 0 and at least %d",
			st.Consumed, st.Restored, len(model))
	}

	// DROP TABLE ends the query and deletes its state and changelog.
	if _, err := e.Execute(ctx, `DROP TABLE users;`); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.Query("CST_USERS"); ok {
		t.Error("CST_USERS still running after DROP TABLE")
	}
	if _, err := os.Stat(filepath.Join(dir, "rql", "CST_USERS")); !os.IsNotExist(err) {
		t.Errorf("state of CST_USERS still there after DROP TABLE (%v)", err)
	}
	waitFor(t, 10*time.Second, "the changelog to go", func() bool {
		topics, err := e.Admin().ListTopics(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return !slices.Contains(topics, "rql-CST_USERS-Materialize-changelog") && slices.Contains(topics, "users")
	})
	if _, err := pullRowsErr(s, `SELECT * FROM users;`); err == nil {
		t.Error("a pull query on a dropped table answered")
	}
	if _, err := e.Execute(ctx, ddl); err != nil {
		t.Fatal(err)
	}
	waitTable(s, "after DROP and CREATE again")
	stopNoQuery(t, e, s)
}

func stopNoQuery(t *testing.T, e *engine.Engine, s *engine.Session) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s.Close(ctx)
	if err := e.Close(ctx); err != nil {
		t.Fatal(err)
	}
}
