package udf

import (
	"time"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
)

// catDateTime is ksqlDB's SHOW FUNCTIONS category of the date and time
// functions.
const catDateTime = "DATE / TIME"

const msPerDay = 86400000

// dcParam builds a Param (used by the date/time and collection tables).
func dcParam(name string, t *sqltypes.Type) Param { return Param{Name: name, Type: t} }

// dcVariant builds a Variant with the default NULL handling (any NULL
// argument gives NULL).
func dcVariant(ret *sqltypes.Type, desc string, eval EvalFunc, params ...Param) *Variant {
	return &Variant{Params: params, Return: ret, Description: desc, Eval: eval}
}

// dtFail is the error of a date/time function for its arguments.
func dtFail(format string, args ...any) error {
	return rqlerr.New(rqlerr.ExecFunction, format, args...)
}

// registerDateTime registers the date and time functions.
func registerDateTime(r *Registry) {
	r.MustRegister(dtUnixFuncs()...)
	r.MustRegister(dtFormatFuncs()...)
	r.MustRegister(dtParseFuncs()...)
	r.MustRegister(dtArithFuncs()...)
}

func dtUnixFuncs() []*FuncDef {
	ts, str := sqltypes.TimestampT, sqltypes.String
	return []*FuncDef{
		{
			Name: "UNIX_TIMESTAMP", Kind: Scalar, Category: catDateTime,
			Description: "Gets the Unix timestamp in milliseconds, represented as a BIGINT.",
			Variants: []*Variant{
				dcVariant(sqltypes.Bigint, "Gets the current Unix timestamp in milliseconds.",
					func(*EvalContext, []sqltypes.Value) (sqltypes.Value, error) {
						return time.Now().UnixMilli(), nil
					}),
				dcVariant(sqltypes.Bigint, "Gets the Unix timestamp in milliseconds of the given TIMESTAMP.",
					func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
						return int64(a[0].(sqltypes.Timestamp)), nil
					}, dcParam("timestamp", ts)),
			},
		},
		{
			Name: "UNIX_DATE", Kind: Scalar, Category: catDateTime,
			Description: "Gets an INTEGER representing days since epoch.",
			Variants: []*Variant{
				dcVariant(sqltypes.Int, "Gets the current date as days since epoch.",
					func(*EvalContext, []sqltypes.Value) (sqltypes.Value, error) {
						return int32(time.Now().UTC().Unix() / 86400), nil
					}),
				dcVariant(sqltypes.Int, "Gets the given DATE as days since epoch.",
					func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
						return int32(a[0].(sqltypes.Date)), nil
					}, dcParam("date", sqltypes.DateT)),
			},
		},
		{
			Name: "FROM_UNIXTIME", Kind: Scalar, Category: catDateTime,
			Description: "Converts a BIGINT millisecond timestamp value into a TIMESTAMP value.",
			Variants: []*Variant{
				dcVariant(ts, "Converts milliseconds since epoch to a TIMESTAMP.",
					func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
						return sqltypes.Timestamp(a[0].(int64)), nil
					}, dcParam("epochMilli", sqltypes.Bigint)),
			},
		},
		{
			Name: "FROM_DAYS", Kind: Scalar, Category: catDateTime,
			Description: "Converts an INTEGER number of days since epoch to a DATE value.",
			Variants: []*Variant{
				dcVariant(sqltypes.DateT, "Converts days since epoch to a DATE.",
					func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
						return sqltypes.Date(a[0].(int32)), nil
					}, dcParam("days", sqltypes.Int)),
			},
		},
		{
			Name: "CONVERT_TZ", Kind: Scalar, Category: catDateTime,
			Description: "Converts a TIMESTAMP value from one timezone to another.",
			Variants: []*Variant{
				dcVariant(ts, "Converts a TIMESTAMP value from one timezone to another.",
					func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
						ms := int64(a[0].(sqltypes.Timestamp))
						from, err := dtLoadZone(a[1].(string))
						if err != nil {
							return nil, dtFail("invalid time zone: %s", err.Error())
						}
						to, err := dtLoadZone(a[2].(string))
						if err != nil {
							return nil, dtFail("invalid time zone: %s", err.Error())
						}
						t := time.UnixMilli(ms)
						_, offTo := t.In(to).Zone()
						_, offFrom := t.In(from).Zone()
						return sqltypes.Timestamp(ms + int64(offTo-offFrom)*1000), nil
					}, dcParam("timestamp", ts), dcParam("fromTimeZone", str), dcParam("toTimeZone", str)),
			},
		},
	}
}

// dtFormatMillis formats ms since epoch at zone tz with pattern.
func dtFormatMillis(ms int64, pattern, tz string) (string, error) {
	loc, err := dtLoadZone(tz)
	if err != nil {
		return "", dtFail("failed to format timestamp %d at timezone '%s' with formatter '%s': %s", ms, tz, pattern, err.Error())
	}
	p, err := dtCompile(pattern)
	if err == nil {
		var s string
		if s, err = p.format(time.UnixMilli(ms).In(loc), dtAvail{date: true, time: true, zone: true}); err == nil {
			return s, nil
		}
	}
	return "", dtFail("failed to format timestamp %d with formatter '%s': %s", ms, pattern, err.Error())
}

