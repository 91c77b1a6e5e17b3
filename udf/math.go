package udf

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"

	"github.com/rql/rql/sqltypes"
)

func registerMath(r *Registry) {
	r.MustRegister(
		def("ABS", catMath, "Returns the absolute value of its argument.",
			sig(tInt, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				x := a[0].(int32)
				if x < 0 {
					x = -x
				}
				return x, nil
			}, pa("val", tInt)),
			sig(tBig, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				x := a[0].(int64)
				if x < 0 {
					x = -x
				}
				return x, nil
			}, pa("val", tBig)),
			dblFn(math.Abs, "val"),
			retFn(sig(nil, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				d := asDec(a[0])
				if d.Sign() < 0 {
					return d.Neg(), nil
				}
				return d, nil
			}, pa("val", tAnyDec)), sameAsFirst)),
		def("CEIL", catMath, "Returns the smallest integer greater than or equal to the argument.",
			intIdentity(tInt), intIdentity(tBig), dblFn(math.Ceil, "val"),
			retFn(sig(nil, decRound(roundCeiling, 0, true), pa("val", tAnyDec)), sameAsFirst)),
		def("FLOOR", catMath, "Returns the largest integer less than or equal to the argument.",
			intIdentity(tInt), intIdentity(tBig), dblFn(math.Floor, "val"),
			retFn(sig(nil, decRound(roundFloor, 0, true), pa("val", tAnyDec)), sameAsFirst)),
		def("ROUND", catMath, "Rounds a value to the given number of decimal places (default 0); halves round up, towards positive infinity.",
			sig(tBig, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) { return a[0], nil }, pa("val", tBig)),
			sig(tBig, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) { return int64(a[0].(int32)), nil }, pa("val", tInt)),
			sig(tBig, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return javaDoubleToLong(math.Floor(asDbl(a[0]) + 0.5)), nil
			}, pa("val", tDbl)),
			sig(tDbl, dblPlaces(roundJavaHalfUp), pa("val", tDbl), pa("decimalPlaces", tInt)),
			retFn(sig(nil, decRound(roundJavaHalfUp, 0, false), pa("val", tAnyDec)), decimalIntegral),
			retFn(sig(nil, decRoundPlaces(roundJavaHalfUp), pa("val", tAnyDec), pa("decimalPlaces", tInt)), sameAsFirst)),
		def("TRUNC", catMath, "Truncates a value to the given number of decimal places (default 0).",
			sig(tBig, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) { return a[0], nil }, pa("val", tBig)),
			sig(tBig, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) { return int64(a[0].(int32)), nil }, pa("val", tInt)),
			sig(tBig, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return javaDoubleToLong(asDbl(a[0])), nil
			}, pa("val", tDbl)),
			sig(tDbl, dblPlaces(roundDown), pa("val", tDbl), pa("decimalPlaces", tInt)),
			retFn(sig(nil, decRound(roundDown, 0, false), pa("val", tAnyDec)), decimalIntegral),
			retFn(sig(nil, decRoundPlaces(roundDown), pa("val", tAnyDec), pa("decimalPlaces", tInt)), sameAsFirst)),
		def("SIGN", catMath, "Returns the sign of the argument: -1, 0 or 1.",
			sig(tInt, evalSign, pa("val", tInt)), sig(tInt, evalSign, pa("val", tBig)),
			sig(tInt, evalSign, pa("val", tDbl)), sig(tInt, evalSign, pa("val", tAnyDec))),
		def("SQRT", catMath, "Returns the square root of the argument.", dblFn(math.Sqrt, "value")),
		def("CBRT", catMath, "Returns the cube root of the argument.", dblFn(math.Cbrt, "value")),
		def("EXP", catMath, "Returns e raised to the power of the argument.", dblFn(math.Exp, "exponent")),
		def("LN", catMath, "Returns the natural logarithm of the argument.", dblFn(math.Log, "value")),
		def("LOG", catMath, "Returns the natural logarithm of value, or its logarithm in the given base.",
			dblFn(math.Log, "value"),
			sig(tDbl, evalLogBase, pa("base", tDbl), pa("value", tDbl))),
		def("POWER", catMath, "Returns base raised to the power of exponent.",
			sig(tDbl, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return math.Pow(asDbl(a[0]), asDbl(a[1])), nil
			}, pa("base", tDbl), pa("exponent", tDbl))),
		def("RANDOM", catMath, "Returns a random DOUBLE between 0.0 (inclusive) and 1.0 (exclusive).",
			sig(tDbl, func(*EvalContext, []sqltypes.Value) (sqltypes.Value, error) { return rand.Float64(), nil })),
		def("PI", catMath, "Returns an approximate value of pi.",
			sig(tDbl, func(*EvalContext, []sqltypes.Value) (sqltypes.Value, error) { return math.Pi, nil })),
		def("RADIANS", catMath, "Converts degrees to radians.", dblFn(func(x float64) float64 { return x / 180 * math.Pi }, "value")),
		def("DEGREES", catMath, "Converts radians to degrees.", dblFn(func(x float64) float64 { return x * 180 / math.Pi }, "value")),
		def("SIN", catMath, "Returns the sine of an angle in radians.", dblFn(math.Sin, "value")),
		def("COS", catMath, "Returns the cosine of an angle in radians.", dblFn(math.Cos, "value")),
		def("TAN", catMath, "Returns the tangent of an angle in radians.", dblFn(math.Tan, "value")),
		def("COT", catMath, "Returns the cotangent of an angle in radians.", dblFn(func(x float64) float64 { return 1 / math.Tan(x) }, "value")),
		def("ASIN", catMath, "Returns the inverse sine, in radians; NaN outside [-1, 1].", dblFn(math.Asin, "value")),
		def("ACOS", catMath, "Returns the inverse cosine, in radians; NaN outside [-1, 1].", dblFn(math.Acos, "value")),
		def("ATAN", catMath, "Returns the inverse tangent, in radians.", dblFn(math.Atan, "value")),
		def("ATAN2", catMath, "Returns the angle theta of the polar coordinates of (x, y), in radians.",
			sig(tDbl, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return math.Atan2(asDbl(a[0]), asDbl(a[1])), nil
			}, pa("y", tDbl), pa("x", tDbl))),
		def("SINH", catMath, "Returns the hyperbolic sine.", dblFn(math.Sinh, "value")),
		def("COSH", catMath, "Returns the hyperbolic cosine.", dblFn(math.Cosh, "value")),
		def("TANH", catMath, "Returns the hyperbolic tangent.", dblFn(math.Tanh, "value")),
		def("GEO_DISTANCE", catMath, "Returns the great-circle distance between two lat-long points, in km (default) or miles ('MI').",
			sig(tDbl, evalGeoDistance, pa("lat1", tDbl), pa("lon1", tDbl), pa("lat2", tDbl), pa("lon2", tDbl)),
			passNulls(sig(tDbl, evalGeoDistance, pa("lat1", tDbl), pa("lon1", tDbl), pa("lat2", tDbl), pa("lon2", tDbl), pa("units", tStr)))),
	)
	registerGreatestLeast(r)
}

