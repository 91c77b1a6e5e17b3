package planner_test

import (
	"strings"
	"testing"

	"github.com/rql/rql/exec/build"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// enrichCatalog has a stream S and a user function GEO returning a STRUCT.
func enrichCatalog(t *testing.T) (*planner.Catalog, *udf.Registry) {
	t.Helper()
	cat := planner.NewCatalog(nil)
	reg := udf.Builtins()
	ret := sqltypes.StructOf(sqltypes.Field{Name: "COUNTRY", Type: sqltypes.String})
	if err := udf.RegisterGoFunc(reg, "geo", []udf.Param{{Name: "ip", Type: sqltypes.String}}, ret,
		udf.SyncFunc(func([]sqltypes.Value) (sqltypes.Value, error) { return nil, nil }), udf.GoAsync()); err != nil {
		t.Fatal(err)
	}
	plan(t, cat, reg, `CREATE STREAM S (ID STRING KEY, IP STRING) WITH (kafka_topic='s', value_format='JSON');`, true)
	return cat, reg
}

func plan(t *testing.T, cat *planner.Catalog, reg *udf.Registry, sql string, apply bool) (planner.StatementPlan, error) {
	t.Helper()
	stmts, err := parser.Parse(sql, parser.ParseOptions{})
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	p, err := planner.PlanStatementWith(cat, reg, stmts[0], nil, planner.PlanOptions{CheckEnrich: build.CheckEnrichOptions})
	if apply {
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		if cs, ok := p.(*planner.CreateSourcePlan); ok {
			cat.PutSource(cs.Source)
		}
	}
	return p, err
}

func TestEnrichErrors(t *testing.T) {
	const pre = "CREATE STREAM O AS SELECT ID, G FROM S "
	for _, tc := range []struct {
		enrich string
		code   rqlerr.Code
		col    int // column of the error (1-based, in the whole statement)
		msg    string
	}{
		{"ENRICH USING ASYNC nope(ip) AS g", rqlerr.BindUnknownFunction, len(pre) + 20, "Can't find any functions with the name 'NOPE'"},
		{"ENRICH USING ASYNC geo(ip) AS g WITH (wrokers=4)", rqlerr.EnrichOption, len(pre) + 39, "unknown ENRICH option wrokers"},
		{"ENRICH USING ASYNC geo(ip) AS g WITH (workers=4, order='sideways')", rqlerr.EnrichOption, len(pre) + 50, "invalid ENRICH option order=sideways"},
		{"ENRICH USING ASYNC geo(ip) AS g WITH (retry='fixed(x, 1s)')", rqlerr.EnrichOption, len(pre) + 39, "invalid ENRICH option retry"},
		{"ENRICH USING ASYNC geo(ip) AS g WITH (on_failure='dlq')", rqlerr.EnrichOption, len(pre) + 1, "needs dlq_topic"},
		{"ENRICH USING geo(ip) AS g WITH (workers=4)", rqlerr.EnrichOption, len(pre) + 33, "ENRICH option workers needs ENRICH USING ASYNC"},
		{"ENRICH USING ASYNC geo(nope) AS g", rqlerr.BindUnknownColumn, len(pre) + 24, "ENRICH column 'NOPE' cannot be resolved"},
		{"ENRICH USING ASYNC geo(ip) AS ip", rqlerr.BindInvalid, len(pre) + 1, "clashes with the column IP"},
		{"ENRICH USING ASYNC explode(array[ip]) AS g", rqlerr.BindInvalid, len(pre) + 20, "needs a scalar function"},
	} {
		t.Run(tc.enrich, func(t *testing.T) {
			cat, reg := enrichCatalog(t)
			_, err := plan(t, cat, reg, pre+tc.enrich+" EMIT CHANGES;", false)
			if err == nil {
				t.Fatal("no error")
			}
			e, ok := err.(*rqlerr.Error)
			if !ok || e.Code != tc.code || e.Pos.Line != 1 || e.Pos.Col != tc.col || !strings.Contains(e.Msg, tc.msg) {
				t.Fatalf("got %#v (%v); want %s at column %d containing %q", err, err, tc.code, tc.col, tc.msg)
			}
		})
	}
}

func TestEnrichPlan(t *testing.T) {
	cat, reg := enrichCatalog(t)
	p, err := plan(t, cat, reg, `CREATE STREAM O AS SELECT ID, G.COUNTRY AS A, G->COUNTRY AS B, G FROM S
  ENRICH USING ASYNC geo(ip) AS g WITH (workers=8, order='key') WHERE G->COUNTRY IS NOT NULL EMIT CHANGES;`, false)
	if err != nil {
		t.Fatal(err)
	}
	q := p.(*planner.CreateAsSelectPlan).Query
	want := "O(ID STRING KEY, A STRING, B STRING, G STRUCT<COUNTRY STRING>)"
	if got := schemaText(p.(*planner.CreateAsSelectPlan).Sink); got != want {
		t.Errorf("sink schema %s, want %s", got, want)
	}
	text := planner.Explain(q)
	for _, s := range []string{"enrich async", "call: GEO(IP)", "alias: G STRUCT<COUNTRY STRING>", "options: workers=8, order='key'"} {
		if !strings.Contains(text, s) {
			t.Errorf("EXPLAIN lacks %q:\n%s", s, text)
		}
	}
}

func schemaText(s *planner.Source) string {
	var parts []string
	for _, c := range s.Schema.Columns {
		p := c.Name + " " + c.Type.SQL()
		if c.NS == sqltypes.NSKey {
			p += " KEY"
		}
		parts = append(parts, p)
	}
	return s.Name + "(" + strings.Join(parts, ", ") + ")"
}

func TestCreateFunctionPlan(t *testing.T) {
	cat, reg := enrichCatalog(t)
	plan(t, cat, reg, `CREATE TYPE LOC AS STRUCT<city VARCHAR>;`, false)
	for _, tc := range []struct{ sql, err string }{
		{`CREATE FUNCTION abs(x INT) RETURNS INT USING HTTP WITH (url='http://x/');`, "cannot replace built-in function ABS"},
		{`CREATE FUNCTION geo(x INT) RETURNS INT USING HTTP WITH (url='http://x/');`, "already exists"},
		{`CREATE FUNCTION f(x INT) RETURNS INT USING HTTP WITH (method='GET');`, "property URL is required"},
		{`CREATE FUNCTION f(x INT) RETURNS INT USING HTTP WITH (url='http://x/', colour='red');`, "unknown property COLOUR"},
		{`DROP FUNCTION abs;`, "cannot drop built-in function ABS"},
		{`DROP FUNCTION nope;`, "Can't find any functions with the name 'NOPE'"},
	} {
		_, err := plan(t, cat, reg, tc.sql, false)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: got %v, want %q", tc.sql, err, tc.err)
		}
	}
	p, err := plan(t, cat, reg, `CREATE OR REPLACE FUNCTION geo(ip VARCHAR) RETURNS VARCHAR USING HTTP WITH (url='http://x/{ip}', method='GET');`, false)
	if err != nil {
		t.Fatal(err)
	}
	cf := p.(*planner.CreateFunctionPlan)
	if !cf.Replace || cf.Spec.Return != sqltypes.String || !strings.HasPrefix(cf.Spec.SQL, "CREATE OR REPLACE FUNCTION") {
		t.Fatalf("plan %+v", cf)
	}
}
