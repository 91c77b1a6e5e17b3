package fkjoin

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/state"
	"github.com/rql/rql/udf"
)

// ddl declares the product / merchant tables of the tests and benchmarks.
const ddl = `CREATE TABLE P (ID STRING PRIMARY KEY, M STRING, N INT) WITH (kafka_topic='p', value_format='JSON');
CREATE TABLE M (ID STRING PRIMARY KEY, NAME STRING) WITH (kafka_topic='m', value_format='JSON');`

// planJoin plans query over ddl and returns its foreign-key join node.
func planJoin(tb testing.TB, query string) *planner.Join {
	tb.Helper()
	cat := planner.NewCatalog(nil)
	reg := udf.Builtins()
	stmts, err := parser.Parse(ddl+query, parser.ParseOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	for _, s := range stmts {
		p, err := planner.PlanStatementWith(cat, reg, s, nil, planner.PlanOptions{})
		if err != nil {
			tb.Fatal(err)
		}
		switch p := p.(type) {
		case *planner.CreateSourcePlan:
			cat.PutSource(p.Source)
		case *planner.CreateAsSelectPlan:
			if j := findJoin(p.Query.Root); j != nil {
				return j
			}
		}
	}
	tb.Fatal("no foreign-key join in the plan")
	return nil
}

func findJoin(n planner.Node) *planner.Join {
	if j, ok := n.(*planner.Join); ok && j.Kind == planner.JoinForeignKey {
		return j
	}
	for _, c := range n.Children() {
		if j := findJoin(c); j != nil {
			return j
		}
	}
	return nil
}

// opened is a Join over a fresh RocksDB store that collects its output
// and processing log.
type opened struct {
	j    *Join
	db   *state.DB
	out  []exec.Row
	logs []exec.LogEntry
}

func openJoin(tb testing.TB, query string) *opened {
	tb.Helper()
	n := planJoin(tb, query)
	j, err := New(n, nil)
	if err != nil {
		tb.Fatal(err)
	}
	db, err := state.Open(tb.TempDir(), state.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	o := &opened{j: j, db: db}
	tb.Cleanup(func() { _ = db.Close() })
	env := &exec.Env{QueryID: "Q", State: db, Log: func(e exec.LogEntry) { o.logs = append(o.logs, e) }}
	if err := j.Init(context.Background(), env); err != nil {
		tb.Fatal(err)
	}
	return o
}

// row builds a row of side's schema from column values by name; no
// values make a tombstone (key columns from vals still set).
func row(n planner.Node, ts int64, tombstone bool, vals map[string]sqltypes.Value) exec.Row {
	cols := n.Schema().Columns
	r := exec.Row{Vals: make([]sqltypes.Value, len(cols)), Rowtime: ts, NullValue: tombstone}
	for i, c := range cols {
		r.Vals[i] = vals[c.Name]
	}
	return r
}

// product is a left row (M "" is a NULL foreign key; n < 0 a tombstone).
func (o *opened) product(tb testing.TB, id, m string, n int32, ts int64) {
	tb.Helper()
	v := map[string]sqltypes.Value{"ID": id, "N": n}
	if m != "" {
		v["M"] = m
	}
	o.push(tb, 0, row(o.j.n.Left, ts, n < 0, v))
}

// merchant is a right row (name "" is a tombstone).
func (o *opened) merchant(tb testing.TB, id, name string, ts int64) {
	tb.Helper()
	o.push(tb, 1, row(o.j.n.Right, ts, name == "", map[string]sqltypes.Value{"ID": id, "NAME": name}))
}

func (o *opened) push(tb testing.TB, input int, r exec.Row) {
	tb.Helper()
	err := o.j.Process(context.Background(), input, &exec.Batch{Rows: []exec.Row{r}},
		exec.CollectFunc(func(_ context.Context, b *exec.Batch) error {
			o.out = append(o.out, b.Rows...)
			return nil
		}))
	if err != nil {
		tb.Fatal(err)
	}
}

// take renders and clears the output: "key {N NAME} @ts" or "key <tombstone> @ts".
func (o *opened) take() []string {
	var out []string
	ni, namei := -1, -1
	for i, c := range o.j.n.Out.Columns {
		switch {
		case strings.HasSuffix(c.Name, "_N"):
			ni = i
		case strings.HasSuffix(c.Name, "_NAME"):
			namei = i
		}
	}
	for _, r := range o.out {
		key := fmt.Sprint(r.Vals[0])
		if r.NullValue {
			out = append(out, fmt.Sprintf("%s <tombstone> @%d", key, r.Rowtime))
			continue
		}
		out = append(out, fmt.Sprintf("%s {%v %v} @%d", key, r.Vals[ni], r.Vals[namei], r.Rowtime))
	}
	o.out = nil
	return out
}

// subscriptions lists the subscription store as "fk→pk:INSTRUCTION".
func (o *opened) subscriptions(tb testing.TB) string {
	tb.Helper()
	it := o.db.Prefix(o.j.subT, nil)
	defer it.Close()
	var out []string
	for ; it.Valid(); it.Next() {
		k := it.Key()
		n := int(k[0])<<24 | int(k[1])<<16 | int(k[2])<<8 | int(k[3])
		fk, err1 := exec.DecodeKey(k[4 : 4+n])
		pk, err2 := exec.DecodeKey(k[4+n:])
		if err1 != nil || err2 != nil {
			tb.Fatal(err1, err2)
		}
		out = append(out, fmt.Sprintf("%v→%v:%s", fk[0], pk[0], Instruction(it.Value()[16])))
	}
	if err := it.Err(); err != nil {
		tb.Fatal(err)
	}
	return strings.Join(out, " ")
}
