package udf

import (
	"fmt"
	"strings"
)

// This file compiles Java DateTimeFormatter patterns (the pattern language
// ksqlDB's date and time functions take: yyyy-MM-dd'T'HH:mm:ss.SSSX, ...)
// into a dtPattern that both formats a time.Time and parses a string into
// fields. Parsing is case-insensitive, as ksqlDB's parsers are.

// dtField is a date/time field a pattern element prints or parses.
type dtField uint8

const (
	dtNone dtField = iota
	dtYear
	dtYearReduced // yy: two digits, base 2000
	dtMonth
	dtDay
	dtDayOfYear
	dtDayOfWeek
	dtEra
	dtHour        // H: 0-23
	dtClockHour   // h: 1-12
	dtHourAmPm    // K: 0-11
	dtClockHour24 // k: 1-24
	dtAmPm
	dtMinute
	dtSecond
	dtFraction // S...: fraction of second
	dtMilliOfDay
	dtNano
	dtOffset    // X, x, Z
	dtOffsetGMT // O, ZZZZ
	dtZoneName  // z
	dtZoneID    // VV
)

// javaFieldName is the name Java's error messages give a field.
var javaFieldName = map[dtField]string{
	dtYear: "YearOfEra", dtYearReduced: "YearOfEra", dtMonth: "MonthOfYear", dtDay: "DayOfMonth",
	dtDayOfYear: "DayOfYear", dtDayOfWeek: "DayOfWeek", dtEra: "Era", dtHour: "HourOfDay",
	dtClockHour: "ClockHourOfAmPm", dtHourAmPm: "HourOfAmPm", dtClockHour24: "ClockHourOfDay",
	dtAmPm: "AmPmOfDay", dtMinute: "MinuteOfHour", dtSecond: "SecondOfMinute",
	dtFraction: "NanoOfSecond", dtMilliOfDay: "MilliOfDay", dtNano: "NanoOfSecond",
	dtOffset: "OffsetSeconds", dtOffsetGMT: "OffsetSeconds", dtZoneName: "ZoneId", dtZoneID: "ZoneId",
}

func (f dtField) isDate() bool {
	switch f {
	case dtYear, dtYearReduced, dtMonth, dtDay, dtDayOfYear, dtDayOfWeek, dtEra:
		return true
	}
	return false
}

func (f dtField) isTime() bool {
	switch f {
	case dtHour, dtClockHour, dtHourAmPm, dtClockHour24, dtAmPm, dtMinute, dtSecond,
		dtFraction, dtMilliOfDay, dtNano:
		return true
	}
	return false
}

func (f dtField) isZone() bool {
	return f == dtOffset || f == dtOffsetGMT || f == dtZoneName || f == dtZoneID
}

// dtElem is one element of a compiled pattern: a literal, a field, or an
// optional section.
type dtElem struct {
	lit   string // literal text when field == dtNone and opt == nil
	field dtField
	// numeric fields: minimum and maximum digits; padExceed is Java's
	// EXCEEDS_PAD sign style (yyyy).
	minW, maxW int
	// text fields (month, day of week, era, am/pm, zone name): style.
	text dtTextStyle
	// offsets: the Java offset pattern ("+HH:MM") and the text for zero.
	offPattern, offZero string
	opt                 []dtElem // optional section [ ... ]
	isOpt               bool
}

type dtTextStyle uint8

const (
	dtNumeric dtTextStyle = iota
	dtShort
	dtFull
	dtNarrow
)

// dtPattern is a compiled pattern.
type dtPattern struct {
	src   string
	elems []dtElem
}

// fields calls fn for every field element, optional sections included.
func (p *dtPattern) fields(fn func(dtField)) {
	var walk func([]dtElem)
	walk = func(es []dtElem) {
		for _, e := range es {
			if e.isOpt {
				walk(e.opt)
			} else if e.field != dtNone {
				fn(e.field)
			}
		}
	}
	walk(p.elems)
}

// hasDateField and friends report which kinds of fields the pattern uses.
func (p *dtPattern) has(pred func(dtField) bool) (dtField, bool) {
	found, ok := dtNone, false
	p.fields(func(f dtField) {
		if !ok && pred(f) {
			found, ok = f, true
		}
	})
	return found, ok
}

