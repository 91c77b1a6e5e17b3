package udf

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dtAvail says which fields a value being formatted has: a DATE has no
// time or zone, a TIME no date or zone, a TIMESTAMP at a zone has all.
type dtAvail struct {
	date, time, zone bool
}

// format prints t (already in the wanted zone) with the pattern. A field
// the value does not have fails as Java does ("Unsupported field: HourOfDay").
func (p *dtPattern) format(t time.Time, av dtAvail) (string, error) {
	var b strings.Builder
	if err := dtFormatSeq(&b, p.elems, t, av); err != nil {
		return "", err
	}
	return b.String(), nil
}

func dtFormatSeq(b *strings.Builder, es []dtElem, t time.Time, av dtAvail) error {
	for i := range es {
		e := &es[i]
		if e.isOpt {
			// Java prints an optional section only when its fields exist.
			var sub strings.Builder
			if err := dtFormatSeq(&sub, e.opt, t, av); err == nil {
				b.WriteString(sub.String())
			}
			continue
		}
		if e.field == dtNone {
			b.WriteString(e.lit)
			continue
		}
		if (e.field.isDate() && !av.date) || (e.field.isTime() && !av.time) || (e.field.isZone() && !av.zone) {
			if e.field.isZone() {
				return fmt.Errorf("unable to extract ZoneId from temporal")
			}
			return fmt.Errorf("unsupported field: %s", javaFieldName[e.field])
		}
		dtFormatElem(b, e, t)
	}
	return nil
}

func dtPad(b *strings.Builder, v int64, minW int) {
	neg := v < 0
	if neg {
		v = -v
		b.WriteByte('-')
	}
	s := strconv.FormatInt(v, 10)
	for i := len(s); i < minW; i++ {
		b.WriteByte('0')
	}
	b.WriteString(s)
}

func dtFormatElem(b *strings.Builder, e *dtElem, t time.Time) {
	switch e.field {
	case dtYear:
		y := int64(t.Year())
		if y <= 0 { // year of era
			y = 1 - y
		}
		if e.minW >= 4 && len(strconv.FormatInt(y, 10)) > e.minW {
			b.WriteByte('+') // EXCEEDS_PAD
		}
		dtPad(b, y, e.minW)
	case dtYearReduced:
		y := t.Year() % 100
		if y < 0 {
			y += 100
		}
		dtPad(b, int64(y), 2)
	case dtMonth:
		if e.text == dtNumeric {
			dtPad(b, int64(t.Month()), e.minW)
		} else {
			b.WriteString(dtText(dtMonthsFull[t.Month()-1], e.text))
		}
	case dtDay:
		dtPad(b, int64(t.Day()), e.minW)
	case dtDayOfYear:
		dtPad(b, int64(t.YearDay()), e.minW)
	case dtDayOfWeek:
		b.WriteString(dtText(dtDaysFull[t.Weekday()], e.text))
	case dtEra:
		era := "AD"
		full := "Anno Domini"
		if t.Year() <= 0 {
			era, full = "BC", "Before Christ"
		}
		switch e.text {
		case dtFull:
			b.WriteString(full)
		case dtNarrow:
			b.WriteString(era[:1])
		default:
			b.WriteString(era)
		}
	case dtHour:
		dtPad(b, int64(t.Hour()), e.minW)
	case dtClockHour:
		h := t.Hour() % 12
		if h == 0 {
			h = 12
		}
		dtPad(b, int64(h), e.minW)
	case dtHourAmPm:
		dtPad(b, int64(t.Hour()%12), e.minW)
	case dtClockHour24:
		h := t.Hour()
		if h == 0 {
			h = 24
		}
		dtPad(b, int64(h), e.minW)
	case dtAmPm:
		if t.Hour() < 12 {
			b.WriteString("AM")
		} else {
			b.WriteString("PM")
		}
	case dtMinute:
		dtPad(b, int64(t.Minute()), e.minW)
	case dtSecond:
		dtPad(b, int64(t.Second()), e.minW)
	case dtFraction:
		s := fmt.Sprintf("%09d", t.Nanosecond())
		b.WriteString(s[:e.minW])
	case dtMilliOfDay:
		ms := int64(t.Hour())*3600000 + int64(t.Minute())*60000 + int64(t.Second())*1000 + int64(t.Nanosecond()/1e6)
		dtPad(b, ms, e.minW)
	case dtNano:
		dtPad(b, int64(t.Nanosecond()), e.minW)
	case dtOffset:
		_, off := t.Zone()
		b.WriteString(dtFormatOffset(off, e.offPattern, e.offZero))
	case dtOffsetGMT:
		_, off := t.Zone()
		b.WriteString(dtFormatGMT(off, e.text == dtFull))
	case dtZoneName:
		name, off := t.Zone()
		if t.Location() == time.UTC && name == "UTC" {
			name = "UTC"
		}
		if name == "" || name[0] == '+' || name[0] == '-' {
			name = dtFormatGMT(off, true)
		}
		if e.text == dtFull {
			if full, ok := dtZoneFullNames[name]; ok {
				name = full
			}
		}
		b.WriteString(name)
	case dtZoneID:
		b.WriteString(dtZoneIDOf(t))
	}
}

// dtZoneIDOf is Java's ZoneId.getId() of t's location.
func dtZoneIDOf(t time.Time) string {
	name := t.Location().String()
	if strings.HasPrefix(name, "fixed:") || name == "" {
		_, off := t.Zone()
		return dtFormatOffset(off, "+HH:MM:ss", "Z")
	}
	return name
}

// dtFormatOffset prints an offset in seconds in a Java offset pattern
// (+HH, +HHmm, +HH:mm, +HHMM, +HH:MM, +HHMMss, +HH:MM:ss, ...): lower-case
// parts are printed only when non-zero.
func dtFormatOffset(off int, pattern, zero string) string {
	if off == 0 {
		return zero
	}
	sign := byte('+')
	if off < 0 {
		sign = '-'
		off = -off
	}
	h, m, s := off/3600, off/60%60, off%60
	colon := strings.Contains(pattern, ":")
	var b strings.Builder
	b.WriteByte(sign)
	fmt.Fprintf(&b, "%02d", h)
	body := strings.ReplaceAll(pattern[3:], ":", "")
	showM := strings.Contains(body, "MM") || (strings.Contains(body, "mm") && (m != 0 || s != 0))
	showS := strings.Contains(body, "SS") || (strings.Contains(body, "ss") && s != 0)
	if showM || showS {
		if colon {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%02d", m)
	}
	if showS {
		if colon {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%02d", s)
	}
	return b.String()
}

// dtFormatGMT prints Java's localized offset: GMT, GMT+8, GMT+08:00.
func dtFormatGMT(off int, full bool) string {
	if off == 0 {
		return "GMT"
	}
	sign := byte('+')
	if off < 0 {
		sign = '-'
		off = -off
	}
	h, m, s := off/3600, off/60%60, off%60
	var b strings.Builder
	b.WriteString("GMT")
	b.WriteByte(sign)
	if full {
		fmt.Fprintf(&b, "%02d:%02d", h, m)
		if s != 0 {
			fmt.Fprintf(&b, ":%02d", s)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "%d", h)
	if m != 0 || s != 0 {
		fmt.Fprintf(&b, ":%02d", m)
		if s != 0 {
			fmt.Fprintf(&b, ":%02d", s)
		}
	}
	return b.String()
}
