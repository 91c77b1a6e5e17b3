package udf

import (
	"math"
	"strings"

	"github.com/rql/rql/sqltypes"
)

// The unit argument of DATEADD, TIMEADD, TIMESTAMPADD and their SUB
// counterparts is a bare identifier in SQL (DAYS, MILLISECONDS, ...); the
// planner passes it as a STRING literal holding the identifier's text.

// dtUnitNanos returns the length of a Java TimeUnit in nanoseconds; the
// singular and plural forms are accepted, in any case.
func dtUnitNanos(unit string) (int64, bool) {
	u := strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(unit)), "S")
	switch u {
	case "NANOSECOND":
		return 1, true
	case "MICROSECOND":
		return 1e3, true
	case "MILLISECOND":
		return 1e6, true
	case "SECOND":
		return 1e9, true
	case "MINUTE":
		return 60e9, true
	case "HOUR":
		return 3600e9, true
	case "DAY":
		return 86400e9, true
	}
	return 0, false
}

// dtToMillis is Java's TimeUnit.toMillis: truncating below a millisecond.
func dtToMillis(unitNanos int64, n int64) int64 {
	if unitNanos < 1e6 {
		return n / (1e6 / unitNanos)
	}
	return n * (unitNanos / 1e6)
}

// dtToNanos is Java's TimeUnit.toNanos, saturating on overflow.
func dtToNanos(unitNanos int64, n int64) int64 {
	if n > math.MaxInt64/unitNanos {
		return math.MaxInt64
	}
	if n < math.MinInt64/unitNanos {
		return math.MinInt64
	}
	return n * unitNanos
}

func dtUnitArg(v sqltypes.Value) (int64, error) {
	s := v.(string)
	n, ok := dtUnitNanos(s)
	if !ok {
		return 0, dtFail("unknown time unit: %s", s)
	}
	return n, nil
}

// dtAddDate adds n units to days since epoch as ksqlDB's DATEADD does:
// through milliseconds, truncating to whole days.
func dtAddDate(days int64, unitNanos, n int64) sqltypes.Date {
	return sqltypes.Date((days*msPerDay + dtToMillis(unitNanos, n)) / msPerDay)
}

// dtAddTime adds n units to a time of day, wrapping around midnight.
func dtAddTime(ms int64, unitNanos, n int64) sqltypes.Time {
	const nsPerDay = int64(msPerDay) * 1e6
	add := dtToNanos(unitNanos, n) % nsPerDay
	ns := ((add+ms*1e6)%nsPerDay + nsPerDay) % nsPerDay
	return sqltypes.Time(ns / 1e6)
}

func dtArithFuncs() []*FuncDef {
	str, in := sqltypes.String, sqltypes.Int
	mk := func(name, desc string, t *sqltypes.Type, sign int64, apply func(v sqltypes.Value, unitNanos, n int64) sqltypes.Value) *FuncDef {
		return &FuncDef{
			Name: name, Kind: Scalar, Category: catDateTime, Description: desc,
			Variants: []*Variant{dcVariant(t, desc, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				u, err := dtUnitArg(a[0])
				if err != nil {
					return nil, err
				}
				return apply(a[2], u, sign*int64(a[1].(int32))), nil
			}, dcParam("unit", str), dcParam("interval", in), dcParam(strings.ToLower(t.Kind.String()), t))},
		}
	}
	date := func(v sqltypes.Value, u, n int64) sqltypes.Value { return dtAddDate(int64(v.(sqltypes.Date)), u, n) }
	tm := func(v sqltypes.Value, u, n int64) sqltypes.Value { return dtAddTime(int64(v.(sqltypes.Time)), u, n) }
	ts := func(v sqltypes.Value, u, n int64) sqltypes.Value {
		return sqltypes.Timestamp(int64(v.(sqltypes.Timestamp)) + dtToMillis(u, n))
	}
	return []*FuncDef{
		mk("DATEADD", "Adds a duration to a DATE value.", sqltypes.DateT, 1, date),
		mk("DATESUB", "Subtracts a duration from a DATE value.", sqltypes.DateT, -1, date),
		mk("TIMEADD", "Adds a duration to a TIME value.", sqltypes.TimeT, 1, tm),
		mk("TIMESUB", "Subtracts a duration from a TIME value.", sqltypes.TimeT, -1, tm),
		mk("TIMESTAMPADD", "Adds a duration to a TIMESTAMP value.", sqltypes.TimestampT, 1, ts),
		mk("TIMESTAMPSUB", "Subtracts a duration from a TIMESTAMP value.", sqltypes.TimestampT, -1, ts),
	}
}
