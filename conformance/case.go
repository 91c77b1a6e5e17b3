package conformance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Case is one test case: statements to run, records to feed, records to
// expect (or an error to expect) and post-conditions. Its JSON form is one
// line of the corpus (fields the runner does not need are ignored).
//
// Every number inside Key, Value and Timestamp is a json.Number, so that
// DECIMAL values keep their written scale.
type Case struct {
	ID         string         `json:"id"`
	File       string         `json:"file"`
	Name       string         `json:"name"`
	Area       string         `json:"area"`
	Tags       []string       `json:"tags"`
	Statements []string       `json:"statements"`
	Properties map[string]any `json:"properties"`
	Inputs     []Record       `json:"inputs"`
	Outputs    []Record       `json:"outputs"`
	// ExpectedError is set for negative cases: running the statements (or,
	// failing that, processing the inputs) must fail with a message
	// containing ExpectedError.Message.
	ExpectedError *ExpectedError `json:"expected_error"`
	Post          *Post          `json:"post"`
	InsertsOnly   bool           `json:"inserts_only"`
}

// Record is an input or expected output record as written in test files.
// Key and Value are JSON values (nil is a null key or a tombstone).
type Record struct {
	Topic string `json:"topic"`
	Key   any    `json:"key"`
	Value any    `json:"value"`
	// Timestamp: nil means 0 for an input and "not checked" for an output.
	Timestamp *json.Number `json:"timestamp"`
	// Window, when set, is the window of a windowed key.
	Window *Window `json:"window"`
	// Headers: nil means "not checked" for an output.
	Headers []Header `json:"headers"`
}

// Window is a record's window as test files write it ("type": "time" or
// "session").
type Window struct {
	Start int64  `json:"start"`
	End   int64  `json:"end"`
	Type  string `json:"type"`
}

// Header is a record header; Value is base64 (nil for a null value).
type Header struct {
	Key   string  `json:"KEY"`
	Value *string `json:"VALUE"`
}

// ExpectedError is what a negative case expects.
type ExpectedError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// Post holds the post-conditions of a case.
type Post struct {
	Sources []PostSource `json:"sources"`
}

// PostSource is the expected shape of a source after the statements ran.
// Schema is written like "ID INT KEY, NAME STRING"; KeyFormat is an object
// ({"format": "KAFKA", ...}) and ValueFormat a string or an object.
type PostSource struct {
	Name          string          `json:"name"`
	Type          string          `json:"type"`
	Schema        *string         `json:"schema"`
	KeyFormat     json.RawMessage `json:"keyFormat"`
	ValueFormat   json.RawMessage `json:"valueFormat"`
	ValueFeatures []string        `json:"valueFeatures"`
}

// TimestampMillis returns r's timestamp (0 when unset).
func (r *Record) TimestampMillis() (int64, error) {
	if r.Timestamp == nil {
		return 0, nil
	}
	return parseMillis(*r.Timestamp)
}

func parseMillis(n json.Number) (int64, error) {
	if v, err := n.Int64(); err == nil {
		return v, nil
	}
	f, err := n.Float64()
	if err != nil {
		return 0, fmt.Errorf("timestamp %q is not a number", n.String())
	}
	return int64(f), nil
}

// PropertyStrings returns the case's properties as strings (bools print
// as true/false, numbers as written).
func (c *Case) PropertyStrings() map[string]string {
	out := make(map[string]string, len(c.Properties))
	for k, v := range c.Properties {
		out[k] = fmt.Sprint(v)
	}
	return out
}

// LoadFile reads a corpus file: one JSON case per line.
func LoadFile(path string) ([]*Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cases, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cases, nil
}

// Load reads cases, one JSON object per line (blank lines are skipped).
// Numbers are decoded as json.Number.
func Load(r io.Reader) ([]*Case, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	var out []*Case
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		c := new(Case)
		if err := decodeJSON(b, c); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, c)
	}
	return out, sc.Err()
}

// decodeJSON decodes data into v with UseNumber.
func decodeJSON(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("unexpected data after the JSON value")
	}
	return nil
}

// Areas returns the distinct areas of cases, sorted.
func Areas(cases []*Case) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range cases {
		if !seen[c.Area] {
			seen[c.Area] = true
			out = append(out, c.Area)
		}
	}
	sort.Strings(out)
	return out
}

// LoadIDs reads a list of case ids, one per line; blank lines and lines
// starting with '#' are ignored.
func LoadIDs(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			ids = append(ids, l)
		}
	}
	return ids, nil
}
