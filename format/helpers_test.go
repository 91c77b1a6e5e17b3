package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

func dec(t testing.TB, s string) sqltypes.Decimal {
	t.Helper()
	d, err := sqltypes.ParseDecimal(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func col(name string, t *sqltypes.Type) sqltypes.Column {
	return sqltypes.Column{Name: name, Type: t}
}

func boolp(b bool) *bool { return &b }

// sameValue compares values, with DECIMALs equal only with equal scale.
func sameValue(a, b sqltypes.Value) bool {
	switch x := a.(type) {
	case sqltypes.Decimal:
		y, ok := b.(sqltypes.Decimal)
		return ok && x.Scale == y.Scale && x.Cmp(y) == 0
	case []sqltypes.Value:
		y, ok := b.([]sqltypes.Value)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case *sqltypes.Map:
		y, ok := b.(*sqltypes.Map)
		return ok && sameValue(x.Keys, y.Keys) && sameValue(x.Vals, y.Vals)
	case *sqltypes.Struct:
		y, ok := b.(*sqltypes.Struct)
		return ok && sameValue(x.Vals, y.Vals)
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	}
	return reflect.DeepEqual(a, b)
}

// wantErr checks that err is an *rqlerr.Error with code and a message
// containing msg.
func wantErr(t *testing.T, err error, code rqlerr.Code, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s %q", code, msg)
	}
	var re *rqlerr.Error
	if !errors.As(err, &re) || !errors.Is(err, code) {
		t.Fatalf("error %v (%T) is not a %s *rqlerr.Error", err, err, code)
	}
	if !strings.Contains(err.Error(), msg) {
		t.Fatalf("error %q does not contain %q", err.Error(), msg)
	}
}

func decodeJSONTest(t *testing.T, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
