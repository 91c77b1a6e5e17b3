package engine_test

import (
	"context"
	"strings"
	"testing"
)

// CREATE / SHOW / DESCRIBE / DROP FUNCTION through the Kafka engine.
func TestUserFunctionStatements(t *testing.T) {
	b := startBroker(t, 1)
	e := newEngine(t, b.Addr(), nil)
	ctx := context.Background()
	res, err := e.Execute(ctx, `CREATE FUNCTION geo(ip VARCHAR) RETURNS VARCHAR USING HTTP WITH (url='http://geo/{ip}', method='GET');
SHOW FUNCTIONS; DESCRIBE FUNCTION geo; DROP FUNCTION geo;`)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Message != "Function GEO created" || res[3].Message != "Dropped function GEO" {
		t.Fatalf("results %+v", res)
	}
	found := false
	for _, r := range res[1].Rows {
		found = found || (r[0] == "GEO" && r[1] == "USER")
	}
	if !found || !strings.HasPrefix(res[2].Message, "CREATE FUNCTION geo") {
		t.Fatalf("show %v / describe %q", res[1].Rows, res[2].Message)
	}
	if _, err := e.Execute(ctx, `DROP FUNCTION geo;`); err == nil {
		t.Fatal("dropped twice")
	}
}
