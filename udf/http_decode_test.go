package udf

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/rql/rql/sqltypes"
)

// slowExtract is decode's general path: the whole body decoded, then the
// response path followed.
func slowExtract(body []byte, path []string) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var x any
	if dec.Decode(&x) != nil {
		return nil, false
	}
	for _, seg := range path {
		m, ok := x.(map[string]any)
		if !ok {
			if x == nil {
				return nil, true
			}
			return nil, false
		}
		x = lookupFold(m, seg)
	}
	return x, true
}

// The fast path agrees with the general one whenever it answers.
func TestExtractMatchesGeneralDecode(t *testing.T) {
	bodies := []string{
		`{"y": 1}`, ` {"y" : -1.5e3 } `, `{"Y": "a\u00e9\"b"}`, `{"y": true}`, `{"y": false}`, `{"y": null}`,
		`{"data": {"Country": "FR", "scores": [1, "2"], "n": {"deep": 12345678901234567890}}}`,
		`{"data": null}`, `{"data": 3}`, `{"data": [1, 2]}`, `[1, 2]`, `"top"`, `42`, `null`, `{}`,
		`{"y": 1} trailing`, `{"y": 1}{"y": 2}`, `{"y": 01}`, `{"y": 1`, `{"y": 1, "y": 2}`, `{"y": 1}` + "\n",
		`{"data": {"n": {"deep": [true, {"x": 1.0}]}}}`,
		`{"a\"b": 1, "y": "}{"}`, `{"\u0079": 5}`, `{"Y": 1, "Y": 2}`, `{"y": "caf\u00e9"}`, `{"y": "café"}`,
		`{"data": {"x": "]}\\", "n": {"deep": 1}}, "y": [{"a": "["}]}`, "{\"y\": \"a\xffb\"}", `{"y":1e5}`,
	}
	paths := [][]string{nil, {"y"}, {"data"}, {"data", "country"}, {"data", "n", "deep"}, {"missing", "x"}}
	for _, b := range bodies {
		for _, p := range paths {
			h := &httpFunc{path: p}
			fast, ok := h.extract([]byte(b))
			if !ok {
				continue
			}
			slow, sok := slowExtract([]byte(b), p)
			if !sok || !reflect.DeepEqual(fast, slow) {
				t.Errorf("body %s path %v: fast %#v, general %#v (ok %v)", b, p, fast, slow, sok)
			}
		}
	}
	// The common lookup shape takes the fast path.
	if _, ok := (&httpFunc{path: []string{"y"}}).extract([]byte(`{"y": 1}`)); !ok {
		t.Error(`{"y": 1} did not take the fast path`)
	}
}

func TestDecodeResponse(t *testing.T) {
	h := &httpFunc{name: "F", path: []string{"data", "n"}, ret: sqltypes.Bigint}
	for body, want := range map[string]sqltypes.Value{
		`{"data": {"N": 7}}`: int64(7), `{"data": {"n": "8"}}`: int64(8), `{"data": null}`: nil,
		`{"other": 1}`: nil, `  `: nil, `{"data": {"n": 9}} trailing`: int64(9),
	} {
		got, err := h.decode([]byte(body))
		if err != nil || got != want {
			t.Errorf("%s: %v, %v; want %v", body, got, err, want)
		}
	}
	for _, body := range []string{`{"data": 3}`, `{"data": {"n": "x"}}`, `{"data": `} {
		if _, err := h.decode([]byte(body)); err == nil {
			t.Errorf("%s: no error", body)
		}
	}
}

func TestReadBody(t *testing.T) {
	long := strings.Repeat("x", 3000)
	for _, c := range []struct {
		body   string
		length int64
		max    int64
		want   int
	}{
		{`{"y": 1}`, 8, 1 << 20, 8},
		{`{"y": 1}`, -1, 1 << 20, 8},
		{long, -1, 1 << 20, 3000},
		{long, 3000, 1 << 20, 3000},
		{long, 3000, 100, 101},
		{long, -1, 100, 101},
		{long, 10, 1 << 62, 3000}, // a wrong announced length only sizes the buffer
		{long, -1, 1<<63 - 1, 3000},
	} {
		r := iotest.HalfReader(strings.NewReader(c.body)) // short reads
		b, err := readBody(r, c.length, c.max)
		if err != nil || len(b) != c.want || string(b) != c.body[:c.want] {
			t.Errorf("len %d announced %d max %d: read %d bytes, %v; want %d", len(c.body), c.length, c.max, len(b), err, c.want)
		}
	}
	if _, err := readBody(iotest.ErrReader(io.ErrUnexpectedEOF), -1, 10); err != io.ErrUnexpectedEOF {
		t.Errorf("error not returned: %v", err)
	}
}
