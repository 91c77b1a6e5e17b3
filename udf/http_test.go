package udf

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

var geoType = sqltypes.StructOf(
	sqltypes.Field{Name: "COUNTRY", Type: sqltypes.String},
	sqltypes.Field{Name: "CITY", Type: sqltypes.String},
	sqltypes.Field{Name: "SCORES", Type: sqltypes.ArrayOf(sqltypes.Int)},
)

// geoServer answers like a lookup API and records what it received.
type seen struct {
	method, path, query, body, idem, auth string
}

func geoServer(t *testing.T, got *seen) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		*got = seen{r.Method, r.URL.Path, r.URL.RawQuery, string(b), r.Header.Get("Idempotency-Key"), r.Header.Get("Authorization")}
		switch {
		case strings.HasSuffix(r.URL.Path, "/busy"):
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusTooManyRequests)
		case strings.HasSuffix(r.URL.Path, "/down"):
			w.WriteHeader(http.StatusServiceUnavailable)
		case strings.HasSuffix(r.URL.Path, "/missing"):
			http.Error(w, "no such ip", http.StatusNotFound)
		case strings.HasSuffix(r.URL.Path, "/bad"):
			io.WriteString(w, `{"Country": 42, "scores": "x"}`)
		case strings.HasSuffix(r.URL.Path, "/hang"):
			<-r.Context().Done()
		default:
			io.WriteString(w, `{"data": {"Country": "FR", "city": "Paris", "scores": [1, "2"], "extra": true}}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newGeo(t *testing.T, props map[string]any) *FuncDef {
	t.Helper()
	def, err := NewUserFunc(UserFuncSpec{Name: "GEOIP", Using: "HTTP", Return: geoType, Props: props,
		Params: []Param{{Name: "IP", Type: sqltypes.String}, {Name: "N", Type: sqltypes.Int}}})
	if err != nil {
		t.Fatal(err)
	}
	return def
}

func TestHTTPFuncCall(t *testing.T) {
	var got seen
	srv := geoServer(t, &got)
	want := &sqltypes.Struct{Vals: []sqltypes.Value{"FR", "Paris", []sqltypes.Value{int32(1), int32(2)}}}
	cases := []struct {
		name  string
		props map[string]any
		want  seen
	}{
		{"post json body", map[string]any{"url": srv.URL + "/v1/lookup", "response_path": "data", "headers": "Authorization: Bearer k"},
			seen{method: "POST", path: "/v1/lookup", body: `{"ip":"1.2.3.4","n":7}`, idem: "q1-3-42", auth: "Bearer k"}},
		{"get with template", map[string]any{"URL": srv.URL + "/v1/{ip}", "METHOD": "get", "RESPONSE_PATH": "$.data"},
			seen{method: "GET", path: "/v1/1.2.3.4", query: "n=7", idem: "q1-3-42"}},
		{"post with template", map[string]any{"url": srv.URL + "/v1/{IP}/geo", "response_path": "data", "idempotency_header": ""},
			seen{method: "POST", path: "/v1/1.2.3.4/geo", body: `{"n":7}`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			def := newGeo(t, c.props)
			ec := &EvalContext{Ctx: context.Background(), IdempotencyKey: "q1-3-42"}
			v, err := def.Variants[0].Eval(ec, []sqltypes.Value{"1.2.3.4", int32(7)})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(v, want) {
				t.Errorf("value %#v, want %#v", v, want)
			}
			if got != c.want {
				t.Errorf("request %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestHTTPFuncErrors(t *testing.T) {
	var got seen
	srv := geoServer(t, &got)
	cases := []struct {
		path      string
		code      rqlerr.Code
		retry     bool
		after     time.Duration
		timeoutMs int64
	}{
		{"/busy", rqlerr.UserFuncUnavailable, true, 2 * time.Second, 0},
		{"/down", rqlerr.UserFuncUnavailable, true, 0, 0},
		{"/missing", rqlerr.UserFuncStatus, false, 0, 0},
		{"/bad", rqlerr.UserFuncResponse, false, 0, 0},
		{"/hang", rqlerr.UserFuncUnavailable, true, 0, 50},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			props := map[string]any{"url": srv.URL + c.path}
			if c.timeoutMs > 0 {
				props["timeout"] = c.timeoutMs
			}
			_, err := newGeo(t, props).Variants[0].Eval(&EvalContext{}, []sqltypes.Value{"x", int32(1)})
			if !errors.Is(err, c.code) {
				t.Fatalf("err %v, want code %s", err, c.code)
			}
			retry, after := Retryable(err)
			if retry != c.retry || after != c.after {
				t.Errorf("Retryable = %v, %v; want %v, %v", retry, after, c.retry, c.after)
			}
		})
	}
}

func TestHTTPFuncDefinitionErrors(t *testing.T) {
	cases := []map[string]any{
		{},
		{"url": "ftp://x/y"},
		{"url": "http://h/{nope}"},
		{"url": "http://h/", "colour": "red"},
		{"url": "http://h/", "method": "TRACE"},
		{"url": "http://h/", "timeout": "soon"},
		{"url": "http://h/", "headers": "no colon"},
	}
	for _, props := range cases {
		_, err := NewUserFunc(UserFuncSpec{Name: "F", Using: "HTTP", Return: sqltypes.String, Props: props,
			Params: []Param{{Name: "A", Type: sqltypes.String}}})
		if !errors.Is(err, rqlerr.UserFuncDefinition) {
			t.Errorf("%v: err %v, want UserFuncDefinition", props, err)
		}
	}
}

func TestFromJSONValue(t *testing.T) {
	dec := func(s string) any {
		d := json.NewDecoder(strings.NewReader(s))
		d.UseNumber()
		var x any
		if err := d.Decode(&x); err != nil {
			t.Fatal(err)
		}
		return x
	}
	cases := []struct {
		json string
		typ  *sqltypes.Type
		want sqltypes.Value
		err  bool
	}{
		{`12`, sqltypes.Bigint, int64(12), false},
		{`"12"`, sqltypes.Int, int32(12), false},
		{`12.5`, sqltypes.Int, nil, true},
		{`3000000000`, sqltypes.Int, nil, true},
		{`1.5`, sqltypes.Double, 1.5, false},
		{`1.25`, sqltypes.DecimalOf(4, 2), sqltypes.NewDecimal(125, 2), false},
		{`true`, sqltypes.Boolean, true, false},
		{`{"a":1}`, sqltypes.String, `{"a":1}`, false},
		{`"2024-01-02T03:04:05Z"`, sqltypes.TimestampT, sqltypes.Timestamp(1704164645000), false},
		{`"1970-01-03"`, sqltypes.DateT, sqltypes.Date(2), false},
		{`"00:00:01.5"`, sqltypes.TimeT, sqltypes.Time(1500), false},
		{`"aGk="`, sqltypes.Bytes, []byte("hi"), false},
		{`null`, sqltypes.String, nil, false},
		{`[1,null]`, sqltypes.ArrayOf(sqltypes.Bigint), []sqltypes.Value{int64(1), nil}, false},
		{`{"k":2}`, sqltypes.MapOf(sqltypes.String, sqltypes.Int), &sqltypes.Map{Keys: []sqltypes.Value{"k"}, Vals: []sqltypes.Value{int32(2)}}, false},
		{`{"K":[]}`, sqltypes.StructOf(sqltypes.Field{Name: "k", Type: sqltypes.ArrayOf(sqltypes.Int)}), &sqltypes.Struct{Vals: []sqltypes.Value{[]sqltypes.Value{}}}, false},
		{`"x"`, sqltypes.ArrayOf(sqltypes.Int), nil, true},
	}
	for _, c := range cases {
		got, err := FromJSONValue(dec(c.json), c.typ)
		if (err != nil) != c.err {
			t.Errorf("%s as %s: err %v", c.json, c.typ.SQL(), err)
			continue
		}
		if !c.err && !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s as %s = %#v, want %#v", c.json, c.typ.SQL(), got, c.want)
		}
	}
}

func TestGoFunc(t *testing.T) {
	r := NewRegistry()
	slow := func(ctx context.Context, args []sqltypes.Value) (sqltypes.Value, error) {
		if args[0].(string) == "panic" {
			panic("boom")
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Millisecond):
		}
		return strings.ToUpper(args[0].(string)) + ":" + IdempotencyKeyFrom(ctx), nil
	}
	params := []Param{{Name: "S", Type: sqltypes.String}}
	if err := RegisterGoFunc(r, "shout", params, sqltypes.String, slow, GoAsync(), GoDescription("upper")); err != nil {
		t.Fatal(err)
	}
	if err := RegisterGoFunc(r, "shout", params, sqltypes.String, slow); !errors.Is(err, rqlerr.UserFuncDefinition) {
		t.Fatalf("duplicate registration: %v", err)
	}
	if err := RegisterGoFunc(r, "shout", params, sqltypes.String, slow, GoReplace(), GoAsync()); err != nil {
		t.Fatalf("replace: %v", err)
	}
	def, _ := r.Lookup("SHOUT")
	v := def.Variants[0]
	if !v.Blocking || def.Category != CategoryUser {
		t.Errorf("variant %+v", v)
	}
	got, err := v.Eval(&EvalContext{IdempotencyKey: "k"}, []sqltypes.Value{"hi"})
	if err != nil || got != "HI:k" {
		t.Errorf("got %v, %v", got, err)
	}
	if _, err := v.Eval(&EvalContext{}, []sqltypes.Value{"panic"}); !errors.Is(err, rqlerr.UserFuncCall) {
		t.Errorf("panic: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = v.Eval(&EvalContext{Ctx: ctx}, []sqltypes.Value{"x"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if retry, _ := Retryable(err); retry {
		t.Errorf("a cancelled call must not be retried")
	}
	if err := RegisterUserFunc(r, &FuncDef{Name: "SHOUT2", Category: "STRING"}, false); err != nil {
		t.Fatal(err)
	}
	if err := RegisterGoFunc(r, "shout2", params, sqltypes.String, slow, GoReplace()); !errors.Is(err, rqlerr.UserFuncDefinition) {
		t.Errorf("built-in replaced: %v", err)
	}
}
