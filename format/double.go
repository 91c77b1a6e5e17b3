package format

import (
	"math"
	"strconv"
	"strings"

	"github.com/rql/rql/internal/javafmt"
)

// formatDouble prints f as Java's Double.toString does (see
// javafmt.Double).
func formatDouble(f float64) string { return javafmt.Double(f) }

// appendDouble appends formatDouble(f) to dst.
func appendDouble(dst []byte, f float64) []byte { return javafmt.AppendDouble(dst, f) }

// parseJavaDouble parses s as Java's Double.parseDouble does: surrounding
// whitespace is ignored, "NaN" and "[+-]Infinity" are accepted, and an
// optional trailing type suffix (d, D, f, F) is dropped.
func parseJavaDouble(s string) (float64, bool) {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	switch s {
	case "NaN", "+NaN", "-NaN":
		return math.NaN(), true
	case "Infinity", "+Infinity":
		return math.Inf(1), true
	case "-Infinity":
		return math.Inf(-1), true
	}
	if n := len(s); n > 1 {
		switch s[n-1] {
		case 'd', 'D', 'f', 'F':
			s = s[:n-1]
		}
	}
	if s == "" || strings.ContainsAny(s, "_iInN") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true // Java rounds to ±Infinity or ±0 as well
		}
		return 0, false
	}
	return f, true
}
