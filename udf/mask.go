package udf

import (
	"unicode"

	"github.com/rql/rql/sqltypes"
)

// masker replaces upper-case letters, lower-case letters, digits and other
// characters by their mask; a negative mask keeps the character.
type masker struct{ upper, lower, digit, other rune }

const noMask rune = -1

var defaultMasker = masker{'X', 'x', 'n', '-'}

// maskerFrom reads the optional four mask arguments (NULL keeps the
// original characters of that class).
func maskerFrom(a []sqltypes.Value) masker {
	if len(a) < 4 {
		return defaultMasker
	}
	pick := func(v sqltypes.Value) rune {
		s, ok := v.(string)
		if !ok || s == "" {
			return noMask
		}
		return []rune(s)[0]
	}
	return masker{pick(a[0]), pick(a[1]), pick(a[2]), pick(a[3])}
}

func (m masker) mask(r rune) rune {
	var c rune
	switch {
	case unicode.IsUpper(r):
		c = m.upper
	case unicode.IsLower(r):
		c = m.lower
	case unicode.IsDigit(r):
		c = m.digit
	default:
		c = m.other
	}
	if c == noMask {
		return r
	}
	return c
}

// maskRange masks the runes of s whose index satisfies in.
func maskRange(s string, m masker, in func(i, n int) bool) string {
	rs := []rune(s)
	for i, r := range rs {
		if in(i, len(rs)) {
			rs[i] = m.mask(r)
		}
	}
	return string(rs)
}

func maskEval(withN bool, in func(i, n, k int) bool) EvalFunc {
	return func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
		if a[0] == nil {
			return nil, nil
		}
		k, rest := 0, a[1:]
		if withN {
			if a[1] == nil {
				return nil, nil
			}
			k, rest = asInt(a[1]), a[2:]
			if k < 0 {
				return nil, fnErr("mask length must not be negative: %d", k)
			}
		}
		return maskRange(asStr(a[0]), maskerFrom(rest), func(i, n int) bool { return in(i, n, k) }), nil
	}
}

func maskVariants(withN bool, in func(i, n, k int) bool) []*Variant {
	ps := []Param{pa("input", tStr)}
	if withN {
		ps = append(ps, pa("numChars", tInt))
	}
	full := append(append([]Param{}, ps...), pa("upper", tStr), pa("lower", tStr), pa("digit", tStr), pa("other", tStr))
	return []*Variant{
		nulls(sig(tStr, maskEval(withN, in), ps...)),
		nulls(sig(tStr, maskEval(withN, in), full...)),
	}
}

func registerMask(r *Registry) {
	r.MustRegister(
		def("MASK", catString, "Returns a masked version of the input string: upper-case letters become 'X', lower-case 'x', digits 'n' and others '-', or the given replacements (NULL keeps the original).",
			maskVariants(false, func(int, int, int) bool { return true })...),
		def("MASK_KEEP_LEFT", catString, "Masks all but the first numChars characters of the input string.",
			maskVariants(true, func(i, _, k int) bool { return i >= k })...),
		def("MASK_KEEP_RIGHT", catString, "Masks all but the last numChars characters of the input string.",
			maskVariants(true, func(i, n, k int) bool { return i < n-k })...),
		def("MASK_LEFT", catString, "Masks the first numChars characters of the input string.",
			maskVariants(true, func(i, _, k int) bool { return i < k })...),
		def("MASK_RIGHT", catString, "Masks the last numChars characters of the input string.",
			maskVariants(true, func(i, n, k int) bool { return i >= n-k })...),
	)
}