// dtCompile compiles a Java DateTimeFormatter pattern.
func dtCompile(pattern string) (*dtPattern, error) {
	elems, rest, err := dtCompileSeq(pattern, 0, false)
	if err != nil {
		return nil, err
	}
	if rest != len(pattern) {
		return nil, fmt.Errorf("pattern invalid as it contains ] without previous [")
	}
	return &dtPattern{src: pattern, elems: elems}, nil
}

func dtCompileSeq(p string, i int, inOpt bool) ([]dtElem, int, error) {
	var out []dtElem
	addLit := func(s string) {
		if n := len(out); n > 0 && out[n-1].field == dtNone && !out[n-1].isOpt {
			out[n-1].lit += s
			return
		}
		out = append(out, dtElem{lit: s})
	}
	for i < len(p) {
		c := p[i]
		switch {
		case c == '\'':
			j := i + 1
			var b strings.Builder
			for {
				if j >= len(p) {
					return nil, 0, fmt.Errorf("pattern ends with an incomplete string literal: %s", p)
				}
				if p[j] == '\'' {
					if j+1 < len(p) && p[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(p[j])
				j++
			}
			if j == i+1 {
				addLit("'")
			} else {
				addLit(b.String())
			}
			i = j + 1
		case c == '[':
			sub, next, err := dtCompileSeq(p, i+1, true)
			if err != nil {
				return nil, 0, err
			}
			out = append(out, dtElem{isOpt: true, opt: sub})
			i = next
		case c == ']':
			if !inOpt {
				return nil, 0, fmt.Errorf("pattern invalid as it contains ] without previous [")
			}
			return out, i + 1, nil
		case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
			j := i
			for j < len(p) && p[j] == c {
				j++
			}
			e, err := dtLetter(c, j-i)
			if err != nil {
				return nil, 0, err
			}
			out = append(out, e)
			i = j
		case c == '{' || c == '}' || c == '#':
			return nil, 0, fmt.Errorf("pattern includes reserved character: '%c'", c)
		default:
			addLit(string(c))
			i++
		}
	}
	if inOpt {
		// Java closes an unterminated optional section at the end.
		return out, i, nil
	}
	return out, i, nil
}

func dtNum(f dtField, count int) (dtElem, error) {
	switch count {
	case 1:
		return dtElem{field: f, minW: 1, maxW: 19}, nil
	case 2:
		return dtElem{field: f, minW: 2, maxW: 2}, nil
	}
	return dtElem{}, fmt.Errorf("too many pattern letters: %c", dtLetterOf(f))
}

func dtLetterOf(f dtField) byte {
	for k, v := range map[byte]dtField{'d': dtDay, 'H': dtHour, 'h': dtClockHour, 'K': dtHourAmPm,
		'k': dtClockHour24, 'm': dtMinute, 's': dtSecond} {
		if v == f {
			return k
		}
	}
	return '?'
}

func dtLetter(c byte, n int) (dtElem, error) {
	tooMany := fmt.Errorf("too many pattern letters: %c", c)
	switch c {
	case 'y', 'u', 'Y':
		switch {
		case n == 2:
			return dtElem{field: dtYearReduced, minW: 2, maxW: 2}, nil
		case n < 4:
			return dtElem{field: dtYear, minW: n, maxW: 19}, nil
		default:
			return dtElem{field: dtYear, minW: n, maxW: 19}, nil
		}
	case 'M', 'L':
		switch n {
		case 1:
			return dtElem{field: dtMonth, minW: 1, maxW: 19}, nil
		case 2:
			return dtElem{field: dtMonth, minW: 2, maxW: 2}, nil
		case 3:
			return dtElem{field: dtMonth, text: dtShort}, nil
		case 4:
			return dtElem{field: dtMonth, text: dtFull}, nil
		case 5:
			return dtElem{field: dtMonth, text: dtNarrow}, nil
		}
		return dtElem{}, tooMany
	case 'd':
		return dtNum(dtDay, n)
	case 'D':
		switch n {
		case 1:
			return dtElem{field: dtDayOfYear, minW: 1, maxW: 19}, nil
		case 2:
			return dtElem{field: dtDayOfYear, minW: 2, maxW: 3}, nil
		case 3:
			return dtElem{field: dtDayOfYear, minW: 3, maxW: 3}, nil
		}
		return dtElem{}, tooMany
	case 'E':
		switch {
		case n <= 3:
			return dtElem{field: dtDayOfWeek, text: dtShort}, nil
		case n == 4:
			return dtElem{field: dtDayOfWeek, text: dtFull}, nil
		case n == 5:
			return dtElem{field: dtDayOfWeek, text: dtNarrow}, nil
		}
		return dtElem{}, tooMany
	case 'G':
		switch {
		case n <= 3:
			return dtElem{field: dtEra, text: dtShort}, nil
		case n == 4:
			return dtElem{field: dtEra, text: dtFull}, nil
		case n == 5:
			return dtElem{field: dtEra, text: dtNarrow}, nil
		}
		return dtElem{}, tooMany
	case 'a':
		if n > 1 {
			return dtElem{}, tooMany
		}
		return dtElem{field: dtAmPm, text: dtShort}, nil
	case 'H':
		return dtNum(dtHour, n)
	case 'h':
		return dtNum(dtClockHour, n)
	case 'K':
		return dtNum(dtHourAmPm, n)
	case 'k':
		return dtNum(dtClockHour24, n)
	case 'm':
		return dtNum(dtMinute, n)
	case 's':
		return dtNum(dtSecond, n)
	case 'S':
		if n > 9 {
			return dtElem{}, tooMany
		}
		return dtElem{field: dtFraction, minW: n, maxW: n}, nil
	case 'A':
		return dtElem{field: dtMilliOfDay, minW: n, maxW: 19}, nil
	case 'n':
		return dtElem{field: dtNano, minW: n, maxW: 19}, nil
	case 'X', 'x':
		pats := []string{"+HHmm", "+HHMM", "+HH:MM", "+HHMMss", "+HH:MM:ss"}
		if n > 5 {
			return dtElem{}, tooMany
		}
		zero := "Z"
		if c == 'x' {
			zero = map[int]string{1: "+00", 2: "+0000", 3: "+00:00", 4: "+0000", 5: "+00:00"}[n]
		}
		return dtElem{field: dtOffset, offPattern: pats[n-1], offZero: zero}, nil
	case 'Z':
		switch {
		case n <= 3:
			return dtElem{field: dtOffset, offPattern: "+HHMM", offZero: "+0000"}, nil
		case n == 4:
			return dtElem{field: dtOffsetGMT, text: dtFull}, nil
		case n == 5:
			return dtElem{field: dtOffset, offPattern: "+HH:MM:ss", offZero: "Z"}, nil
		}
		return dtElem{}, tooMany
	case 'O':
		switch n {
		case 1:
			return dtElem{field: dtOffsetGMT, text: dtShort}, nil
		case 4:
			return dtElem{field: dtOffsetGMT, text: dtFull}, nil
		}
		return dtElem{}, fmt.Errorf("pattern letter count must be 1 or 4: O")
	case 'z':
		switch {
		case n <= 3:
			return dtElem{field: dtZoneName, text: dtShort}, nil
		case n == 4:
			return dtElem{field: dtZoneName, text: dtFull}, nil
		}
		return dtElem{}, tooMany
	case 'V':
		if n != 2 {
			return dtElem{}, fmt.Errorf("pattern letter count must be 2: V")
		}
		return dtElem{field: dtZoneID}, nil
	}
	return dtElem{}, fmt.Errorf("unknown pattern letter: %c", c)
}

var (
	dtMonthsFull    = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	dtDaysFull      = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	dtZoneFullNames = map[string]string{
		"PST": "Pacific Standard Time", "PDT": "Pacific Daylight Time",
		"MST": "Mountain Standard Time", "MDT": "Mountain Daylight Time",
		"CST": "Central Standard Time", "CDT": "Central Daylight Time",
		"EST": "Eastern Standard Time", "EDT": "Eastern Daylight Time",
		"GMT": "Greenwich Mean Time", "BST": "British Summer Time",
		"UTC": "Coordinated Universal Time", "CET": "Central European Standard Time",
		"CEST": "Central European Summer Time", "IST": "India Standard Time",
		"JST": "Japan Standard Time",
	}
)

func dtText(s string, style dtTextStyle) string {
	switch style {
	case dtShort:
		return s[:3]
	case dtNarrow:
		return s[:1]
	}
	return s
}
