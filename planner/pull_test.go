package planner

import (
	"strings"
	"testing"

	"github.com/rql/rql/udf"
)

// TestPullLookupKinds checks the lookup chosen for each WHERE form, and
// ksqlDB's errors when table or range scans are disabled.
func TestPullLookupKinds(t *testing.T) {
	ddl := `CREATE STREAM S (ID INT KEY, REGION STRING, V INT) WITH (kafka_topic='s', value_format='JSON');
CREATE TABLE T AS SELECT REGION, COUNT(*) AS N FROM S GROUP BY REGION;
CREATE TABLE M WITH (key_format='JSON') AS SELECT REGION, ID, COUNT(*) AS N FROM S GROUP BY REGION, ID;`
	cases := []struct {
		sql   string
		props map[string]string
		kind  PullLookupKind
		keys  int
		err   string
	}{
		{sql: `SELECT * FROM T WHERE REGION = 'a';`, kind: LookupKeys, keys: 1},
		{sql: `SELECT * FROM T WHERE 'a' = REGION;`, kind: LookupKeys, keys: 1},
		{sql: `SELECT * FROM T WHERE REGION IN ('a', 'b') AND N > 1;`, kind: LookupKeys, keys: 2},
		{sql: `SELECT * FROM T WHERE NOT (REGION NOT IN ('a'));`, kind: LookupKeys, keys: 1},
		{sql: `SELECT * FROM T WHERE REGION BETWEEN 'a' AND 'c';`, kind: LookupRange},
		{sql: `SELECT * FROM T WHERE REGION > 'a';`, props: map[string]string{PropPullRangeScan: "false"}, kind: LookupScan},
		{sql: `SELECT * FROM T WHERE REGION = 'a' OR N > 2;`, kind: LookupScan},
		{sql: `SELECT * FROM T WHERE REGION <> 'a';`, kind: LookupScan},
		{sql: `SELECT * FROM T;`, kind: LookupScan},
		{sql: `SELECT * FROM M WHERE REGION = 'a' AND ID = 1 OR REGION = 'b' AND ID = 2;`, kind: LookupKeys, keys: 2},
		{sql: `SELECT * FROM T;`, props: map[string]string{PropPullTableScan: "false"},
			err: "Query requires table scan to be enabled. Table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true"},
		{sql: `SELECT * FROM T WHERE N = 1;`, props: map[string]string{PropPullTableScan: "false"},
			err: "line 1, column 23: WHERE clause missing key column for disjunct: (N = 1).  See https://cnfl.io/queries"},
		{sql: `SELECT * FROM T WHERE REGION <> 'a';`, props: map[string]string{PropPullTableScan: "false"},
			err: "Bound on key columns '[`REGION` STRING KEY]' must currently be '='"},
		{sql: `SELECT * FROM T WHERE REGION = 'a' OR REGION = CAST(N AS STRING);`, props: map[string]string{PropPullTableScan: "false"},
			err: "A comparison must be between a key column and a resolvable expression"},
		{sql: `SELECT * FROM T WHERE REGION = 'a' AND REGION IN ('b');`, props: map[string]string{PropPullTableScan: "false"},
			err: "A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate"},
		{sql: `SELECT * FROM M WHERE REGION = 'a';`, props: map[string]string{PropPullTableScan: "false"},
			err: "Multi-column sources must specify every key in the WHERE clause. Specified: [`REGION`] Expected: [`REGION` STRING KEY, `ID` INTEGER KEY]"},
		{sql: `SELECT * FROM T LIMIT 1;`, props: map[string]string{PropPullLimitClause: "false"},
			err: "LIMIT clause in pull queries is currently disabled."},
		{sql: `SELECT * FROM T HAVING COUNT(*) > 1;`, err: "Pull queries don't support HAVING clauses."},
		{sql: `SELECT * FROM S PARTITION BY V;`, err: "Pull queries don't support PARTITION BY clauses."},
	}
	for _, c := range cases {
		cat := NewCatalog(c.props)
		if _, err := planAll(t, cat, udf.Builtins(), ddl); err != nil {
			t.Fatal(err)
		}
		ps, err := planAll(t, cat, udf.Builtins(), c.sql)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: got %v, want %q", c.sql, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.sql, err)
			continue
		}
		p := ps[0].(*PullPlan)
		if p.Lookup.Kind != c.kind || len(p.Lookup.Keys) != c.keys {
			t.Errorf("%s: got %s with %d keys, want %s with %d", c.sql, p.Lookup.Kind, len(p.Lookup.Keys), c.kind, c.keys)
		}
	}
}
