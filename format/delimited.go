package format

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// delimitedSerde is the DELIMITED format: one CSV record (Apache
// commons-csv's default format with the given delimiter, as ksqlDB uses
// it) with one field per column; an empty field is NULL.
type delimitedSerde struct {
	cols  []sqltypes.Column
	delim rune
	isKey bool
}

// ParseDelimiter parses a DELIMITED delimiter setting as ksqlDB does: a
// single character, or the names TAB and SPACE; "" means ",". The error's
// message is ksqlDB's reason (the caller adds "Configuration
// VALUE_DELIMITER is invalid: " and the rest).
func ParseDelimiter(s string) (rune, error) {
	if s == "" {
		return ',', nil
	}
	return parseDelimiter(s)
}

func parseDelimiter(s string) (rune, error) {
	if strings.TrimFunc(s, func(r rune) bool { return r <= ' ' }) == "" {
		return 0, rqlerr.New(rqlerr.FormatUnsupported, "Delimiter cannot be empty, if you meant to have a tab or space "+
			"for delimiter, please use the special values 'TAB' or 'SPACE'")
	}
	if utf8.RuneCountInString(s) == 1 {
		r, _ := utf8.DecodeRuneInString(s)
		return r, nil
	}
	switch s {
	case "TAB":
		return '\t', nil
	case "SPACE":
		return ' ', nil
	}
	return 0, rqlerr.New(rqlerr.FormatUnsupported, "Invalid delimiter value: '%s'. Delimiter must be a single character or TAB,SPACE", s)
}

func newDelimitedSerde(cols []sqltypes.Column, opts Options, isKey bool) (Serde, error) {
	if !isKey && opts.WrapSingleValue != nil && *opts.WrapSingleValue {
		return nil, wrapNotSupported(Delimited)
	}
	delim, err := ParseDelimiter(opts.Delimiter)
	if err != nil {
		return nil, err
	}
	for _, c := range cols {
		switch c.Type.Kind {
		case sqltypes.KindBoolean, sqltypes.KindInt, sqltypes.KindBigint, sqltypes.KindDouble, sqltypes.KindDecimal,
			sqltypes.KindString, sqltypes.KindTimestamp, sqltypes.KindDate, sqltypes.KindTime, sqltypes.KindBytes:
		default:
			return nil, schemaError(Delimited, fmt.Sprintf("The 'DELIMITED' format does not support type '%s', column: `%s`",
				c.Type.Kind, c.Name), cols, opts, isKey)
		}
	}
	return &delimitedSerde{cols: cols, delim: delim, isKey: isKey}, nil
}

func (s *delimitedSerde) Encode(dst []byte, vals []sqltypes.Value) ([]byte, error) {
	if len(vals) != len(s.cols) {
		return nil, countMismatch(true, len(s.cols), len(vals))
	}
	if len(s.cols) == 0 {
		return nil, nil
	}
	dst = nonNil(dst)
	for i, v := range vals {
		if i > 0 {
			dst = utf8.AppendRune(dst, s.delim)
		}
		if v == nil {
			continue
		}
		text, err := primitiveText(v, s.cols[i].Type)
		if err != nil {
			return nil, err
		}
		dst = appendCSVField(dst, text, i == 0, s.delim)
	}
	return dst, nil
}