func dtFormatDays(days int64, pattern string) (string, error) {
	p, err := dtCompile(pattern)
	if err == nil {
		var s string
		t := time.UnixMilli(days * msPerDay).UTC()
		if s, err = p.format(t, dtAvail{date: true}); err == nil {
			return s, nil
		}
	}
	return "", dtFail("failed to format date %d with formatter '%s': %s", days, pattern, err.Error())
}

func dtFormatFuncs() []*FuncDef {
	ts, str := sqltypes.TimestampT, sqltypes.String
	fmtTS := func(ms func(sqltypes.Value) int64) func(bool) EvalFunc {
		return func(withZone bool) EvalFunc {
			return func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				tz := "UTC"
				if withZone {
					tz = a[2].(string)
				}
				return dtFormatMillis(ms(a[0]), a[1].(string), tz)
			}
		}
	}
	fromTS := fmtTS(func(v sqltypes.Value) int64 { return int64(v.(sqltypes.Timestamp)) })
	fromBig := fmtTS(func(v sqltypes.Value) int64 { return v.(int64) })
	return []*FuncDef{
		{
			Name: "FORMAT_TIMESTAMP", Kind: Scalar, Category: catDateTime,
			Description: "Converts a TIMESTAMP value into the string representation of the timestamp in the given format.",
			Variants: []*Variant{
				dcVariant(str, "Formats a TIMESTAMP at UTC.", fromTS(false),
					dcParam("timestamp", ts), dcParam("formatPattern", str)),
				dcVariant(str, "Formats a TIMESTAMP at the given time zone.", fromTS(true),
					dcParam("timestamp", ts), dcParam("formatPattern", str), dcParam("timeZone", str)),
			},
		},
		{
			Name: "TIMESTAMPTOSTRING", Kind: Scalar, Category: catDateTime,
			Description: "Converts a BIGINT millisecond timestamp value into the string representation of the timestamp in the given format.",
			Variants: []*Variant{
				dcVariant(str, "Formats epoch milliseconds at UTC.", fromBig(false),
					dcParam("epochMilli", sqltypes.Bigint), dcParam("formatPattern", str)),
				dcVariant(str, "Formats epoch milliseconds at the given time zone.", fromBig(true),
					dcParam("epochMilli", sqltypes.Bigint), dcParam("formatPattern", str), dcParam("timeZone", str)),
			},
		},
		{
			Name: "FORMAT_DATE", Kind: Scalar, Category: catDateTime,
			Description: "Converts a DATE value to a string using the given format pattern.",
			Variants: []*Variant{
				dcVariant(str, "Formats a DATE.", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					return dtFormatDays(int64(a[0].(sqltypes.Date)), a[1].(string))
				}, dcParam("date", sqltypes.DateT), dcParam("formatPattern", str)),
			},
		},
		{
			Name: "DATETOSTRING", Kind: Scalar, Category: catDateTime,
			Description: "Converts an INTEGER of days since epoch into a string in the given format.",
			Variants: []*Variant{
				dcVariant(str, "Formats days since epoch.", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					return dtFormatDays(int64(a[0].(int32)), a[1].(string))
				}, dcParam("epochDays", sqltypes.Int), dcParam("formatPattern", str)),
			},
		},
		{
			Name: "FORMAT_TIME", Kind: Scalar, Category: catDateTime,
			Description: "Converts a TIME value into a string using the given format pattern.",
			Variants: []*Variant{
				dcVariant(str, "Formats a TIME.", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					ms := int64(a[0].(sqltypes.Time))
					pattern := a[1].(string)
					p, err := dtCompile(pattern)
					if err == nil {
						var s string
						if s, err = p.format(time.UnixMilli(ms).UTC(), dtAvail{time: true}); err == nil {
							return s, nil
						}
					}
					return nil, dtFail("failed to format time %d with formatter '%s': %s", ms, pattern, err.Error())
				}, dcParam("time", sqltypes.TimeT), dcParam("formatPattern", str)),
			},
		},
	}
}

// dtParseDays parses a date string; trailing text after the pattern is
// ignored, as the corpus shows for PARSE_DATE.
func dtParseDays(s, pattern string) (int32, error) {
	fail := func(err error) (int32, error) {
		return 0, dtFail("failed to parse date '%s' with formatter '%s': %s", s, pattern, err.Error())
	}
	p, err := dtCompile(pattern)
	if err != nil {
		return fail(err)
	}
	if _, ok := p.has(func(f dtField) bool { return f.isTime() }); ok {
		return fail(dtFail("date format contains time field"))
	}
	r, err := p.parse(s, true)
	if err != nil {
		return fail(err)
	}
	y, m, d, err := r.date()
	if err != nil {
		return fail(err)
	}
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400), nil
}

