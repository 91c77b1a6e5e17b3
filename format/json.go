package format

import (
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// jsonSerde is the JSON format. A value is an object with one member per
// column unless it has a single column and wrap_single_value=false; a key
// with one column is always the bare value, with several an object.
type jsonSerde struct {
	cols      []sqltypes.Column
	unwrapped bool
	isKey     bool
	wrapType  *sqltypes.Type // STRUCT of the columns, for error messages
	fast      *jsonFast      // nil when the columns need the generic path
}

func newJSONSerde(cols []sqltypes.Column, opts Options, isKey bool) (Serde, error) {
	if opts.Delimiter != "" {
		return nil, rqlerr.New(rqlerr.FormatUnsupported, "JSON does not support the following configs: [delimiter]")
	}
	if !isKey && opts.WrapSingleValue != nil && len(cols) != 1 {
		return nil, rqlerr.New(rqlerr.FormatUnsupported, "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas")
	}
	for _, c := range cols {
		if err := checkJSONType(c.Type); err != nil {
			return nil, err
		}
	}
	s := &jsonSerde{cols: cols, isKey: isKey}
	if len(cols) == 1 {
		s.unwrapped = isKey || (opts.WrapSingleValue != nil && !*opts.WrapSingleValue)
	}
	fields := make([]sqltypes.Field, len(cols))
	for i, c := range cols {
		fields[i] = sqltypes.Field{Name: c.Name, Type: c.Type}
	}
	s.wrapType = sqltypes.StructOf(fields...)
	if !s.unwrapped {
		s.fast = newJSONFast(cols)
	}
	return s, nil
}

// checkJSONType rejects what JSON cannot carry: MAPs with non-STRING keys.
func checkJSONType(t *sqltypes.Type) error {
	switch t.Kind {
	case sqltypes.KindMap:
		if t.Key.Kind != sqltypes.KindString {
			return rqlerr.New(rqlerr.FormatUnsupported, "JSON only supports MAP types with STRING keys")
		}
		return checkJSONType(t.Elem)
	case sqltypes.KindArray:
		return checkJSONType(t.Elem)
	case sqltypes.KindStruct:
		for _, f := range t.Fields {
			if err := checkJSONType(f.Type); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *jsonSerde) Encode(dst []byte, vals []sqltypes.Value) ([]byte, error) {
	if len(vals) != len(s.cols) {
		return nil, countMismatch(true, len(s.cols), len(vals))
	}
	if len(s.cols) == 0 && s.isKey {
		return nil, nil
	}
	if s.unwrapped {
		if vals[0] == nil {
			return nil, nil
		}
		return appendJSONValue(dst, vals[0], s.cols[0].Type)
	}
	dst = append(dst, '{')
	for i, c := range s.cols {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, c.Name)
		dst = append(dst, ':')
		var err error
		if dst, err = appendJSONValue(dst, vals[i], c.Type); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

// Decode parses data and coerces it to the columns. The JSON literal null
// decodes to all-NULL columns (ksqlDB reads it as a null record).
func (s *jsonSerde) Decode(data []byte, dst []sqltypes.Value) ([]sqltypes.Value, error) {
	dst = dst[:0]
	if len(s.cols) == 0 {
		return dst, nil
	}
	if s.fast != nil {
		if out, ok := s.fast.decode(data, dst); ok {
			return out, nil
		}
	}
	tree, err := ParseJSON(data)
	if err != nil {
		return dst, deserializeError(s.isKey, err)
	}
	if s.unwrapped {
		v, cerr := coerce(tree, s.cols[0].Type, rootPath)
		if cerr != nil {
			return dst, deserializeError(s.isKey, cerr)
		}
		return append(dst, v), nil
	}
	if tree == nil {
		for range s.cols {
			dst = append(dst, nil)
		}
		return dst, nil
	}
	keys, vals, ok := objectMembers(tree)
	if !ok {
		return dst, deserializeError(s.isKey, invalidConversion(tree, s.wrapType.SQL(), rootPath))
	}
	for _, c := range s.cols {
		v, cerr := coerce(lookupField(keys, vals, c.Name), c.Type, jpath{prefix: "$.", name: c.Name, idx: -1})
		if cerr != nil {
			return dst[:0], deserializeError(s.isKey, cerr)
		}
		dst = append(dst, v)
	}
	return dst, nil
}
