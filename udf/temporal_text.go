package udf

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// The text forms of ksqlDB's temporal types: CAST(ts AS STRING) prints
// yyyy-MM-dd'T'HH:mm:ss.SSS (UTC), dates print yyyy-MM-dd and times
// HH:mm:ss[.SSS] (ISO local time). Parsing accepts ksqlDB's partial
// timestamps ("2022", "2022-06-14", "2022-06-14T09:16") with an optional
// zone ("Z", "+02:00", "-0130").

var tsText = regexp.MustCompile(`^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$`)

var timeText = regexp.MustCompile(`^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$`)

var dateText = regexp.MustCompile(`^([+-]?\d{4,})-(\d{2})-(\d{2})$`)

func atoiOr(s string, def int) int {
	if s == "" {
		return def
	}
	n, _ := strconv.Atoi(s)
	return n
}

// fracMillis returns the milliseconds of a fraction of a second "5" → 500.
func fracMillis(s string) int {
	if s == "" {
		return 0
	}
	for len(s) < 3 {
		s += "0"
	}
	return atoiOr(s[:3], 0)
}

// ParseTimestampText parses a (partial) ISO timestamp as UTC unless it
// carries a zone.
func ParseTimestampText(s string) (sqltypes.Timestamp, error) {
	m := tsText.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, rqlerr.New(rqlerr.ExecEval, "Failed to parse timestamp '%s': expected format yyyy-MM-dd'T'HH:mm:ss.SSS", s)
	}
	year, month, day := atoiOr(m[1], 1970), atoiOr(m[2], 1), atoiOr(m[3], 1)
	hour, minute, sec := atoiOr(m[4], 0), atoiOr(m[5], 0), atoiOr(m[6], 0)
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		return 0, rqlerr.New(rqlerr.ExecEval, "Failed to parse timestamp '%s': field out of range", s)
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, fracMillis(m[7])*int(time.Millisecond), time.UTC)
	if t.Day() != day {
		return 0, rqlerr.New(rqlerr.ExecEval, "Failed to parse timestamp '%s': invalid date", s)
	}
	ms := t.UnixMilli()
	if z := m[8]; z != "" && z != "Z" {
		sign := 1
		if z[0] == '-' {
			sign = -1
		}
		z = strings.ReplaceAll(z[1:], ":", "")
		off := atoiOr(z[:2], 0) * 60
		if len(z) >= 4 {
			off += atoiOr(z[2:4], 0)
		}
		ms -= int64(sign*off) * 60000
	}
	return sqltypes.Timestamp(ms), nil
}

// ParseDateText parses yyyy-MM-dd.
func ParseDateText(s string) (sqltypes.Date, error) {
	m := dateText.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, rqlerr.New(rqlerr.ExecEval, "Failed to parse date '%s': expected format yyyy-MM-dd", s)
	}
	y, mo, d := atoiOr(m[1], 0), atoiOr(m[2], 0), atoiOr(m[3], 0)
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if mo < 1 || mo > 12 || t.Day() != d {
		return 0, rqlerr.New(rqlerr.ExecEval, "Failed to parse date '%s': invalid date", s)
	}
	return sqltypes.Date(floorDiv(t.UnixMilli(), 86400000)), nil
}

// ParseTimeText parses HH:mm[:ss[.SSS]].
func ParseTimeText(s string) (sqltypes.Time, error) {
	m := timeText.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, rqlerr.New(rqlerr.ExecEval, "Failed to parse time '%s': expected format HH:mm:ss", s)
	}
	h, mi, sec := atoiOr(m[1], 0), atoiOr(m[2], 0), atoiOr(m[3], 0)
	if h > 23 || mi > 59 || sec > 59 {
		return 0, rqlerr.New(rqlerr.ExecEval, "Failed to parse time '%s': field out of range", s)
	}
	return sqltypes.Time(((h*60+mi)*60+sec)*1000 + fracMillis(m[4])), nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// FormatTimestampText prints yyyy-MM-dd'T'HH:mm:ss.SSS in UTC.
func FormatTimestampText(ts sqltypes.Timestamp) string {
	return time.UnixMilli(int64(ts)).UTC().Format("2006-01-02T15:04:05.000")
}

// FormatDateText prints yyyy-MM-dd.
func FormatDateText(d sqltypes.Date) string {
	return time.UnixMilli(int64(d) * 86400000).UTC().Format("2006-01-02")
}

// FormatTimeText prints HH:mm:ss, with .SSS when the milliseconds are not
// zero (Java's ISO_LOCAL_TIME).
func FormatTimeText(t sqltypes.Time) string {
	ms := int(t)
	s := time.UnixMilli(int64(ms)).UTC().Format("15:04:05")
	if ms%1000 != 0 {
		s += "." + strconv.Itoa(1000 + ms%1000)[1:]
	}
	return s
}