// dblFn is a DOUBLE → DOUBLE variant.
func dblFn(f func(float64) float64, name string) *Variant {
	return sig(tDbl, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
		return f(asDbl(a[0])), nil
	}, pa(name, tDbl))
}

func intIdentity(t *sqltypes.Type) *Variant {
	return sig(t, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) { return a[0], nil }, pa("val", t))
}

// decimalIntegral is DECIMAL(p - s, 0), the result of ROUND(d) and TRUNC(d).
func decimalIntegral(args []*sqltypes.Type) (*sqltypes.Type, error) {
	t := args[0]
	if t.Kind != sqltypes.KindDecimal || t.Precision == 0 {
		return t, nil
	}
	return sqltypes.DecimalOf(max(t.Precision-t.Scale, 1), 0), nil
}

// Rounding modes of BigDecimal.setScale used by the math functions.
type roundMode uint8

const (
	roundJavaHalfUp roundMode = iota // Math.round: halves towards +infinity
	roundDown                        // towards zero
	roundCeiling
	roundFloor
)

// setScale rounds d to scale (which may be negative) with mode.
func setScale(d sqltypes.Decimal, scale int32, mode roundMode) sqltypes.Decimal {
	if scale >= d.Scale {
		return d.Rescale(scale)
	}
	down := truncScale(d, scale)
	if down.Cmp(d) == 0 {
		return down
	}
	one := sqltypes.Decimal{Unscaled: sqltypes.NewDecimal(1, 0).Unscaled, Scale: scale}
	switch mode {
	case roundDown:
		return down
	case roundCeiling:
		if d.Sign() > 0 {
			return down.Add(one)
		}
		return down
	case roundFloor:
		if d.Sign() < 0 {
			return down.Sub(one)
		}
		return down
	}
	// Math.round semantics: HALF_UP for positives, HALF_DOWN for negatives.
	if d.Sign() > 0 {
		return d.Rescale(scale)
	}
	half := d.Sub(down).Neg() // positive remainder
	twice := half.Add(half)
	if twice.Cmp(sqltypes.Decimal{Unscaled: one.Unscaled, Scale: scale}) > 0 {
		return down.Sub(one)
	}
	return down
}