// dtParseMillis parses a timestamp string at zone tz unless the text
// carries its own zone.
func dtParseMillis(s, pattern, tz string) (int64, error) {
	fail := func(err error) (int64, error) {
		return 0, dtFail("failed to parse timestamp '%s' at timezone '%s' with formatter '%s': %s", s, tz, pattern, err.Error())
	}
	loc, err := dtLoadZone(tz)
	if err != nil {
		return fail(err)
	}
	p, err := dtCompile(pattern)
	if err != nil {
		return fail(err)
	}
	r, err := p.parse(s, false)
	if err != nil {
		return fail(err)
	}
	ms, err := r.timestamp(loc)
	if err != nil {
		return fail(err)
	}
	return ms, nil
}

func dtParseFuncs() []*FuncDef {
	ts, str := sqltypes.TimestampT, sqltypes.String
	parseTS := func(withZone bool, wrap func(int64) sqltypes.Value) EvalFunc {
		return func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
			tz := "UTC"
			if withZone {
				tz = a[2].(string)
			}
			ms, err := dtParseMillis(a[0].(string), a[1].(string), tz)
			if err != nil {
				return nil, err
			}
			return wrap(ms), nil
		}
	}
	asTS := func(ms int64) sqltypes.Value { return sqltypes.Timestamp(ms) }
	asBig := func(ms int64) sqltypes.Value { return ms }
	return []*FuncDef{
		{
			Name: "PARSE_TIMESTAMP", Kind: Scalar, Category: catDateTime,
			Description: "Converts a string representation of a date in the given format into a TIMESTAMP value.",
			Variants: []*Variant{
				dcVariant(ts, "Parses a TIMESTAMP at UTC unless the text has a zone.", parseTS(false, asTS),
					dcParam("formattedTimestamp", str), dcParam("formatPattern", str)),
				dcVariant(ts, "Parses a TIMESTAMP at the given time zone unless the text has a zone.", parseTS(true, asTS),
					dcParam("formattedTimestamp", str), dcParam("formatPattern", str), dcParam("timeZone", str)),
			},
		},
		{
			Name: "STRINGTOTIMESTAMP", Kind: Scalar, Category: catDateTime,
			Description: "Converts a string value in the given format into the BIGINT value that represents the millisecond timestamp.",
			Variants: []*Variant{
				dcVariant(sqltypes.Bigint, "Parses epoch milliseconds at UTC unless the text has a zone.", parseTS(false, asBig),
					dcParam("formattedTimestamp", str), dcParam("formatPattern", str)),
				dcVariant(sqltypes.Bigint, "Parses epoch milliseconds at the given time zone unless the text has a zone.", parseTS(true, asBig),
					dcParam("formattedTimestamp", str), dcParam("formatPattern", str), dcParam("timeZone", str)),
			},
		},
		{
			Name: "PARSE_DATE", Kind: Scalar, Category: catDateTime,
			Description: "Converts a string representation of a date in the given format into a DATE value.",
			Variants: []*Variant{
				dcVariant(sqltypes.DateT, "Parses a DATE.", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					d, err := dtParseDays(a[0].(string), a[1].(string))
					if err != nil {
						return nil, err
					}
					return sqltypes.Date(d), nil
				}, dcParam("formattedDate", str), dcParam("formatPattern", str)),
			},
		},
		{
			Name: "STRINGTODATE", Kind: Scalar, Category: catDateTime,
			Description: "Converts a string representation of a date into an INTEGER representing days since epoch.",
			Variants: []*Variant{
				dcVariant(sqltypes.Int, "Parses days since epoch.", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					d, err := dtParseDays(a[0].(string), a[1].(string))
					if err != nil {
						return nil, err
					}
					return d, nil
				}, dcParam("formattedDate", str), dcParam("formatPattern", str)),
			},
		},
		{
			Name: "PARSE_TIME", Kind: Scalar, Category: catDateTime,
			Description: "Converts a string representation of a time in the given format into a TIME value.",
			Variants: []*Variant{
				dcVariant(sqltypes.TimeT, "Parses a TIME.", func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
					s, pattern := a[0].(string), a[1].(string)
					fail := func(err error) (sqltypes.Value, error) {
						return nil, dtFail("failed to parse time '%s' with formatter '%s': %s", s, pattern, err.Error())
					}
					p, err := dtCompile(pattern)
					if err != nil {
						return fail(err)
					}
					if _, ok := p.has(func(f dtField) bool { return f.isDate() }); ok {
						return fail(dtFail("time format contains date field"))
					}
					r, err := p.parse(s, false)
					if err != nil {
						return fail(err)
					}
					return sqltypes.Time(r.clock() / 1e6), nil
				}, dcParam("formattedTime", str), dcParam("formatPattern", str)),
			},
		},
	}
}
