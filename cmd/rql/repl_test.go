package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
)

// scriptEngine answers SHOW with a table and fails on anything else.
type scriptEngine struct{}

func (scriptEngine) Execute(_ context.Context, sql string) ([]driver.Result, error) {
	if strings.HasPrefix(sql, "SHOW") {
		return []driver.Result{{Kind: "SHOW_STREAMS", Columns: []string{"Stream Name", "Kafka Topic"}, Rows: [][]string{{"S", "s"}}}}, nil
	}
	return []driver.Result{{Kind: "CREATE_STREAM", Message: "Stream created"}},
		rqlerr.At(rqlerr.ParseSyntax, rqlerr.Pos{Line: 2, Col: 8}, "Syntax error at or near 'FORM'")
}
func (scriptEngine) Produce(context.Context, driver.Record) error { return nil }
func (scriptEngine) Records(string) []driver.Record               { return nil }
func (scriptEngine) Topics() []string                             { return nil }
func (scriptEngine) ProcessingLog() []driver.LogEntry             { return nil }
func (scriptEngine) SourceByName(string) (*planner.Source, bool)  { return nil, false }
func (scriptEngine) SourcesForTopic(string) []*planner.Source     { return nil }

func TestRunScript(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := runScript(context.Background(), driverShell{scriptEngine{}}, "SHOW STREAMS;", &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Stream Name") || !strings.Contains(out.String(), "Kafka Topic") {
		t.Errorf("table:\n%s", out.String())
	}
	out.Reset()
	sql := "CREATE STREAM S (A INT) WITH (kafka_topic='s', value_format='JSON');\nSELECT FORM S;"
	err := runScript(context.Background(), driverShell{scriptEngine{}}, sql, &out, &errOut)
	if _, ok := err.(exitError); !ok {
		t.Fatalf("err = %v, want exitError", err)
	}
	if out.String() != "Stream created\n" {
		t.Errorf("out = %q", out.String())
	}
	want := "RQL-P0001: line 2, column 8: Syntax error at or near 'FORM'\nSELECT FORM S;\n       ^\n"
	if errOut.String() != want {
		t.Errorf("error output:\n%s\nwant:\n%s", errOut.String(), want)
	}
}
