package conformance

import (
	"encoding/json"
	"strings"
	"testing"
)

const twoCases = `{"id":"a - one","area":"filter-project","statements":["CREATE STREAM S (K STRING KEY, V DECIMAL(6,4)) WITH (kafka_topic='input', value_format='JSON');"],"properties":{"ksql.x":false,"n":1},"inputs":[{"topic":"input","key":"k","value":{"V":10.0000}}],"outputs":[{"topic":"OUTPUT","key":"k","value":{"V":10.0000},"timestamp":null,"window":null}],"expected_error":null,"post":null}

{"id":"b - two","area":"joins","statements":["CREATE TABLE T (K INT PRIMARY KEY) WITH (kafka_topic='t', format='JSON');"],"inputs":[{"topic":"t","key":1,"value":null,"timestamp":12,"window":{"start":0,"end":10,"type":"time"},"headers":[{"KEY":"h","VALUE":"IQ=="}]}],"outputs":[],"expected_error":{"type":"x","message":"boom"}}
`

func TestLoad(t *testing.T) {
	cases, err := Load(strings.NewReader(twoCases))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 2 {
		t.Fatalf("got %d cases", len(cases))
	}
	a, b := cases[0], cases[1]
	v := a.Inputs[0].Value.(map[string]any)["V"]
	if n, ok := v.(json.Number); !ok || n.String() != "10.0000" {
		t.Errorf("decimal lost its text: %#v", v)
	}
	if ts, _ := a.Inputs[0].TimestampMillis(); ts != 0 || a.Outputs[0].Timestamp != nil {
		t.Errorf("missing/null timestamps: %v %v", ts, a.Outputs[0].Timestamp)
	}
	if p := a.PropertyStrings(); p["ksql.x"] != "false" || p["n"] != "1" {
		t.Errorf("properties = %v", p)
	}
	if ts, _ := b.Inputs[0].TimestampMillis(); ts != 12 {
		t.Errorf("timestamp = %d", ts)
	}
	if w := b.Inputs[0].Window; w == nil || w.End != 10 || w.Type != "time" {
		t.Errorf("window = %+v", w)
	}
	if h := b.Inputs[0].Headers; len(h) != 1 || h[0].Key != "h" || *h[0].Value != "IQ==" {
		t.Errorf("headers = %+v", h)
	}
	if b.ExpectedError == nil || b.ExpectedError.Message != "boom" {
		t.Errorf("expected_error = %+v", b.ExpectedError)
	}
	if got := Areas(cases); strings.Join(got, ",") != "filter-project,joins" {
		t.Errorf("Areas = %v", got)
	}
}

func TestLoadBadLine(t *testing.T) {
	_, err := Load(strings.NewReader("{\"id\":\"x\"}\n{oops\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("err = %v, want a line-2 error", err)
	}
}

func TestIsFoundation(t *testing.T) {
	tests := []struct {
		sql  string
		want bool
	}{
		{"CREATE STREAM S AS SELECT * FROM T WHERE X > 1;", true},
		{"CREATE STREAM S AS SELECT WINDOWSTART AS W FROM T;", true},
		{"create table t as select k, count(*) from s group  by k;", false},
		{"CREATE STREAM S AS SELECT * FROM A JOIN B WITHIN 1 SECOND ON A.K = B.K;", false},
		{"CREATE TABLE T (K INT PRIMARY KEY) WITH (kafka_topic='t', format='JSON');", false},
		{"CREATE SOURCE TABLE T (K INT PRIMARY KEY) WITH (kafka_topic='t', format='JSON');", false},
		{"CREATE STREAM S AS SELECT * FROM T WINDOW TUMBLING (SIZE 1 SECOND);", false},
	}
	for _, tc := range tests {
		if got := IsFoundation(&Case{Statements: []string{tc.sql}}); got != tc.want {
			t.Errorf("IsFoundation(%q) = %v, want %v", tc.sql, got, tc.want)
		}
	}
}
