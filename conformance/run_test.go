package conformance

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/exec/driver"
	"github.com/rql/rql/sqltypes"
)

func loadOne(t *testing.T, line string) *Case {
	t.Helper()
	cases, err := Load(strings.NewReader(line))
	if err != nil || len(cases) != 1 {
		t.Fatalf("load: %v (%d cases)", err, len(cases))
	}
	return cases[0]
}

func TestRun(t *testing.T) {
	val := []sqltypes.Column{{Name: "V", Type: sqltypes.DecimalOf(6, 2)}}
	doubleV := func(r driver.Record) driver.Record {
		r.Value = []byte(strings.ReplaceAll(string(r.Value), "1.50", "3.00"))
		return r
	}
	tests := []struct {
		name      string
		line      string
		transform func(driver.Record) driver.Record
		status    Status
		reason    string // substring of the reason
	}{
		{
			name:   "identity passes",
			line:   `{"id":"p","statements":["CREATE"],"inputs":[{"topic":"input","key":"a","value":{"v":1.50},"timestamp":5}],"outputs":[{"topic":"OUTPUT","key":"a","value":{"V":1.50},"timestamp":5}]}`,
			status: Pass,
		},
		{
			name:      "value differs",
			line:      `{"id":"p","statements":["CREATE"],"inputs":[{"topic":"input","key":"a","value":{"V":1.50}}],"outputs":[{"topic":"OUTPUT","key":"a","value":{"V":1.50},"timestamp":null}]}`,
			transform: doubleV,
			status:    Fail,
			reason:    `topic OUTPUT: record 1 of 1 (got 1): value.V: expected 1.50, got 3.00`,
		},
		{
			name:   "decimal scale differs",
			line:   `{"id":"p","statements":["CREATE"],"inputs":[{"topic":"input","key":"a","value":{"V":1.5}}],"outputs":[{"topic":"OUTPUT","key":"a","value":{"V":1.50}}]}`,
			status: Fail,
			reason: `value.V: expected 1.50, got 1.5`,
		},
		{
			name:   "timestamp differs",
			line:   `{"id":"p","statements":["CREATE"],"inputs":[{"topic":"input","key":"a","value":{"V":1}}],"outputs":[{"topic":"OUTPUT","key":"a","value":{"V":1},"timestamp":7}]}`,
			status: Fail,
			reason: `timestamp: expected 7, got 0`,
		},
		{
			name:   "missing record",
			line:   `{"id":"p","statements":["CREATE"],"inputs":[{"topic":"input","key":"a","value":{"V":1}}],"outputs":[{"topic":"OUTPUT","key":"a","value":{"V":1}},{"topic":"OUTPUT","key":"b","value":{"V":2}}]}`,
			status: Fail,
			reason: `topic OUTPUT: expected 2 records, got 1; first missing: {"topic":"OUTPUT","key":"b"`,
		},
		{
			name:   "extra record",
			line:   `{"id":"p","statements":["CREATE"],"inputs":[{"topic":"input","key":"a","value":{"V":1}},{"topic":"input","key":"b","value":null}],"outputs":[{"topic":"OUTPUT","key":"a","value":{"V":1}}]}`,
			status: Fail,
			reason: `first extra: {"topic":"OUTPUT","key":"b","value":null`,
		},
		{
			name:   "key differs",
			line:   `{"id":"p","statements":["CREATE"],"inputs":[{"topic":"input","key":"a","value":{"V":1}}],"outputs":[{"topic":"OUTPUT","key":"b","value":{"V":1}}]}`,
			status: Fail,
			reason: `key: expected "b", got "a"`,
		},
		{
			name:   "statement fails",
			line:   `{"id":"p","statements":["CREATE","FAIL"],"outputs":[{"topic":"OUTPUT","key":"b","value":{"V":1}}]}`,
			status: Fail,
			reason: `statement 2 failed: RQL-B0001: line 1, column 8: Column 'X' cannot be resolved.`,
		},
		{
			name:   "expected error matches",
			line:   `{"id":"p","statements":["CREATE","FAIL"],"expected_error":{"type":"x","message":"cannot be resolved"}}`,
			status: Pass,
		},
		{
			name:   "expected error differs",
			line:   `{"id":"p","statements":["FAIL"],"expected_error":{"type":"x","message":"something else"}}`,
			status: Fail,
			reason: `statement 1 failed with "RQL-B0001: line 1, column 8: Column 'X' cannot be resolved."; expected an error containing "something else"`,
		},
		{
			name:   "expected error never happens",
			line:   `{"id":"p","statements":["CREATE"],"expected_error":{"type":"x","message":"boom"}}`,
			status: Fail,
			reason: `expected an error containing "boom", but every statement succeeded`,
		},
		{
			name:   "panic is an error",
			line:   `{"id":"p","statements":["PANIC"]}`,
			status: Error,
			reason: "panic: boom",
		},
		{
			name:   "timeout is an error",
			line:   `{"id":"p","statements":["HANG"]}`,
			status: Error,
			reason: "timeout after",
		},
		{
			name:   "headers compared when expected",
			line:   `{"id":"p","statements":["CREATE"],"inputs":[{"topic":"input","key":"a","value":{"V":1},"headers":[{"KEY":"h","VALUE":"IQ=="}]}],"outputs":[{"topic":"OUTPUT","key":"a","value":{"V":1},"headers":[{"KEY":"h","VALUE":"Iw=="}]}]}`,
			status: Fail,
			reason: `headers: expected [{"KEY":"h","VALUE":"Iw=="}], got [{"KEY":"h","VALUE":"IQ=="}]`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(jsonSource("INPUT", "input", "JSON", val...), jsonSource("OUTPUT", "OUTPUT", "JSON", val...))
			f.transform = tc.transform
			r := Runner{Engine: f.factory(), Timeout: 200 * time.Millisecond}
			res := r.Run(context.Background(), loadOne(t, tc.line))
			if res.Status != tc.status || !strings.Contains(res.Reason, tc.reason) {
				t.Fatalf("got %s %q\nwant %s %q", res.Status, res.Reason, tc.status, tc.reason)
			}
		})
	}
}

