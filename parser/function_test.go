package parser

import (
	"errors"
	"testing"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

func TestCreateFunction(t *testing.T) {
	st := parseOne(t, "CREATE OR REPLACE FUNCTION geoip(ip VARCHAR, `Zone` INT) RETURNS STRUCT<country VARCHAR, city VARCHAR>\n"+
		"  USING HTTP WITH (url='http://geo/v1/{ip}', method='GET', timeout='2s');")
	cf, ok := st.(*CreateFunction)
	if !ok {
		t.Fatalf("got %T", st)
	}
	if !cf.OrReplace || cf.Name != "GEOIP" || len(cf.Params) != 2 || cf.Params[0].Name != "IP" ||
		cf.Params[1].Name != "Zone" || cf.Params[1].Type.Kind != sqltypes.KindInt ||
		cf.Returns.Kind != sqltypes.KindStruct || len(cf.Returns.Fields) != 2 || cf.Using != "HTTP" || len(cf.Props) != 3 {
		t.Errorf("parsed %+v", cf)
	}
	if u, _ := cf.Props.Get("url"); u.Value != "http://geo/v1/{ip}" {
		t.Errorf("url %v", u.Value)
	}
	if cf.Params[1].Pos.Col != 46 || cf.NamePos.Col != 28 {
		t.Errorf("positions %+v %+v", cf.NamePos, cf.Params[1].Pos)
	}
	if cf := parseOne(t, "CREATE FUNCTION now_ms() RETURNS BIGINT USING HTTP WITH (url='http://t/')").(*CreateFunction); cf.OrReplace || len(cf.Params) != 0 {
		t.Errorf("no-arg function %+v", cf)
	}
	for _, bad := range []string{
		"CREATE FUNCTION f(a INT) RETURNS INT USING GRPC WITH (url='x')",
		"CREATE FUNCTION f(a INT RETURNS INT USING HTTP",
		"CREATE FUNCTION f(a INT) USING HTTP",
	} {
		_, err := Parse(bad, ParseOptions{})
		if !errors.Is(err, rqlerr.ParseUnsupported) && !errors.Is(err, rqlerr.ParseSyntax) {
			t.Errorf("%s: err %v", bad, err)
		}
	}
}
