package udf

import (
	"math"
	"testing"

	"github.com/rql/rql/sqltypes"
)

func TestMathFunctions(t *testing.T) {
	d3316 := func(s string) tv { return decv(s, 33, 16) }
	big := "12345678987654321.2345678987654321"
	runFnCases(t, []fnCase{
		{"ABS", []tv{iv(-3)}, int32(3)},
		{"ABS", []tv{bv(-3)}, int64(3)},
		{"ABS", []tv{dv(-3.5)}, 3.5},
		{"ABS", []tv{decv("-1.50", 3, 2)}, "dec:1.50"},
		{"CEIL", []tv{dv(1.2)}, 2.0},
		{"CEIL", []tv{decv("1.20", 3, 2)}, "dec:2.00"},
		{"CEIL", []tv{decv("-1.20", 3, 2)}, "dec:-1.00"},
		{"FLOOR", []tv{decv("-1.20", 3, 2)}, "dec:-2.00"},
		{"FLOOR", []tv{iv(4)}, int32(4)},
		{"ROUND", []tv{dv(1.5)}, int64(2)},
		{"ROUND", []tv{dv(-1.5)}, int64(-1)},
		{"ROUND", []tv{dv(1.2)}, int64(1)},
		{"ROUND", []tv{dv(1.234567), iv(2)}, 1.23},
		{"ROUND", []tv{dv(1.2), iv(-1)}, 0.0},
		{"ROUND", []tv{dv(1.7), iv(10)}, 1.7},
		{"ROUND", []tv{iv(3)}, int64(3)},
		{"ROUND", []tv{d3316(big)}, "dec:12345678987654321"},
		{"ROUND", []tv{d3316(big), iv(0)}, "dec:12345678987654321.0000000000000000"},
		{"ROUND", []tv{d3316(big), iv(1)}, "dec:12345678987654321.2000000000000000"},
		{"ROUND", []tv{d3316(big), iv(10)}, "dec:12345678987654321.2345678988000000"},
		{"ROUND", []tv{d3316(big), iv(-1)}, "dec:12345678987654320.0000000000000000"},
		{"ROUND", []tv{d3316(big), iv(-2)}, "dec:12345678987654300.0000000000000000"},
		{"ROUND", []tv{decv("-2.5", 2, 1)}, "dec:-2"},
		{"ROUND", []tv{decv("-2.51", 3, 2)}, "dec:-3"},
		{"TRUNC", []tv{dv(1.7)}, int64(1)},
		{"TRUNC", []tv{dv(1.234567), iv(2)}, 1.23},
		{"TRUNC", []tv{bv(-1)}, int64(-1)},
		{"TRUNC", []tv{decv("-1.99", 3, 2), iv(1)}, "dec:-1.90"},
		{"SIGN", []tv{iv(-1)}, int32(-1)},
		{"SIGN", []tv{bv(0)}, int32(0)},
		{"SIGN", []tv{dv(3)}, int32(1)},
		{"SQRT", []tv{iv(4)}, 2.0},
		{"CBRT", []tv{iv(-8)}, -2.0},
		{"CBRT", []tv{bv(3)}, 1.4422495703074083},
		{"LOG", []tv{iv(13)}, 2.5649493574615367},
		{"LOG", []tv{iv(15), iv(13)}, 0.9471572411831843},
		{"LOG", []tv{bv(0)}, math.Inf(-1)},
		{"LN", []tv{dv(1)}, 0.0},
		{"EXP", []tv{iv(0)}, 1.0},
		{"POWER", []tv{iv(15), iv(-1)}, 0.06666666666666667},
		{"POWER", []tv{iv(15), iv(13)}, 1946195068359375.0},
		{"PI", nil, math.Pi},
		{"COT", []tv{iv(0)}, math.Inf(1)},
		{"ATAN2", []tv{iv(-2), iv(0)}, -math.Pi / 2},
		{"DEGREES", []tv{dv(math.Pi)}, 180.0},
		{"RADIANS", []tv{iv(180)}, math.Pi},
		{"GEO_DISTANCE", []tv{dv(37.4439), dv(-122.1663), dv(51.5257), dv(-0.1122)}, 8634.659796579544},
		{"GEO_DISTANCE", []tv{dv(37.4439), dv(-122.1663), dv(51.5257), dv(-0.1122), sv("MI")}, 5365.659729188262},
		{"GEO_DISTANCE", []tv{dv(-33.9323), dv(18.4197), dv(-33.8666), dv(151.1)}, 11005.23304055582},
		{"GEO_DISTANCE", []tv{dv(37.4439), dv(-122.1663), iv(51), iv(0)}, 8682.459061368269},
		{"GEO_DISTANCE", []tv{dv(37.4439), dv(-122.1663), dv(51.5257), dv(-0.1122), nv(sqltypes.String)}, 8634.659796579544},
		{"GEO_DISTANCE", []tv{dv(37.4439), dv(-122.1663), dv(51.5257), dv(-0.1122), sv(" ")}, 8634.659796579544},
		{"GEO_DISTANCE", []tv{nv(sqltypes.Double), dv(-122.1663), dv(51.5257), dv(-0.1122), sv("KM")}, nil},
		{"LOG", []tv{dv(0), dv(13)}, math.NaN()},
		{"LOG", []tv{iv(1), iv(13)}, math.NaN()},
		{"LOG", []tv{bv(-15), bv(13)}, math.NaN()},
		{"LOG", []tv{dv(15), dv(0)}, math.Inf(-1)},
		{"LOG", []tv{dv(15), dv(-13)}, math.NaN()},
	})
	r := Builtins()
	v, _, err := callFn(t, r, nil, "ASIN", iv(2))
	if err != nil || !math.IsNaN(v.(float64)) {
		t.Errorf("ASIN(2) = %v, %v", v, err)
	}
	v, _, _ = callFn(t, r, nil, "RANDOM")
	if f := v.(float64); f < 0 || f >= 1 {
		t.Errorf("RANDOM() = %v", f)
	}
}

