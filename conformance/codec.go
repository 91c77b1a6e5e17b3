package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rql/rql/format"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
)

// codec writes test values into record bytes and reads record bytes back
// into JSON values for one side (key or value) of one topic, following the
// format of the source declared on the topic:
//
//   - JSON: the test's JSON value is written as is (the engine's
//     deserializer does the coercions, as ksqlDB's JSON serde does), and
//     actual bytes are parsed as JSON;
//   - KAFKA: values are converted to the column's type (format.FromJSON)
//     and serialized with the KAFKA serde (BIGINT = 8 bytes, ...); actual
//     bytes are decoded and converted back (format.ToJSON);
//   - DELIMITED: strings are the raw text on both sides;
//   - NONE: no bytes.
//
// With no source known, values are written as their JSON text (a string as
// its raw text) and read back as JSON when they parse, else as a string.
type codec struct {
	format string
	cols   []sqltypes.Column
	opts   format.Options
	key    bool
	known  bool
	serde  format.Serde // KAFKA only, built on first use
}

func keyCodec(src *planner.Source) *codec {
	if src == nil || src.Schema == nil {
		return &codec{key: true}
	}
	return &codec{format: strings.ToUpper(src.KeyFormat), cols: src.Schema.Key(), opts: src.KeyOpts, key: true, known: true}
}

func valueCodec(src *planner.Source) *codec {
	if src == nil || src.Schema == nil {
		return &codec{}
	}
	return &codec{format: strings.ToUpper(src.ValueFormat), cols: src.Schema.Value(), opts: src.ValueOpts, known: true}
}

func (c *codec) side() string {
	if c.key {
		return "key"
	}
	return "value"
}

func (c *codec) kafkaSerde() (format.Serde, error) {
	if c.serde != nil {
		return c.serde, nil
	}
	var err error
	if c.key {
		c.serde, err = format.NewKeySerde(format.Kafka, c.cols, c.opts)
	} else {
		c.serde, err = format.NewValueSerde(format.Kafka, c.cols, c.opts)
	}
	return c.serde, err
}

// encode returns the bytes of test value v (nil → nil).
func (c *codec) encode(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	switch {
	case !c.known:
		return rawBytes(v)
	case c.format == format.JSON:
		return json.Marshal(v)
	case c.format == format.Kafka && len(c.cols) == 1:
		val, err := format.FromJSON(v, c.cols[0].Type)
		if err != nil {
			return nil, fmt.Errorf("%s %s as %s: %w", c.side(), show(v), c.cols[0].Type, err)
		}
		s, err := c.kafkaSerde()
		if err != nil {
			return nil, err
		}
		return s.Encode(nil, []sqltypes.Value{val})
	case c.format == format.None:
		return nil, nil
	}
	return rawBytes(v)
}

// rawBytes is a test value's text: a string's own text, else its JSON.
func rawBytes(v any) ([]byte, error) {
	if s, ok := v.(string); ok {
		return []byte(s), nil
	}
	return json.Marshal(v)
}

// decode reads actual bytes into a JSON value comparable with test values.
func (c *codec) decode(b []byte) (any, error) {
	if b == nil {
		return nil, nil
	}
	switch {
	case !c.known:
		var v any
		if decodeJSON(b, &v) == nil {
			return v, nil
		}
		return string(b), nil
	case c.format == format.JSON:
		var v any
		if err := decodeJSON(b, &v); err != nil {
			return nil, fmt.Errorf("%s is not valid JSON: %q", c.side(), b)
		}
		return v, nil
	case c.format == format.Kafka && len(c.cols) == 1:
		s, err := c.kafkaSerde()
		if err != nil {
			return nil, err
		}
		vals, err := s.Decode(b, nil)
		if err != nil {
			return nil, err
		}
		if len(vals) != 1 {
			return nil, fmt.Errorf("%s decoded into %d values, want 1", c.side(), len(vals))
		}
		return normalize(format.ToJSON(vals[0], c.cols[0].Type))
	}
	return string(b), nil
}

// normalize round-trips v through encoding/json so that it has the shapes
// decodeJSON produces (json.Number, map[string]any, []any).
func normalize(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = decodeJSON(b, &out)
	return out, err
}

// compare compares an expected test value with a decoded actual one.
func (c *codec) compare(exp, act any) string {
	path := c.side()
	if exp == nil || act == nil {
		return compareValue(path, exp, act, nil)
	}
	if as, ok := act.(string); ok && c.isRaw() {
		// Raw text (DELIMITED, unknown formats): compare as text.
		es, isStr := exp.(string)
		if !isStr {
			es = show(exp)
		}
		if es != as {
			return diff(path, exp, act)
		}
		return ""
	}
	em, eok := exp.(map[string]any)
	am, aok := act.(map[string]any)
	if eok && aok && !c.unwrappedComplex() {
		return compareRow(path, em, am, c.cols)
	}
	var t *sqltypes.Type
	if len(c.cols) == 1 {
		t = c.cols[0].Type
	}
	return compareValue(path, exp, act, t)
}

// isRaw reports whether actual values of this codec are raw text.
func (c *codec) isRaw() bool {
	if !c.known {
		return true
	}
	return c.format != format.JSON && !(c.format == format.Kafka && len(c.cols) == 1)
}

// unwrappedComplex reports whether a JSON object is the single column's
// own STRUCT or MAP value rather than a row of named columns.
func (c *codec) unwrappedComplex() bool {
	if len(c.cols) != 1 {
		return false
	}
	k := c.cols[0].Type.Kind
	if k != sqltypes.KindStruct && k != sqltypes.KindMap {
		return false
	}
	if c.key {
		return true // single keys are never wrapped
	}
	return c.opts.WrapSingleValue != nil && !*c.opts.WrapSingleValue
}

// display returns actual bytes as a JSON value for people to read: JSON
// text exactly as the engine wrote it (field order and number text kept),
// else the decoded value; undecodable bytes become a string describing the
// problem.
func (c *codec) display(b []byte) any {
	if b != nil && (!c.known || c.format == format.JSON) && json.Valid(b) {
		var buf bytes.Buffer
		if json.Compact(&buf, b) == nil {
			return json.RawMessage(buf.Bytes())
		}
	}
	v, err := c.decode(b)
	if err != nil {
		return fmt.Sprintf("<undecodable %s: %v>", c.side(), err)
	}
	return v
}
