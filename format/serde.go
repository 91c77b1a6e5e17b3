package format

import (
	"strings"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// newSerde validates cols against the format's rules, in ksqlDB's order and
// with its messages, and builds the serde.
func newSerde(format string, cols []sqltypes.Column, opts Options, isKey bool) (Serde, error) {
	name := strings.ToUpper(strings.TrimSpace(format))
	if isKey {
		if err := checkMapKeys(cols); err != nil {
			return nil, err
		}
	}
	var s Serde
	var err error
	switch name {
	case None:
		s, err = newNoneSerde(cols, isKey)
	case Kafka:
		s, err = newKafkaSerde(cols, opts, isKey)
	case Delimited:
		s, err = newDelimitedSerde(cols, opts, isKey)
	case JSON:
		s, err = newJSONSerde(cols, opts, isKey)
	default:
		return nil, rqlerr.New(rqlerr.FormatUnsupported, "Unknown format: %s", format)
	}
	if err != nil {
		return nil, err
	}
	if isKey && len(cols) == 1 {
		s = nullKeySerde{s}
	}
	return s, nil
}

// checkMapKeys rejects key columns whose type contains a MAP, as ksqlDB
// does before it looks at the key format.
func checkMapKeys(cols []sqltypes.Column) error {
	for _, c := range cols {
		if containsMap(c.Type) {
			return rqlerr.New(rqlerr.FormatUnsupported,
				"Map keys, including types that contain maps, are not supported as they may lead to "+
					"unexpected behavior due to inconsistent serialization. Key column name: `%s`. "+
					"Column type: %s. See https://github.com/confluentinc/ksql/issues/6621 for more.",
				c.Name, c.Type)
		}
	}
	return nil
}

func containsMap(t *sqltypes.Type) bool {
	if t == nil {
		return false
	}
	switch t.Kind {
	case sqltypes.KindMap:
		return true
	case sqltypes.KindArray:
		return containsMap(t.Elem)
	case sqltypes.KindStruct:
		for _, f := range t.Fields {
			if containsMap(f.Type) {
				return true
			}
		}
	}
	return false
}

// persistenceString prints the columns as ksqlDB's PersistenceSchema:
// "Persistence{columns=[`K` INTEGER KEY], features=[]}".
func persistenceString(cols []sqltypes.Column, opts Options, isKey bool) string {
	features := ""
	if !isKey && opts.WrapSingleValue != nil {
		if *opts.WrapSingleValue {
			features = "WRAP_SINGLES"
		} else {
			features = "UNWRAP_SINGLES"
		}
	}
	return "Persistence{columns=" + columnList(cols, isKey) + ", features=[" + features + "]}"
}

// columnList prints columns as ksqlDB's SimpleColumn lists:
// "[`V0` INTEGER, `V1` STRING]" ("KEY" after key columns).
func columnList(cols []sqltypes.Column, isKey bool) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("`" + c.Name + "` " + c.Type.String())
		if isKey {
			b.WriteString(" KEY")
		}
	}
	b.WriteByte(']')
	return b.String()
}

// schemaError wraps a format's reason for rejecting columns as ksqlDB does:
// "Key format does not support schema.\nformat: KAFKA\nschema: ...\nreason: ...".
func schemaError(format, reason string, cols []sqltypes.Column, opts Options, isKey bool) error {
	which := "Value"
	if isKey {
		which = "Key"
	}
	return rqlerr.New(rqlerr.FormatUnsupported, "%s format does not support schema.\nformat: %s\nschema: %s\nreason: %s",
		which, format, persistenceString(cols, opts, isKey), reason)
}

// wrapNotSupported is ksqlDB's message for WRAP_SINGLE_VALUE=true on a
// format that cannot wrap.
func wrapNotSupported(format string) error {
	return rqlerr.New(rqlerr.FormatUnsupported, "Format '%s' does not support 'WRAP_SINGLE_VALUE' set to 'true'.", format)
}

// countMismatch is a row with a different number of values than columns.
func countMismatch(serialization bool, want, got int) error {
	if serialization {
		return rqlerr.New(rqlerr.FormatSerialize, "Column count mismatch on serialization. expected: %d, got: %d", want, got)
	}
	return rqlerr.New(rqlerr.FormatDeserialize, "Column count mismatch on deserialization. expected: %d, got: %d", want, got)
}

// deserializeError wraps the cause of a failed Decode.
func deserializeError(isKey bool, cause error) error {
	return rqlerr.Wrap(rqlerr.FormatDeserialize, cause, "failed to deserialize %s", target(isKey))
}

func target(isKey bool) string {
	if isKey {
		return "key"
	}
	return "value"
}

// nullKeySerde encodes a single-column key whose value is NULL as a null
// key (nil), as ksqlDB writes a null key. A key of several columns that are
// all NULL is not null: ksqlDB writes it as a row of NULLs (JSON
// {"K1":null,"K2":null}, DELIMITED ",").
type nullKeySerde struct{ Serde }

func (s nullKeySerde) Encode(dst []byte, vals []sqltypes.Value) ([]byte, error) {
	for _, v := range vals {
		if v != nil {
			return s.Serde.Encode(dst, vals)
		}
	}
	return nil, nil
}

// noneSerde is the NONE key format: no columns, no bytes.
type noneSerde struct{}

func newNoneSerde(cols []sqltypes.Column, isKey bool) (Serde, error) {
	if len(cols) > 0 {
		return nil, rqlerr.New(rqlerr.FormatUnsupported,
			"The 'NONE' format can only be used when no columns are defined. Got: %s", columnList(cols, isKey))
	}
	return noneSerde{}, nil
}

func (noneSerde) Encode(dst []byte, vals []sqltypes.Value) ([]byte, error) {
	if len(vals) != 0 {
		return nil, countMismatch(true, 0, len(vals))
	}
	return nil, nil
}

func (noneSerde) Decode(data []byte, dst []sqltypes.Value) ([]sqltypes.Value, error) {
	return dst[:0], nil
}

// nonNil makes sure an encoded non-null record is a non-nil slice (nil
// stands for a null key or value).
func nonNil(dst []byte) []byte {
	if dst == nil {
		return []byte{}
	}
	return dst
}
