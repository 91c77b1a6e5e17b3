package udf

import (
	"testing"
	"time"

	"github.com/rql/rql/sqltypes"
)

const (
	kStr = sqltypes.KindString
	kTS  = sqltypes.KindTimestamp
	kBig = sqltypes.KindBigint
	kInt = sqltypes.KindInt
)

func TestDateTimeFunctions(t *testing.T) {
	ts := func(ms int64) sqltypes.Value { return sqltypes.Timestamp(ms) }
	cases := []struct {
		name  string
		fn    string
		kinds []sqltypes.Kind
		args  []sqltypes.Value
		want  sqltypes.Value
		err   bool
	}{
		// convert-tz
		{"tz offsets", "CONVERT_TZ", []sqltypes.Kind{kTS, kStr, kStr}, cvals(ts(100), "+0200", "+0500"), ts(10800100), false},
		{"tz names", "CONVERT_TZ", []sqltypes.Kind{kTS, kStr, kStr}, cvals(ts(1589234313000), "America/Los_Angeles", "America/New_York"), ts(1589245113000), false},
		{"tz bad", "CONVERT_TZ", []sqltypes.Kind{kTS, kStr, kStr}, cvals(ts(1), "Nowhere/Land", "UTC"), nil, true},
		{"tz null", "CONVERT_TZ", []sqltypes.Kind{kTS, kStr, kStr}, cvals(nil, "UTC", "UTC"), nil, false},
		// format-date
		{"fd iso", "FORMAT_DATE", []sqltypes.Kind{sqltypes.KindDate, kStr}, cvals(sqltypes.Date(17662), "yyyy-MM-dd"), "2018-05-11", false},
		{"fd slash", "FORMAT_DATE", []sqltypes.Kind{sqltypes.KindDate, kStr}, cvals(sqltypes.Date(18027), "dd/MM/yyyy"), "11/05/2019", false},
		{"fd MMM", "FORMAT_DATE", []sqltypes.Kind{sqltypes.KindDate, kStr}, cvals(sqltypes.Date(18993), "dd-MMM-yyyy"), "01-Jan-2022", false},
		{"fd quoted", "FORMAT_DATE", []sqltypes.Kind{sqltypes.KindDate, kStr}, cvals(sqltypes.Date(-1), "dd-MM-yyyy'Sophia'"), "31-12-1969Sophia", false},
		{"fd time field", "FORMAT_DATE", []sqltypes.Kind{sqltypes.KindDate, kStr}, cvals(sqltypes.Date(1), "HH"), nil, true},
		{"datetostring", "DATETOSTRING", []sqltypes.Kind{kInt, kStr}, cvals(int32(17662), "yyyy-MM-dd"), "2018-05-11", false},
		// format-time
		{"ft millis", "FORMAT_TIME", []sqltypes.Kind{sqltypes.KindTime, kStr}, cvals(sqltypes.Time(65000), "HH_mm_ss_SSS"), "00_01_05_000", false},
		{"ft literal", "FORMAT_TIME", []sqltypes.Kind{sqltypes.KindTime, kStr}, cvals(sqltypes.Time(1234567), "HHmmss'AAAAA'"), "002034AAAAA", false},
		{"ft null", "FORMAT_TIME", []sqltypes.Kind{sqltypes.KindTime, kStr}, cvals(nil, "HH:mm:ss"), nil, false},
		{"ft date field", "FORMAT_TIME", []sqltypes.Kind{sqltypes.KindTime, kStr}, cvals(sqltypes.Time(0), "yyyy"), nil, true},
		// parse-date / stringtodate
		{"pd literal", "PARSE_DATE", []sqltypes.Kind{kStr, kStr}, cvals("2018-05-11Lit", "yyyy-MM-dd'Lit'"), sqltypes.Date(17662), false},
		{"pd slash", "PARSE_DATE", []sqltypes.Kind{kStr, kStr}, cvals("11/05/2019", "dd/MM/yyyy"), sqltypes.Date(18027), false},
		{"pd MMM", "PARSE_DATE", []sqltypes.Kind{kStr, kStr}, cvals("01-Jan-2022", "dd-MMM-yyyy"), sqltypes.Date(18993), false},
		{"pd MMM upper", "PARSE_DATE", []sqltypes.Kind{kStr, kStr}, cvals("01-JAN-2022", "dd-MMM-yyyy"), sqltypes.Date(18993), false},
		{"pd no day", "PARSE_DATE", []sqltypes.Kind{kStr, kStr}, cvals("JAN-2022", "MMM-yyyy"), sqltypes.Date(18993), false},
		{"pd trailing", "PARSE_DATE", []sqltypes.Kind{kStr, kStr}, cvals("2008-08-13-01-01", "yyyy-MM-dd"), sqltypes.Date(14104), false},
		{"pd short", "PARSE_DATE", []sqltypes.Kind{kStr, kStr}, cvals("2004", "yyyy-MM-dd"), nil, true},
		{"pd garbage", "PARSE_DATE", []sqltypes.Kind{kStr, kStr}, cvals("abcd", "yyyy-MM-dd"), nil, true},
		{"pd compact", "PARSE_DATE", []sqltypes.Kind{kStr, kStr}, cvals("20180511", "yyyyMMdd"), sqltypes.Date(17662), false},
		{"pd time field", "PARSE_DATE", []sqltypes.Kind{kStr, kStr}, cvals("2018-05-11 10", "yyyy-MM-dd HH"), nil, true},
		{"stringtodate", "STRINGTODATE", []sqltypes.Kind{kStr, kStr}, cvals("01-01-1970", "dd-MM-yyyy"), int32(0), false},
		{"stringtodate bad", "STRINGTODATE", []sqltypes.Kind{kStr, kStr}, cvals("foo", "yyyyMMdd"), nil, true},
		// parse-time
		{"pt literal", "PARSE_TIME", []sqltypes.Kind{kStr, kStr}, cvals("00:01:05Lit", "HH:mm:ss'Lit'"), sqltypes.Time(65000), false},
		{"pt slash", "PARSE_TIME", []sqltypes.Kind{kStr, kStr}, cvals("11/05/19", "HH/mm/ss"), sqltypes.Time(39919000), false},
		{"pt pm", "PARSE_TIME", []sqltypes.Kind{kStr, kStr}, cvals("01:00:00 PM", "hh:mm:ss a"), sqltypes.Time(46800000), false},
		{"pt Pm", "PARSE_TIME", []sqltypes.Kind{kStr, kStr}, cvals("01:00:00 Pm", "hh:mm:ss a"), sqltypes.Time(46800000), false},
		{"pt 12am", "PARSE_TIME", []sqltypes.Kind{kStr, kStr}, cvals("12:30 AM", "hh:mm a"), sqltypes.Time(1800000), false},
		// stringtotimestamp / parse_timestamp
		{"st X", "STRINGTOTIMESTAMP", []sqltypes.Kind{kStr, kStr}, cvals("2018-05-11T21:58:33Z", "yyyy-MM-dd'T'HH:mm:ssX"), int64(1526075913000), false},
		{"st x lower z", "STRINGTOTIMESTAMP", []sqltypes.Kind{kStr, kStr}, cvals("2020-05-11T21:58:33z", "yyyy-MM-dd'T'HH:mm:ssX"), int64(1589234313000), false},
		{"st S and +0000", "STRINGTOTIMESTAMP", []sqltypes.Kind{kStr, kStr}, cvals("2019-08-27T13:31:09.2+0000", "yyyy-MM-dd'T'HH:mm:ss.SX"), int64(1566912669200), false},
		{"st offset", "STRINGTOTIMESTAMP", []sqltypes.Kind{kStr, kStr}, cvals("2019-01-01T00:00:00+0445", "yyyy-MM-dd'T'HH:mm:ssX"), int64(1546300800000 - 17100000), false},
		{"st zone arg", "STRINGTOTIMESTAMP", []sqltypes.Kind{kStr, kStr, kStr}, cvals("2018-05-11 14:58:33", "yyyy-MM-dd HH:mm:ss", "America/Los_Angeles"), int64(1526075913000), false},
		{"st bad", "STRINGTOTIMESTAMP", []sqltypes.Kind{kStr, kStr}, cvals("not a timestamp", "yyyy-MM-dd'T'HH:mm:ssX"), nil, true},
		{"pts plain", "PARSE_TIMESTAMP", []sqltypes.Kind{kStr, kStr}, cvals("2018-05-11T21:58:33", "yyyy-MM-dd'T'HH:mm:ss"), ts(1526075913000), false},
		{"pts zzz", "PARSE_TIMESTAMP", []sqltypes.Kind{kStr, kStr}, cvals("2018-05-11T21:58:33 PST", "yyyy-MM-dd'T'HH:mm:ss zzz"), ts(1526101113000), false},
		{"pts SSS", "PARSE_TIMESTAMP", []sqltypes.Kind{kStr, kStr}, cvals("2018-01-01 00:00:00.001", "yyyy-MM-dd HH:mm:ss.SSS"), ts(1514764800001), false},
		{"pts VV", "PARSE_TIMESTAMP", []sqltypes.Kind{kStr, kStr}, cvals("2018-05-11 22:58:33 Europe/London", "yyyy-MM-dd HH:mm:ss VV"), ts(1526075913000), false},
		{"pts optional", "PARSE_TIMESTAMP", []sqltypes.Kind{kStr, kStr}, cvals("2018-05-11 21:58", "yyyy-MM-dd HH:mm[:ss]"), ts(1526075880000), false},
		// timestamptostring / format_timestamp
		{"tts zone", "TIMESTAMPTOSTRING", []sqltypes.Kind{kBig, kStr, kStr}, cvals(int64(1526075913000), "yyyy-MM-dd HH:mm:ss zzz", "America/Los_Angeles"), "2018-05-11 14:58:33 PDT", false},
		{"tts london", "TIMESTAMPTOSTRING", []sqltypes.Kind{kBig, kStr, kStr}, cvals(int64(1526075913000), "yyyy-MM-dd HH:mm:ss zzz", "Europe/London"), "2018-05-11 22:58:33 BST", false},
		{"tts bad zone", "TIMESTAMPTOSTRING", []sqltypes.Kind{kBig, kStr, kStr}, cvals(int64(1), "yyyy", "Bad/Zone"), nil, true},
		{"fts utc", "FORMAT_TIMESTAMP", []sqltypes.Kind{kTS, kStr}, cvals(ts(1526075913000), "yyyy-MM-dd HH:mm:ss"), "2018-05-11 21:58:33", false},
		{"fts X", "FORMAT_TIMESTAMP", []sqltypes.Kind{kTS, kStr, kStr}, cvals(ts(1526075913123), "yyyy-MM-dd'T'HH:mm:ss.SSSX", "+05:30"), "2018-05-12T03:28:33.123+0530", false},
		{"fts XXX utc", "FORMAT_TIMESTAMP", []sqltypes.Kind{kTS, kStr, kStr}, cvals(ts(0), "XXX|xxx|Z|ZZZZZ|O", "UTC"), "Z|+00:00|+0000|Z|GMT", false},
		{"fts text", "FORMAT_TIMESTAMP", []sqltypes.Kind{kTS, kStr}, cvals(ts(1526075913000), "EEE, d MMMM yy h:mm a G D"), "Fri, 11 May 18 9:58 PM AD 131", false},
		{"fts bad pattern", "FORMAT_TIMESTAMP", []sqltypes.Kind{kTS, kStr}, cvals(ts(0), "yyyy-bb"), nil, true},
		{"fts unterminated quote", "FORMAT_TIMESTAMP", []sqltypes.Kind{kTS, kStr}, cvals(ts(0), "yyyy'T"), nil, true},
		// unix / from
		{"unix ts", "UNIX_TIMESTAMP", []sqltypes.Kind{kTS}, cvals(ts(1589234313000)), int64(1589234313000), false},
		{"unix date", "UNIX_DATE", []sqltypes.Kind{sqltypes.KindDate}, cvals(sqltypes.Date(-10)), int32(-10), false},
		{"from_unixtime", "FROM_UNIXTIME", []sqltypes.Kind{kBig}, cvals(int64(100)), ts(100), false},
		{"from_days", "FROM_DAYS", []sqltypes.Kind{kInt}, cvals(int32(-10)), sqltypes.Date(-10), false},
		// arithmetic
		{"dateadd", "DATEADD", []sqltypes.Kind{kStr, kInt, sqltypes.KindDate}, cvals("DAYS", int32(10), sqltypes.Date(10)), sqltypes.Date(20), false},
		{"dateadd hours", "DATEADD", []sqltypes.Kind{kStr, kInt, sqltypes.KindDate}, cvals("HOURS", int32(49), sqltypes.Date(0)), sqltypes.Date(2), false},
		{"datesub", "DATESUB", []sqltypes.Kind{kStr, kInt, sqltypes.KindDate}, cvals("day", int32(3), sqltypes.Date(10)), sqltypes.Date(7), false},
		{"dateadd bad unit", "DATEADD", []sqltypes.Kind{kStr, kInt, sqltypes.KindDate}, cvals("FORTNIGHTS", int32(3), sqltypes.Date(10)), nil, true},
		{"timesub wrap", "TIMESUB", []sqltypes.Kind{kStr, kInt, sqltypes.KindTime}, cvals("MILLISECONDS", int32(10), sqltypes.Time(5)), sqltypes.Time(86399995), false},
		{"timesub", "TIMESUB", []sqltypes.Kind{kStr, kInt, sqltypes.KindTime}, cvals("MILLISECONDS", int32(10), sqltypes.Time(20)), sqltypes.Time(10), false},
		{"timeadd days", "TIMEADD", []sqltypes.Kind{kStr, kInt, sqltypes.KindTime}, cvals("DAYS", int32(3), sqltypes.Time(20)), sqltypes.Time(20), false},
		{"timestampadd", "TIMESTAMPADD", []sqltypes.Kind{kStr, kInt, kTS}, cvals("MILLISECONDS", int32(10), ts(10)), ts(20), false},
		{"timestampadd micro", "TIMESTAMPADD", []sqltypes.Kind{kStr, kInt, kTS}, cvals("MICROSECONDS", int32(2500), ts(10)), ts(12), false},
		{"timestampsub", "TIMESTAMPSUB", []sqltypes.Kind{kStr, kInt, kTS}, cvals("SECONDS", int32(1), ts(1010)), ts(10), false},
		{"timestampadd null", "TIMESTAMPADD", []sqltypes.Kind{kStr, kInt, kTS}, cvals("SECONDS", int32(1), nil), nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := testCall(testVariant(t, c.fn, c.kinds...), c.args...)
			if c.err {
				if err == nil {
					t.Fatalf("want error, got %v", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != c.want {
				t.Fatalf("got %#v, want %#v", got, c.want)
			}
		})
	}
}

func TestUnixNow(t *testing.T) {
	got, err := testCall(testVariant(t, "UNIX_TIMESTAMP"))
	if err != nil || got.(int64) < 1600000000000 {
		t.Fatalf("UNIX_TIMESTAMP() = %v, %v", got, err)
	}
	d, err := testCall(testVariant(t, "UNIX_DATE"))
	if err != nil || d.(int32) < 18000 {
		t.Fatalf("UNIX_DATE() = %v, %v", d, err)
	}
}

// TestPatternRoundTrip formats instants and parses the text back.
func TestPatternRoundTrip(t *testing.T) {
	patterns := []string{
		"yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
		"yyyy-MM-dd HH:mm:ss.SSS Z",
		"dd/MMM/yyyy:hh:mm:ss.SSS a VV",
		"EEEE, MMMM d, yyyy HH:mm:ss.SSS zzz",
		"yyyyMMddHHmmssSSSxx",
		"yyyy-DDD'T'HH:mm:ss.SSSO",
		"''yyyy'' MM dd HH mm ss SSS XXXXX",
	}
	zones := []string{"UTC", "America/Los_Angeles", "Europe/London", "Asia/Kolkata", "+03:00"}
	instants := []int64{0, 1526075913123, 1589234313999, -86400001, 951782400000, 1704067199999}
	for _, pat := range patterns {
		p, err := dtCompile(pat)
		if err != nil {
			t.Fatalf("compile %q: %v", pat, err)
		}
		for _, z := range zones {
			loc, err := dtLoadZone(z)
			if err != nil {
				t.Fatalf("zone %s: %v", z, err)
			}
			for _, ms := range instants {
				s, err := p.format(time.UnixMilli(ms).In(loc), dtAvail{true, true, true})
				if err != nil {
					t.Fatalf("format %q: %v", pat, err)
				}
				r, err := p.parse(s, false)
				if err != nil {
					t.Fatalf("parse %q with %q: %v", s, pat, err)
				}
				back, err := r.timestamp(time.UTC)
				if err != nil || back != ms {
					t.Errorf("%q %s %d: printed %q, parsed back %d (%v)", pat, z, ms, s, back, err)
				}
			}
		}
	}
}

func TestZones(t *testing.T) {
	cases := []struct {
		id   string
		off  int // offset in seconds at 2018-01-01T00:00Z
		fail bool
	}{
		{"UTC", 0, false}, {"Z", 0, false}, {"+02", 7200, false}, {"-0130", -5400, false},
		{"+05:30", 19800, false}, {"GMT+2", 7200, false}, {"UTC-03:00", -10800, false},
		{"PST", -28800, false}, {"EST", -18000, false}, {"America/New_York", -18000, false},
		{"Local", 0, true}, {"Mars/Base", 0, true}, {"", 0, true}, {"+2x", 0, true},
	}
	at := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range cases {
		loc, err := dtLoadZone(c.id)
		if c.fail {
			if err == nil {
				t.Errorf("%q: want error", c.id)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.id, err)
			continue
		}
		if _, off := at.In(loc).Zone(); off != c.off {
			t.Errorf("%q: offset %d, want %d", c.id, off, c.off)
		}
	}
}
