// Package printfmt renders Kafka records for PRINT as ksqlDB's
// RecordFormatter does: it detects the formats of keys and values from
// their bytes and prints one line per record,
//
//	rowtime: 1970/01/01 00:00:00.100 Z, key: 1, value: {"V":"a"}, partition: 0
//
// after the formats it detected ("Key format: KAFKA_INT or KAFKA_STRING").
package printfmt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rql/rql/internal/javafmt"
)

// NoData is what PRINT reports as the format of keys or values before it
// has seen a non-null one (ksqlDB's wording).
const NoData = "¯\\_(ツ)_/¯ - no data processed"

// Formatter keeps, for keys and for values, the formats that could read
// every non-null one seen so far, and renders each with the first format
// still possible. The formats tried, in ksqlDB's order, are those that need
// no schema registry: JSON, KAFKA_INT, KAFKA_BIGINT, KAFKA_DOUBLE,
// KAFKA_STRING; keys may also be windowed (SESSION(f), HOPPING(f),
// TUMBLING(f) before each f). A Formatter is not safe for concurrent use.
type Formatter struct {
	keys, values formatSet
}

// New returns a Formatter that has seen no record.
func New() *Formatter {
	return &Formatter{keys: newFormatSet(true), values: newFormatSet(false)}
}

// Line formats one record: rowtime (UTC; "N/A" for a negative timestamp),
// key, value ("<null>" when nil), partition. It narrows the formats.
func (f *Formatter) Line(timestampMs int64, key, value []byte, partition int32) string {
	rowtime := "N/A"
	if timestampMs >= 0 {
		rowtime = time.UnixMilli(timestampMs).UTC().Format("2006/01/02 15:04:05.000") + " Z"
	}
	return "rowtime: " + rowtime + ", key: " + f.keys.format(key) + ", value: " + f.values.format(value) +
		", partition: " + strconv.Itoa(int(partition))
}

// KeyFormats returns the "Key format: ..." line for the keys seen so far.
func (f *Formatter) KeyFormats() string { return formatsLine("Key format: ", f.keys.possible()) }

// ValueFormats returns the "Value format: ..." line for the values seen so
// far.
func (f *Formatter) ValueFormats() string { return formatsLine("Value format: ", f.values.possible()) }

func formatsLine(prefix string, names []string) string {
	if len(names) == 0 {
		return prefix + " does not match any supported format. " +
			"It may be a STRING with encoding other than UTF8, or some other format."
	}
	return prefix + strings.Join(names, " or ")
}

// formatSet is the formats still possible for keys or for values.
type formatSet struct {
	fmts []byteFormat
	seen bool
}

// byteFormat reads bytes as one format, rendering them as text.
type byteFormat struct {
	name string
	read func([]byte) (string, bool)
}

func newFormatSet(windowed bool) formatSet {
	base := []byteFormat{
		{"JSON", readJSON},
		{"KAFKA_INT", readInt},
		{"KAFKA_BIGINT", readBigint},
		{"KAFKA_DOUBLE", readDouble},
		{"KAFKA_STRING", readString},
	}
	if !windowed {
		return formatSet{fmts: base}
	}
	var out []byteFormat
	for _, b := range base {
		out = append(out, sessionWindowed(b), timeWindowed("HOPPING", b), timeWindowed("TUMBLING", b), b)
	}
	return formatSet{fmts: out}
}

// possible returns the names of the formats that read every non-null
// record seen so far.
func (s *formatSet) possible() []string {
	if !s.seen {
		return []string{NoData}
	}
	out := make([]string, len(s.fmts))
	for i, f := range s.fmts {
		out[i] = f.name
	}
	return out
}

// format renders b with the first format that reads it, dropping the
// formats that cannot.
func (s *formatSet) format(b []byte) string {
	if b == nil {
		return "<null>"
	}
	s.seen = true
	first, found := "", false
	kept := s.fmts[:0]
	for _, f := range s.fmts {
		text, ok := f.read(b)
		if !ok {
			continue
		}
		kept = append(kept, f)
		if !found {
			first, found = text, true
		}
	}
	s.fmts = kept
	if !found {
		return "<Failed to deserialize>"
	}
	return first
}

func readJSON(b []byte) (string, bool) {
	if len(b) == 0 || !utf8.Valid(b) || !json.Valid(b) {
		return "", false
	}
	return string(b), true
}

func readInt(b []byte) (string, bool) {
	if len(b) != 4 {
		return "", false
	}
	return strconv.Itoa(int(int32(binary.BigEndian.Uint32(b)))), true
}

func readBigint(b []byte) (string, bool) {
	if len(b) != 8 {
		return "", false
	}
	return strconv.FormatInt(int64(binary.BigEndian.Uint64(b)), 10), true
}

func readDouble(b []byte) (string, bool) {
	if len(b) != 8 {
		return "", false
	}
	return javafmt.Double(math.Float64frombits(binary.BigEndian.Uint64(b))), true
}

func readString(b []byte) (string, bool) {
	if len(b) == 0 || !utf8.Valid(b) || bytes.ContainsRune(b, utf8.RuneError) {
		return "", false
	}
	return string(b), true
}

// timeWindowed reads a time-windowed key: the inner key, then the window
// start (8 bytes); ksqlDB shows it as [key@start/-].
func timeWindowed(kind string, inner byteFormat) byteFormat {
	return byteFormat{name: kind + "(" + inner.name + ")", read: func(b []byte) (string, bool) {
		if len(b) < 8 {
			return "", false
		}
		k, ok := inner.read(b[:len(b)-8])
		if !ok {
			return "", false
		}
		start := int64(binary.BigEndian.Uint64(b[len(b)-8:]))
		return "[" + k + "@" + strconv.FormatInt(start, 10) + "/-]", true
	}}
}

// sessionWindowed reads a session-windowed key: the inner key, the window
// end, then its start (8 bytes each); ksqlDB shows it as [key@start/end].
func sessionWindowed(inner byteFormat) byteFormat {
	return byteFormat{name: "SESSION(" + inner.name + ")", read: func(b []byte) (string, bool) {
		if len(b) < 16 {
			return "", false
		}
		k, ok := inner.read(b[:len(b)-16])
		if !ok {
			return "", false
		}
		end := int64(binary.BigEndian.Uint64(b[len(b)-16:]))
		start := int64(binary.BigEndian.Uint64(b[len(b)-8:]))
		return "[" + k + "@" + strconv.FormatInt(start, 10) + "/" + strconv.FormatInt(end, 10) + "]", true
	}}
}
