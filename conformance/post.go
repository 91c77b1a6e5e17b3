package conformance

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
)

// checkPost checks the post-conditions on sources: each named source
// exists, has the expected type (stream or table), the expected schema
// (column names, types and key-ness, in order; PRIMARY KEY counts as KEY)
// and the expected key and value formats and value features. It returns ""
// or the first difference.
func checkPost(c *Case, eng Engine) string {
	if c.Post == nil {
		return ""
	}
	for _, ps := range c.Post.Sources {
		src, ok := eng.SourceByName(ps.Name)
		if !ok {
			return fmt.Sprintf("post: source %s does not exist", ps.Name)
		}
		if ps.Type != "" && !strings.EqualFold(ps.Type, src.Kind.String()) {
			return fmt.Sprintf("post: source %s: expected a %s, got a %s", ps.Name, strings.ToLower(ps.Type), strings.ToLower(src.Kind.String()))
		}
		if ps.Schema != nil {
			if d := compareSchema(*ps.Schema, src.Schema); d != "" {
				return fmt.Sprintf("post: source %s: %s", ps.Name, d)
			}
		}
		if d := compareFormat("key", ps.KeyFormat, src.KeyFormat); d != "" {
			return fmt.Sprintf("post: source %s: %s", ps.Name, d)
		}
		if d := compareFormat("value", ps.ValueFormat, src.ValueFormat); d != "" {
			return fmt.Sprintf("post: source %s: %s", ps.Name, d)
		}
		if d := compareFeatures(ps.ValueFeatures, src); d != "" {
			return fmt.Sprintf("post: source %s: %s", ps.Name, d)
		}
	}
	return ""
}

// compareSchema compares a schema written as in ksqlDB's post-conditions
// with the actual one.
func compareSchema(want string, got *sqltypes.Schema) string {
	elems, err := parser.ParseTableElements(want)
	if err != nil {
		return fmt.Sprintf("cannot parse expected schema %q: %v", want, err)
	}
	var gotCols []sqltypes.Column
	if got != nil {
		gotCols = got.Columns
	}
	mismatch := func() string {
		g := ""
		if got != nil {
			g = got.String()
		}
		return fmt.Sprintf("schema: expected %q, got %q", want, g)
	}
	if len(elems) != len(gotCols) {
		return mismatch()
	}
	for i, e := range elems {
		g := gotCols[i]
		if e.Name != g.Name || !e.Type.Equal(g.Type) || namespaceOf(e) != g.NS || e.HeaderKey != g.HeaderKey {
			return mismatch()
		}
	}
	return ""
}

func namespaceOf(e parser.TableElement) sqltypes.Namespace {
	switch e.Constraint {
	case parser.ColKey, parser.ColPrimaryKey:
		return sqltypes.NSKey
	case parser.ColHeaders, parser.ColHeader:
		return sqltypes.NSHeaders
	}
	return sqltypes.NSValue
}

// compareFormat compares a post-condition format ({"format": "KAFKA", ...}
// or "KAFKA") with the source's.
func compareFormat(side string, raw json.RawMessage, got string) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var name string
	if err := json.Unmarshal(raw, &name); err != nil {
		var obj struct {
			Format string `json:"format"`
		}
		if err := json.Unmarshal(raw, &obj); err != nil {
			return fmt.Sprintf("cannot read expected %s format %s", side, raw)
		}
		name = obj.Format
	}
	if name != "" && !strings.EqualFold(name, got) {
		return fmt.Sprintf("%s format: expected %s, got %s", side, name, got)
	}
	return ""
}

// compareFeatures checks the value features rql models: UNWRAP_SINGLES
// (and WRAP_SINGLES).
func compareFeatures(features []string, src *planner.Source) string {
	for _, f := range features {
		w := src.ValueOpts.WrapSingleValue
		switch strings.ToUpper(f) {
		case "UNWRAP_SINGLES":
			if w == nil || *w {
				return "value features: expected UNWRAP_SINGLES"
			}
		case "WRAP_SINGLES":
			if w == nil || !*w {
				return "value features: expected WRAP_SINGLES"
			}
		}
	}
	return ""
}