func TestGreatestLeast(t *testing.T) {
	dt := sqltypes.DateT
	runFnCases(t, []fnCase{
		{"GREATEST", []tv{bv(math.MaxInt64), bv(math.MinInt64), nv(sqltypes.Bigint), null()}, int64(math.MaxInt64)},
		{"LEAST", []tv{iv(math.MaxInt32), iv(math.MinInt32), nv(sqltypes.Int), null(), iv(5)}, int32(math.MinInt32)},
		{"GREATEST", []tv{iv(-1), bv(1000000000000), dv(99999.99999), null()}, 1000000000000.0},
		{"GREATEST", []tv{decv("1234567.89", 9, 2), decv("0.123456", 7, 6)}, "dec:1234567.89"},
		{"GREATEST", []tv{sv("apple"), sv("banana"), nv(sqltypes.String), null(), sv("hello")}, "hello"},
		{"LEAST", []tv{sv("!"), sv("zebra"), sv("aardvark")}, "!"},
		{"GREATEST", []tv{nv(sqltypes.String), nv(sqltypes.String), sv("hello")}, "hello"},
		{"GREATEST", []tv{{dt, sqltypes.Date(19071)}, {dt, sqltypes.Date(-5883)}, null(), sv("2022-06-14")}, sqltypes.Date(19157)},
		{"LEAST", []tv{{dt, nil}, null(), sv("2022-06-14")}, sqltypes.Date(19157)},
		{"GREATEST", []tv{{sqltypes.TimeT, sqltypes.Time(10)}, sv("09:16:00")}, sqltypes.Time(33360000)},
		{"GREATEST", []tv{{sqltypes.TimestampT, sqltypes.Timestamp(-508291200000)}, sv("2022-06-14")}, sqltypes.Timestamp(1655164800000)},
		{"LEAST", []tv{byv([]byte("apple")), byv([]byte("!")), byv([]byte("hello"))}, []byte("!")},
	})
	r := Builtins()
	_, rt, _ := callFn(t, r, nil, "GREATEST", decv("1", 9, 2), decv("0.1", 7, 6))
	if rt.SQL() != "DECIMAL(13, 6)" {
		t.Errorf("GREATEST decimal type = %s", rt.SQL())
	}
	for _, args := range [][]*sqltypes.Type{{sqltypes.Int, sqltypes.Bigint}, {sqltypes.Null, sqltypes.Null}, {sqltypes.String, sqltypes.Int}, nil} {
		if _, err := r.Resolve("GREATEST", typed(args...)); err == nil {
			t.Errorf("GREATEST%v resolved", args)
		}
	}
}

func TestNullFunctions(t *testing.T) {
	s := sqltypes.String
	runFnCases(t, []fnCase{
		{"COALESCE", []tv{nv(s), null(), sv("b")}, "b"},
		{"COALESCE", []tv{nv(s)}, nil},
		{"IFNULL", []tv{nv(s), sv("alt")}, "alt"},
		{"IFNULL", []tv{sv("x"), sv("alt")}, "x"},
		{"NULLIF", []tv{iv(1), iv(1)}, nil},
		{"NULLIF", []tv{iv(1), iv(2)}, int32(1)},
		{"NULLIF", []tv{iv(1), null()}, int32(1)},
	})
	r := Builtins()
	if _, err := r.Resolve("COALESCE", nil); err == nil || err.Error()[:43] != "Function 'COALESCE' does not accept paramet" {
		t.Errorf("COALESCE() err = %v", err)
	}
}