func TestRunDelimitedAndUnknownTopics(t *testing.T) {
	// DELIMITED values are raw strings on both sides; a topic without a
	// source is written and read as raw JSON text.
	f := newFake(jsonSource("INPUT", "input", "DELIMITED"), jsonSource("OUTPUT", "OUTPUT", "DELIMITED"))
	r := Runner{Engine: f.factory()}
	c := loadOne(t, `{"id":"d","statements":["CREATE"],"inputs":[{"topic":"input","key":"a","value":"1,x"},{"topic":"other","key":1,"value":{"A":1}}],"outputs":[{"topic":"OUTPUT","key":"a","value":"1,x"},{"topic":"other","key":1,"value":{"A":1}}]}`)
	if res := r.Run(context.Background(), c); res.Status != Pass {
		t.Fatalf("got %s %q", res.Status, res.Reason)
	}
	if got := string(f.topics["input"][0].Value); got != "1,x" {
		t.Errorf("DELIMITED input encoded as %q", got)
	}
	if got := string(f.topics["other"][0].Key); got != "1" {
		t.Errorf("raw key encoded as %q", got)
	}
}

func TestProcessingLogSatisfiesExpectedError(t *testing.T) {
	f := newFake()
	f.log = []driver.LogEntry{{Reason: "Fatal user code error in TimestampExtractor callback for record"}}
	r := Runner{Engine: f.factory()}
	c := loadOne(t, `{"id":"e","statements":["CREATE"],"expected_error":{"message":"Fatal user code error in TimestampExtractor"}}`)
	if res := r.Run(context.Background(), c); res.Status != Pass {
		t.Fatalf("got %s %q", res.Status, res.Reason)
	}
}