// truncScale drops digits beyond scale (toward zero).
func truncScale(d sqltypes.Decimal, scale int32) sqltypes.Decimal {
	div := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale-scale)), nil)
	return sqltypes.Decimal{Unscaled: new(big.Int).Quo(asDec(d).Unscaled, div), Scale: scale}
}

// decRound rounds a DECIMAL to places; keepScale restores the input scale
// (CEIL / FLOOR), otherwise the result has scale places (ROUND(d) → scale 0).
func decRound(mode roundMode, places int32, keepScale bool) EvalFunc {
	return func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
		d := asDec(a[0])
		r := setScale(d, places, mode)
		if keepScale {
			return r.Rescale(d.Scale), nil
		}
		return r, nil
	}
}

// decRoundPlaces is ROUND / TRUNC (DECIMAL, places): the result keeps the
// input's scale (ksqlDB issue 6235).
func decRoundPlaces(mode roundMode) EvalFunc {
	return func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
		d := asDec(a[0])
		return setScale(d, int32(asInt(a[1])), mode).Rescale(d.Scale), nil
	}
}

// dblPlaces is ROUND / TRUNC (DOUBLE, places) through BigDecimal.valueOf.
func dblPlaces(mode roundMode) EvalFunc {
	return func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
		f := asDbl(a[0])
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return f, nil
		}
		d, err := sqltypes.ParseDecimal(JavaDouble(f))
		if err != nil {
			return nil, fnErr("cannot round %v: %v", f, err)
		}
		return setScale(d, int32(asInt(a[1])), mode).Float64(), nil
	}
}

func evalSign(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	switch x := a[0].(type) {
	case int32:
		return int32(cmpSign(int64(x))), nil
	case int64:
		return int32(cmpSign(x)), nil
	case float64:
		switch {
		case x > 0:
			return int32(1), nil
		case x < 0:
			return int32(-1), nil
		}
		return int32(0), nil
	case sqltypes.Decimal:
		return int32(x.Sign()), nil
	}
	return nil, nil
}

func cmpSign(x int64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// evalGeoDistance is the haversine distance on a sphere of radius 6371 km
// (3959 miles).
func evalGeoDistance(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	for _, v := range a[:4] {
		if v == nil {
			return nil, nil
		}
	}
	lat1, lon1, lat2, lon2 := asDbl(a[0]), asDbl(a[1]), asDbl(a[2]), asDbl(a[3])
	radius := 6371.0
	// NULL or blank units mean kilometres, as in ksqlDB.
	if len(a) > 4 && a[4] != nil {
		switch strings.ToUpper(strings.TrimSpace(asStr(a[4]))) {
		case "", "KM", "KILOMETERS", "KILOMETRES":
		case "MI", "MILES":
			radius = 3959.0
		default:
			return nil, fnErr("GeoDistance function units parameter must be one of MI, MILES, KM, KILOMETERS, KILOMETRES")
		}
	}
	for _, lat := range []float64{lat1, lat2} {
		if lat < -90 || lat > 90 {
			return nil, fnErr("valid latitude values for GeoDistance function are in the range of -90 to 90 decimal degrees")
		}
	}
	for _, lon := range []float64{lon1, lon2} {
		if lon < -180 || lon > 180 {
			return nil, fnErr("valid longitude values for GeoDistance function are in the range of -180 to +180 decimal degrees")
		}
	}
	rad := func(x float64) float64 { return x * math.Pi / 180 }
	dLat, dLon := rad(lat2-lat1), rad(lon2-lon1)
	h := math.Pow(math.Sin(dLat/2), 2) + math.Pow(math.Sin(dLon/2), 2)*math.Cos(rad(lat1))*math.Cos(rad(lat2))
	return 2 * math.Asin(math.Sqrt(h)) * radius, nil
}

// evalLogBase is LOG(base, value): NaN for a base that is not positive or
// is 1 (as ksqlDB), else ln(value) / ln(base).
func evalLogBase(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	base := asDbl(a[0])
	if base <= 0 || base == 1 {
		return math.NaN(), nil
	}
	return math.Log(asDbl(a[1])) / math.Log(base), nil
}

// passNulls marks v as seeing NULL arguments (it handles them itself).
func passNulls(v *Variant) *Variant { v.PassNulls = true; return v }
