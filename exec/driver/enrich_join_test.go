package driver

import (
	"context"
	"strings"
	"testing"

	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// TestEnrichAfterJoin checks that ENRICH applies to the joined rows: its
// arguments may name columns of both sides and WHERE may read the alias.
func TestEnrichAfterJoin(t *testing.T) {
	reg := udf.Builtins()
	if err := udf.RegisterGoFunc(reg, "LABEL", []udf.Param{{Name: "a", Type: sqltypes.String}, {Name: "b", Type: sqltypes.String}},
		sqltypes.String, func(_ context.Context, args []sqltypes.Value) (sqltypes.Value, error) {
			return args[0].(string) + "@" + args[1].(string), nil
		}); err != nil {
		t.Fatal(err)
	}
	d, err := New(Options{Registry: reg, Now: func() int64 { return 1 }})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	run(t, d, `CREATE TABLE users (id STRING PRIMARY KEY, city STRING) WITH (kafka_topic='users', value_format='JSON');
		CREATE STREAM clicks (id STRING KEY, page STRING) WITH (kafka_topic='clicks', value_format='JSON');
		CREATE STREAM out AS SELECT c.id, e AS label FROM clicks c JOIN users u ON c.id = u.id
		  ENRICH USING label(c.page, u.city) AS e WHERE e <> 'skip@x' EMIT CHANGES;`)
	produce(t, d, "users", "u1", `{"CITY":"paris"}`, 1)
	produce(t, d, "users", "u2", `{"CITY":"x"}`, 1)
	produce(t, d, "clicks", "u1", `{"PAGE":"home"}`, 2)
	produce(t, d, "clicks", "u2", `{"PAGE":"skip"}`, 3)
	got := strings.Join(values(d, "OUT"), "\n")
	if got != `u1|{"LABEL":"home@paris"}` {
		t.Fatalf("output:\n%s", got)
	}
}
