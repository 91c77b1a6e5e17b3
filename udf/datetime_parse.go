package udf

import (
	"fmt"
	"strings"
	"time"
)

// dtParsed holds the fields a pattern parsed from a string.
type dtParsed struct {
	vals [dtZoneID + 1]int64
	has  [dtZoneID + 1]bool
	loc  *time.Location // parsed zone or offset, nil when none
}

func (r *dtParsed) set(f dtField, v int64) { r.vals[f], r.has[f] = v, true }

// parse reads s with the pattern. The whole of s must be consumed unless
// allowTrailing is set.
func (p *dtPattern) parse(s string, allowTrailing bool) (*dtParsed, error) {
	r := &dtParsed{}
	pos, err := dtParseSeq(p.elems, s, 0, r)
	if err != nil {
		return nil, fmt.Errorf("text '%s' could not be parsed at index %d", s, pos)
	}
	if pos < len(s) && !allowTrailing {
		return nil, fmt.Errorf("text '%s' could not be parsed, unparsed text found at index %d", s, pos)
	}
	if err := r.validate(); err != nil {
		return nil, fmt.Errorf("text '%s' could not be parsed: %w", s, err)
	}
	return r, nil
}

// dtParseSeq parses es from s[pos:]; on failure it returns the error
// position.
func dtParseSeq(es []dtElem, s string, pos int, r *dtParsed) (int, error) {
	for i := range es {
		e := &es[i]
		if e.isOpt {
			saved := *r
			np, err := dtParseSeq(e.opt, s, pos, r)
			if err != nil {
				*r = saved
				continue
			}
			pos = np
			continue
		}
		if e.field == dtNone {
			if len(s)-pos < len(e.lit) || !strings.EqualFold(s[pos:pos+len(e.lit)], e.lit) {
				return pos, fmt.Errorf("literal mismatch")
			}
			pos += len(e.lit)
			continue
		}
		np, err := dtParseElem(es, i, s, pos, r)
		if err != nil {
			return pos, err
		}
		pos = np
	}
	return pos, nil
}

func dtIsFixedNum(e *dtElem) bool {
	if e.isOpt || e.field == dtNone || e.field.isZone() || e.text != dtNumeric || e.field == dtAmPm {
		return false
	}
	return e.minW == e.maxW && e.minW > 0
}

func dtDigits(s string, pos, max int) int {
	n := 0
	for pos+n < len(s) && n < max && s[pos+n] >= '0' && s[pos+n] <= '9' {
		n++
	}
	return n
}

func dtAtoi(s string) int64 {
	var v int64
	for i := 0; i < len(s); i++ {
		v = v*10 + int64(s[i]-'0')
	}
	return v
}

func dtParseElem(es []dtElem, i int, s string, pos int, r *dtParsed) (int, error) {
	e := &es[i]
	switch {
	case e.field == dtOffset:
		off, n, ok := dtParseOffset(s[pos:], e.offZero)
		if !ok {
			return pos, fmt.Errorf("bad offset")
		}
		r.loc = time.FixedZone("", off)
		return pos + n, nil
	case e.field == dtOffsetGMT:
		if len(s)-pos < 3 || !strings.EqualFold(s[pos:pos+3], "GMT") {
			return pos, fmt.Errorf("bad offset")
		}
		off, n, ok := dtParseOffset(s[pos+3:], "")
		if !ok {
			off, n = 0, 0
		}
		r.loc = time.FixedZone("", off)
		return pos + 3 + n, nil
	case e.field == dtZoneName || e.field == dtZoneID:
		loc, n := dtParseZoneText(s[pos:], e.field == dtZoneName)
		if loc == nil {
			return pos, fmt.Errorf("bad zone")
		}
		r.loc = loc
		return pos + n, nil
	case e.field == dtAmPm:
		if len(s)-pos >= 2 {
			switch strings.ToUpper(s[pos : pos+2]) {
			case "AM":
				r.set(dtAmPm, 0)
				return pos + 2, nil
			case "PM":
				r.set(dtAmPm, 1)
				return pos + 2, nil
			}
		}
		return pos, fmt.Errorf("bad am/pm")
	case e.text != dtNumeric:
		return dtParseText(e, s, pos, r)
	}
	// Numeric: reserve digits for the adjacent fixed-width fields.
	reserve := 0
	if e.minW != e.maxW {
		for j := i + 1; j < len(es) && dtIsFixedNum(&es[j]); j++ {
			reserve += es[j].minW
		}
	}
	avail := dtDigits(s, pos, e.maxW+reserve)
	take := avail - reserve
	if take > e.maxW {
		take = e.maxW
	}
	if take < e.minW || take <= 0 {
		return pos, fmt.Errorf("not enough digits")
	}
	digits := s[pos : pos+take]
	v := dtAtoi(digits)
	switch e.field {
	case dtYearReduced:
		v += 2000
		r.set(dtYear, v)
	case dtFraction:
		for k := len(digits); k < 9; k++ {
			v *= 10
		}
		r.set(dtNano, v)
	default:
		r.set(e.field, v)
	}
	return pos + take, nil
}

