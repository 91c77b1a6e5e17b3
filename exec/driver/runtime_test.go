package driver

import (
	"context"
	"strings"
	"testing"
)

// TestDescribeExtendedEnrichStats: DESCRIBE EXTENDED of a stream written
// by a query with ENRICH USING ASYNC lists the enrichment's counters, and
// EXPLAIN ANALYZE adds them to the plan; a synchronous enrichment has
// none, and EXPLAIN ANALYZE of a statement is refused.
func TestDescribeExtendedEnrichStats(t *testing.T) {
	d, _ := enrichDriver(t)
	run(t, d, `CREATE STREAM OUT AS SELECT id, g FROM reqs
  ENRICH USING ASYNC geo(ip) AS g WITH (workers=2, on_failure='drop', retry='fixed(2, 1ms)') EMIT CHANGES;
CREATE STREAM SYNCOUT AS SELECT id, g FROM reqs ENRICH USING geo(ip) AS g WITH (on_failure='drop') EMIT CHANGES;`)
	produceIPs(t, d, "1.1.1.1", "bad1", "flaky1", "4.4.4.4")

	fields := map[string]string{}
	for _, r := range run(t, d, "DESCRIBE OUT EXTENDED;")[0].Rows {
		fields[r[1]] = r[2]
	}
	// bad1: 3 attempts, then dropped; flaky1: 1 retry.
	for f, want := range map[string]string{
		"Enrichment geo AS G submitted": "4",
		"Enrichment geo AS G emitted":   "4",
		"Enrichment geo AS G calls":     "7",
		"Enrichment geo AS G retries":   "3",
		"Enrichment geo AS G failures":  "fail=0 drop=1 log=0 null=0 dlq=0",
		"Enrichment geo AS G in flight": "0 (max 1)",
	} {
		if fields[f] != want {
			t.Errorf("%s = %q, want %q", f, fields[f], want)
		}
	}
	if !strings.HasPrefix(fields["Enrichment geo AS G latency"], "p50=") {
		t.Errorf("latency row: %q", fields["Enrichment geo AS G latency"])
	}
	for _, r := range run(t, d, "DESCRIBE SYNCOUT EXTENDED; DESCRIBE OUT;")[0].Rows {
		if strings.HasPrefix(r[1], "Enrichment") {
			t.Errorf("unexpected row %q", r)
		}
	}

	ex := run(t, d, "EXPLAIN ANALYZE CSAS_OUT_0;")[0]
	if !strings.Contains(ex.Message, "enrichment geo AS G: in-flight=0 (max 1) submitted=4 emitted=4 calls=7 retries=3") {
		t.Errorf("EXPLAIN ANALYZE:\n%s", ex.Message)
	}
	if plain := run(t, d, "EXPLAIN CSAS_OUT_0;")[0]; strings.Contains(plain.Message, "Runtime") {
		t.Errorf("EXPLAIN without ANALYZE shows runtime figures:\n%s", plain.Message)
	}
	if _, err := d.Execute(context.Background(), "EXPLAIN ANALYZE SELECT * FROM reqs EMIT CHANGES;"); err == nil ||
		!strings.Contains(err.Error(), "not supported yet") {
		t.Errorf("EXPLAIN ANALYZE <statement>: %v", err)
	}
}