// appendCSVField writes one field as commons-csv's MINIMAL quote mode does.
func appendCSVField(dst []byte, s string, first bool, delim rune) []byte {
	if !csvNeedsQuotes(s, first, delim) {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

// csvNeedsQuotes is commons-csv's MINIMAL rule: quote an empty first
// field; a first field not starting with a letter or digit; a field
// starting with a character <= '#' or ending with one <= ' '; and a field
// holding the delimiter, a quote, CR or LF.
func csvNeedsQuotes(s string, first bool, delim rune) bool {
	if s == "" {
		return first
	}
	c := s[0]
	if first && !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
		return true
	}
	if c <= '#' {
		return true
	}
	if strings.ContainsAny(s, "\r\n\"") || strings.ContainsRune(s, delim) {
		return true
	}
	return s[len(s)-1] <= ' '
}

func (s *delimitedSerde) Decode(data []byte, dst []sqltypes.Value) ([]sqltypes.Value, error) {
	dst = dst[:0]
	if len(s.cols) == 0 {
		return dst, nil
	}
	fields, err := parseCSVRecord(string(data), s.delim)
	if err != nil {
		return dst, s.fail(err)
	}
	if len(fields) != len(s.cols) {
		return dst, deserializeError(s.isKey, countMismatch(false, len(s.cols), len(fields)))
	}
	for i, f := range fields {
		if f == "" {
			dst = append(dst, nil)
			continue
		}
		v, err := parseDelimitedField(f, s.cols[i].Type)
		if err != nil {
			return dst[:0], s.fail(err)
		}
		dst = append(dst, v)
	}
	return dst, nil
}

func (s *delimitedSerde) fail(err error) error {
	return deserializeError(s.isKey, fmt.Errorf("error deserializing delimited: %w", err))
}

// parseDelimitedField parses one non-empty field as ksqlDB's DELIMITED
// deserializer does (Java's parseInt, parseLong, parseDouble,
// parseBoolean, BigDecimal, base64).
func parseDelimitedField(f string, t *sqltypes.Type) (sqltypes.Value, error) {
	numErr := func() error { return fmt.Errorf("For input string: \"%s\"", f) }
	switch t.Kind {
	case sqltypes.KindBoolean:
		return strings.EqualFold(f, "true"), nil
	case sqltypes.KindInt:
		n, err := strconv.ParseInt(f, 10, 32)
		if err != nil {
			return nil, numErr()
		}
		return int32(n), nil
	case sqltypes.KindBigint:
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, numErr()
		}
		return n, nil
	case sqltypes.KindDouble:
		d, ok := parseJavaDouble(f)
		if !ok {
			return nil, numErr()
		}
		return d, nil
	case sqltypes.KindDecimal:
		d, err := parseDecimal(f)
		if err != nil {
			return nil, numErr()
		}
		return ensureFit(d, t)
	case sqltypes.KindString:
		return f, nil
	case sqltypes.KindTimestamp:
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, numErr()
		}
		return sqltypes.Timestamp(n), nil
	case sqltypes.KindDate:
		n, err := strconv.ParseInt(f, 10, 32)
		if err != nil {
			return nil, numErr()
		}
		return sqltypes.Date(n), nil
	case sqltypes.KindTime:
		n, err := strconv.ParseInt(f, 10, 32)
		if err != nil {
			return nil, numErr()
		}
		if err := checkTime(n); err != nil {
			return nil, err
		}
		return sqltypes.Time(n), nil
	case sqltypes.KindBytes:
		b, err := decodeBase64(f)
		if err != nil {
			return nil, fmt.Errorf("Value is not a valid Base64 encoded string: %s", f)
		}
		return b, nil
	}
	return nil, fmt.Errorf("The 'DELIMITED' format does not support type '%s'", t.Kind)
}

var errNoFields = errors.New("No fields in record")

// parseCSVRecord returns the fields of the first record of data, read as
// commons-csv's default format does: leading empty lines are skipped, a
// field starting with a quote runs to the matching quote ("" is a quote
// inside it), other fields run to the delimiter or the end of the line.
func parseCSVRecord(data string, delim rune) ([]string, error) {
	data = strings.TrimLeft(data, "\r\n")
	if data == "" {
		return nil, errNoFields
	}
	var fields []string
	pos := 0
	for {
		if pos < len(data) && data[pos] == '"' {
			var b strings.Builder
			pos++
			for {
				if pos >= len(data) {
					return nil, errors.New("EOF reached before encapsulated token finished")
				}
				c := data[pos]
				if c == '"' {
					if pos+1 < len(data) && data[pos+1] == '"' {
						b.WriteByte('"')
						pos += 2
						continue
					}
					pos++
					break
				}
				b.WriteByte(c)
				pos++
			}
			fields = append(fields, b.String())
			// Only whitespace may follow the closing quote.
			for pos < len(data) && (data[pos] == ' ' || data[pos] == '\t') && rune(data[pos]) != delim {
				pos++
			}
			if pos < len(data) && !strings.HasPrefix(data[pos:], string(delim)) && data[pos] != '\r' && data[pos] != '\n' {
				return nil, errors.New("invalid char between encapsulated token and delimiter")
			}
		} else {
			end := pos
			for end < len(data) && data[end] != '\r' && data[end] != '\n' && !strings.HasPrefix(data[end:], string(delim)) {
				end++
			}
			fields = append(fields, data[pos:end])
			pos = end
		}
		if pos >= len(data) || data[pos] == '\r' || data[pos] == '\n' {
			return fields, nil
		}
		pos += utf8.RuneLen(delim) // the delimiter
	}
}
