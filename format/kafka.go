package format

import (
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/rql/rql/internal/vbox"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// kafkaSerde is the KAFKA format: one primitive column in Kafka's own
// serializations (INT 4 bytes and BIGINT 8 bytes big-endian, DOUBLE 8-byte
// IEEE 754 big-endian, STRING UTF-8, BYTES as is). With no column it is
// ksqlDB's void serde: nothing is written and anything is read.
type kafkaSerde struct {
	t     *sqltypes.Type // nil: no column
	isKey bool
	box   vbox.Boxes
}

func newKafkaSerde(cols []sqltypes.Column, opts Options, isKey bool) (Serde, error) {
	if !isKey && opts.WrapSingleValue != nil && *opts.WrapSingleValue {
		return nil, wrapNotSupported(Kafka)
	}
	if len(cols) == 0 {
		return &kafkaSerde{isKey: isKey}, nil
	}
	if len(cols) != 1 {
		return nil, schemaError(Kafka, "The 'KAFKA' format only supports a single field. Got: "+columnList(cols, isKey), cols, opts, isKey)
	}
	t := cols[0].Type
	switch t.Kind {
	case sqltypes.KindInt, sqltypes.KindBigint, sqltypes.KindDouble, sqltypes.KindString, sqltypes.KindBytes:
	default:
		return nil, schemaError(Kafka, "The 'KAFKA' format does not support type '"+t.Kind.String()+"'", cols, opts, isKey)
	}
	return &kafkaSerde{t: t, isKey: isKey}, nil
}

func (s *kafkaSerde) Encode(dst []byte, vals []sqltypes.Value) ([]byte, error) {
	if s.t == nil {
		if len(vals) != 0 {
			return nil, countMismatch(true, 0, len(vals))
		}
		return nil, nil
	}
	if len(vals) != 1 {
		return nil, countMismatch(true, 1, len(vals))
	}
	v := vals[0]
	if v == nil {
		return nil, nil
	}
	switch s.t.Kind {
	case sqltypes.KindInt:
		n, ok := asInt64(v)
		if !ok {
			return nil, typeMismatch(v, s.t)
		}
		return binary.BigEndian.AppendUint32(dst, uint32(int32(n))), nil
	case sqltypes.KindBigint:
		n, ok := asInt64(v)
		if !ok {
			return nil, typeMismatch(v, s.t)
		}
		return binary.BigEndian.AppendUint64(dst, uint64(n)), nil
	case sqltypes.KindDouble:
		f, ok := asFloat64(v)
		if !ok {
			return nil, typeMismatch(v, s.t)
		}
		return binary.BigEndian.AppendUint64(dst, math.Float64bits(f)), nil
	case sqltypes.KindString:
		str, ok := v.(string)
		if !ok {
			return nil, typeMismatch(v, s.t)
		}
		return nonNil(append(dst, str...)), nil
	default: // BYTES
		b, ok := v.([]byte)
		if !ok {
			return nil, typeMismatch(v, s.t)
		}
		return nonNil(append(dst, b...)), nil
	}
}

func (s *kafkaSerde) Decode(data []byte, dst []sqltypes.Value) ([]sqltypes.Value, error) {
	dst = dst[:0]
	if s.t == nil {
		return dst, nil
	}
	fail := func(msg string) error {
		return deserializeError(s.isKey, errors.New("error deserializing KAFKA message: "+msg))
	}
	switch s.t.Kind {
	case sqltypes.KindInt:
		if len(data) != 4 {
			return dst, fail("Size of data received by IntegerDeserializer is not 4")
		}
		return append(dst, int32(binary.BigEndian.Uint32(data))), nil
	case sqltypes.KindBigint:
		if len(data) != 8 {
			return dst, fail("Size of data received by LongDeserializer is not 8")
		}
		return append(dst, s.box.Int64(int64(binary.BigEndian.Uint64(data)))), nil
	case sqltypes.KindDouble:
		if len(data) != 8 {
			return dst, fail("Size of data received by Deserializer is not 8")
		}
		return append(dst, s.box.Float64(math.Float64frombits(binary.BigEndian.Uint64(data)))), nil
	case sqltypes.KindString:
		str := string(data)
		if !utf8.ValidString(str) {
			str = strings.ToValidUTF8(str, "\ufffd")
		}
		return append(dst, s.box.String(str)), nil
	case sqltypes.KindBytes:
		return append(dst, append([]byte{}, data...)), nil
	}
	return dst, rqlerr.Bug("KAFKA serde built for type %s", s.t)
}