func dtParseText(e *dtElem, s string, pos int, r *dtParsed) (int, error) {
	var names []string
	switch e.field {
	case dtMonth:
		names = dtMonthsFull
	case dtDayOfWeek:
		names = dtDaysFull
	case dtEra:
		for _, c := range []struct {
			t string
			v int64
		}{{"Anno Domini", 1}, {"Before Christ", 0}, {"AD", 1}, {"BC", 0}} {
			if len(s)-pos >= len(c.t) && strings.EqualFold(s[pos:pos+len(c.t)], c.t) {
				r.set(dtEra, c.v)
				return pos + len(c.t), nil
			}
		}
		return pos, fmt.Errorf("bad era")
	}
	// Longest form first: full names, then short ones (then narrow).
	styles := []dtTextStyle{dtFull, dtShort}
	if e.text == dtNarrow {
		styles = []dtTextStyle{dtNarrow}
	}
	for _, st := range styles {
		for k, n := range names {
			t := dtText(n, st)
			if len(s)-pos >= len(t) && strings.EqualFold(s[pos:pos+len(t)], t) {
				v := int64(k)
				if e.field == dtMonth {
					v++
				}
				r.set(e.field, v)
				return pos + len(t), nil
			}
		}
	}
	return pos, fmt.Errorf("bad text")
}

// dtParseOffset reads +HH[[:]MM[[:]SS]] or the zero text; it returns the
// offset in seconds and the bytes consumed.
func dtParseOffset(s, zero string) (int, int, bool) {
	if zero != "" && len(s) >= len(zero) && strings.EqualFold(s[:len(zero)], zero) &&
		(len(s) == len(zero) || (s[len(zero)] != ':' && (s[len(zero)] < '0' || s[len(zero)] > '9'))) {
		if zero[0] != '+' {
			return 0, len(zero), true
		}
	}
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		if zero != "" && len(s) >= 1 && (s[0] == 'Z' || s[0] == 'z') {
			return 0, 1, true
		}
		return 0, 0, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	n := dtDigits(s, 1, 2)
	if n == 0 {
		return 0, 0, false
	}
	h := int(dtAtoi(s[1 : 1+n]))
	pos := 1 + n
	parts := []int{h, 0, 0}
	for k := 1; k < 3; k++ {
		p := pos
		if p < len(s) && s[p] == ':' {
			p++
		}
		if dtDigits(s, p, 2) != 2 {
			break
		}
		parts[k] = int(dtAtoi(s[p : p+2]))
		pos = p + 2
	}
	if parts[0] > 18 || parts[1] > 59 || parts[2] > 59 {
		return 0, 0, false
	}
	return sign * (parts[0]*3600 + parts[1]*60 + parts[2]), pos, true
}

// dtParseZoneText reads a zone name (PST, Europe/London, UTC, +02:00) from
// the start of s; it tries the longest candidate first.
func dtParseZoneText(s string, names bool) (*time.Location, int) {
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		off, n, ok := dtParseOffset(s, "")
		if !ok {
			return nil, 0
		}
		return time.FixedZone("", off), n
	}
	end := 0
	for end < len(s) {
		c := s[end]
		if (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '/' || c == '_' ||
			((c == '+' || c == '-' || (c >= '0' && c <= '9') || c == ':') && end > 0) {
			end++
			continue
		}
		break
	}
	for n := end; n > 0; n-- {
		cand := s[:n]
		if names {
			if id, ok := dtZoneAbbrev[strings.ToUpper(cand)]; ok {
				if loc, err := dtLoadZone(id); err == nil {
					return loc, n
				}
			}
		}
		if loc, err := dtLoadZone(cand); err == nil {
			return loc, n
		}
	}
	return nil, 0
}

