package planner

import (
	"strings"
	"testing"

	"github.com/rql/rql/format"
	"github.com/rql/rql/sqltypes"
)

// TestFormatErrNotWrappedTwice checks that a format error already worded
// as ksqlDB's "Key format does not support schema." keeps that wording once.
func TestFormatErrNotWrappedTwice(t *testing.T) {
	cols := []sqltypes.Column{
		{Name: "K1", Type: sqltypes.Int, NS: sqltypes.NSKey},
		{Name: "K2", Type: sqltypes.Int, NS: sqltypes.NSKey},
	}
	_, ferr := format.NewKeySerde(format.Kafka, cols, format.Options{})
	if ferr == nil {
		t.Fatal("KAFKA accepted a two-column key")
	}
	got := formatErr("Key", format.Kafka, cols, ferr).Error()
	want := "Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`K1` INTEGER KEY, `K2` INTEGER KEY], features=[]}\nreason: The 'KAFKA' format only supports a single field."
	if !strings.Contains(got, want) || strings.Count(got, "does not support schema") != 1 {
		t.Fatalf("got %q, want it to contain %q once", got, want)
	}
}
