// Package javafmt prints numbers as Java does, for the places where rql
// must write what ksqlDB (a Java program) writes: serialized DOUBLEs,
// CAST(x AS STRING), PRINT's lines.
package javafmt

import (
	"math"
	"strconv"
	"strings"
)

// Double prints f as Java's Double.toString: the shortest digits that
// round-trip, in plain notation when 1e-3 <= |f| < 1e7 (always with a
// fractional part: "1.0"), else in computerized scientific notation
// ("1.0E7", "1.2E-5"); "NaN", "Infinity", "-Infinity", "-0.0".
func Double(f float64) string {
	return string(AppendDouble(nil, f))
}

// AppendDouble appends Double(f) to dst.
func AppendDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	var buf [32]byte
	// 'e' with -1 precision gives the shortest round-trip digits: d.ddde±XX.
	s := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
		dst = append(dst, '-')
	}
	ePos := strings.IndexByte(string(s), 'e')
	mant, expPart := s[:ePos], s[ePos+1:]
	exp, _ := strconv.Atoi(string(expPart))
	digits := make([]byte, 0, len(mant)+1)
	for _, c := range mant {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	if len(digits) == 1 {
		// Java picks, among the 1- and 2-digit decimals that round to f,
		// the closest to f (4.9E-324, not 5.0E-324).
		two := strconv.AppendFloat(buf[:0], math.Abs(f), 'e', 1, 64)
		if back, err := strconv.ParseFloat(string(two), 64); err == nil && back == math.Abs(f) && two[2] != '0' {
			e2 := strings.IndexByte(string(two), 'e')
			exp, _ = strconv.Atoi(string(two[e2+1:]))
			digits = append(digits[:0], two[0], two[2])
		}
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		if exp >= 0 {
			intLen := exp + 1
			for len(digits) < intLen {
				digits = append(digits, '0')
			}
			dst = append(dst, digits[:intLen]...)
			dst = append(dst, '.')
			if frac := digits[intLen:]; len(frac) > 0 {
				return append(dst, frac...)
			}
			return append(dst, '0')
		}
		dst = append(dst, "0."...)
		for i := 0; i < -exp-1; i++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	dst = append(dst, digits[0], '.')
	if len(digits) > 1 {
		dst = append(dst, digits[1:]...)
	} else {
		dst = append(dst, '0')
	}
	dst = append(dst, 'E')
	return strconv.AppendInt(dst, int64(exp), 10)
}