// validate checks ranges as Java's resolver does.
func (r *dtParsed) validate() error {
	check := func(f dtField, lo, hi int64) error {
		if r.has[f] && (r.vals[f] < lo || r.vals[f] > hi) {
			return fmt.Errorf("invalid value for %s (valid values %d - %d): %d", javaFieldName[f], lo, hi, r.vals[f])
		}
		return nil
	}
	for _, c := range []struct {
		f      dtField
		lo, hi int64
	}{
		{dtMonth, 1, 12}, {dtDay, 1, 31}, {dtDayOfYear, 1, 366}, {dtHour, 0, 23},
		{dtClockHour, 1, 12}, {dtHourAmPm, 0, 11}, {dtClockHour24, 1, 24}, {dtMinute, 0, 59},
		{dtSecond, 0, 59}, {dtMilliOfDay, 0, 86399999}, {dtNano, 0, 999999999},
		{dtYear, -999999999, 999999999},
	} {
		if err := check(c.f, c.lo, c.hi); err != nil {
			return err
		}
	}
	return nil
}

func (r *dtParsed) hasDate() bool {
	for _, f := range []dtField{dtYear, dtMonth, dtDay, dtDayOfYear, dtDayOfWeek, dtEra} {
		if r.has[f] {
			return true
		}
	}
	return false
}

func (r *dtParsed) hasTime() bool {
	for _, f := range []dtField{dtHour, dtClockHour, dtHourAmPm, dtClockHour24, dtMinute, dtSecond, dtNano, dtMilliOfDay} {
		if r.has[f] {
			return true
		}
	}
	return false
}

// date resolves the date fields; missing ones default to 1970-01-01.
func (r *dtParsed) date() (year int, month time.Month, day int, err error) {
	year, month, day = 1970, 1, 1
	if r.has[dtYear] {
		year = int(r.vals[dtYear])
		if r.has[dtEra] && r.vals[dtEra] == 0 {
			year = 1 - year
		}
	}
	if r.has[dtDayOfYear] {
		t := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(r.vals[dtDayOfYear])-1)
		if t.Year() != year {
			return 0, 0, 0, fmt.Errorf("invalid date 'DayOfYear 366' as '%d' is not a leap year", year)
		}
		return t.Year(), t.Month(), t.Day(), nil
	}
	if r.has[dtMonth] {
		month = time.Month(r.vals[dtMonth])
	}
	if r.has[dtDay] {
		day = int(r.vals[dtDay])
	}
	if last := dtDaysIn(year, month); day > last {
		day = last
	}
	return year, month, day, nil
}

func dtDaysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// clock resolves the time fields to nanoseconds of the day.
func (r *dtParsed) clock() int64 {
	if r.has[dtMilliOfDay] {
		return r.vals[dtMilliOfDay] * 1e6
	}
	pm := r.has[dtAmPm] && r.vals[dtAmPm] == 1
	var h int64
	switch {
	case r.has[dtHour]:
		h = r.vals[dtHour]
	case r.has[dtClockHour]:
		h = r.vals[dtClockHour] % 12
		if pm {
			h += 12
		}
	case r.has[dtHourAmPm]:
		h = r.vals[dtHourAmPm]
		if pm {
			h += 12
		}
	case r.has[dtClockHour24]:
		h = r.vals[dtClockHour24] % 24
	}
	return ((h*60+r.vals[dtMinute])*60+r.vals[dtSecond])*1e9 + r.vals[dtNano]
}

// timestamp resolves the fields to milliseconds since the epoch, at the
// parsed zone or else at def.
func (r *dtParsed) timestamp(def *time.Location) (int64, error) {
	y, m, d, err := r.date()
	if err != nil {
		return 0, err
	}
	loc := def
	if r.loc != nil {
		loc = r.loc
	}
	ns := r.clock()
	t := time.Date(y, m, d, 0, 0, 0, int(ns), loc)
	if ns != 0 {
		// Build the wall time exactly (time.Date normalizes nanoseconds).
		t = time.Date(y, m, d, int(ns/3600e9), int(ns/60e9%60), int(ns/1e9%60), int(ns%1e9), loc)
	}
	return t.UnixMilli(), nil
}
