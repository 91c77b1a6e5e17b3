package udf

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/rql/rql/sqltypes"
)

// registerString adds ksqlDB's string functions. Positions and lengths count
// UTF-16 code units as Java does only where the difference cannot show for
// BMP text; rql counts runes.
func registerString(r *Registry) {
	r.MustRegister(
		def("CONCAT", catString, "Concatenate an arbitrary number of string or bytes fields together; NULL arguments are ignored.",
			nulls(varsig(tStr, evalConcat, pa("inputs", tStr))),
			nulls(varsig(tBytes, evalConcatBytes, pa("inputs", tBytes)))),
		def("CONCAT_WS", catString, "Concatenate several strings or bytes, inserting a separator between each; NULL values are skipped, a NULL separator returns NULL.",
			nulls(varsig(tStr, evalConcatWS, pa("separator", tStr), pa("args", tStr))),
			nulls(varsig(tBytes, evalConcatWSBytes, pa("separator", tBytes), pa("args", tBytes)))),
		def("LCASE", catString, "Converts a string to lower case.",
			sig(tStr, func(ec *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return ec.BoxString(strings.ToLower(asStr(a[0]))), nil
			}, pa("input", tStr))),
		def("UCASE", catString, "Converts a string to upper case.",
			sig(tStr, func(ec *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return ec.BoxString(strings.ToUpper(asStr(a[0]))), nil
			}, pa("input", tStr))),
		def("LEN", catString, "Returns the length of a string in characters, or of bytes in bytes.",
			sig(tInt, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return int32(javaLen(asStr(a[0]))), nil
			}, pa("input", tStr)),
			sig(tInt, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return int32(len(asBytes(a[0]))), nil
			}, pa("input", tBytes))),
		def("LPAD", catString, "Pads the input string or bytes, beginning from the left, with the specified padding until the target length is reached.",
			sig(tStr, evalPad(true), pa("input", tStr), pa("length", tInt), pa("padding", tStr)),
			sig(tBytes, evalPadBytes(true), pa("input", tBytes), pa("length", tInt), pa("padding", tBytes))),
		def("RPAD", catString, "Pads the input string or bytes, starting from the end, with the specified padding until the target length is reached.",
			sig(tStr, evalPad(false), pa("input", tStr), pa("length", tInt), pa("padding", tStr)),
			sig(tBytes, evalPadBytes(false), pa("input", tBytes), pa("length", tInt), pa("padding", tBytes))),
		def("TRIM", catString, "Removes the leading and trailing whitespace.",
			sig(tStr, func(ec *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return ec.BoxString(strings.TrimFunc(asStr(a[0]), javaSpace)), nil
			}, pa("input", tStr))),
		def("LTRIM", catString, "Removes the leading whitespace.",
			sig(tStr, func(ec *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return ec.BoxString(strings.TrimLeftFunc(asStr(a[0]), javaSpace)), nil
			}, pa("input", tStr))),
		def("RTRIM", catString, "Removes the trailing whitespace.",
			sig(tStr, func(ec *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return ec.BoxString(strings.TrimRightFunc(asStr(a[0]), javaSpace)), nil
			}, pa("input", tStr))),
		def("SUBSTRING", catString, "Returns the portion of the string or bytes from pos (1-based; negative counts from the end), optionally of length len.",
			sig(tStr, evalSubstring, pa("str", tStr), pa("pos", tInt)),
			sig(tStr, evalSubstring, pa("str", tStr), pa("pos", tInt), pa("length", tInt)),
			sig(tBytes, evalSubstring, pa("str", tBytes), pa("pos", tInt)),
			sig(tBytes, evalSubstring, pa("str", tBytes), pa("pos", tInt), pa("length", tInt))),
		def("REPLACE", catString, "Replaces all occurrences of a substring with a replacement.",
			sig(tStr, func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
				return strings.ReplaceAll(asStr(a[0]), asStr(a[1]), asStr(a[2])), nil
			}, pa("str", tStr), pa("target", tStr), pa("replacement", tStr))),
		def("INSTR", catString, "Returns the 1-based position of the nth occurrence of substring in string, searching from position (negative: backwards from the end); 0 when not found.",
			sig(tInt, evalInstr, pa("str", tStr), pa("substring", tStr)),
			sig(tInt, evalInstr, pa("str", tStr), pa("substring", tStr), pa("position", tInt)),
			sig(tInt, evalInstr, pa("str", tStr), pa("substring", tStr), pa("position", tInt), pa("occurrence", tInt))),
		def("INITCAP", catString, "Capitalizes the first letter of each word and lower-cases the rest; words are delimited by whitespace.",
			sig(tStr, evalInitcap, pa("str", tStr))),
		def("SPLIT", catString, "Splits a string or bytes into an array by a delimiter; an empty delimiter splits into characters.",
			sig(sqltypes.ArrayOf(tStr), evalSplit, pa("string", tStr), pa("delimiter", tStr)),
			sig(sqltypes.ArrayOf(tBytes), evalSplitBytes, pa("bytes", tBytes), pa("delimiter", tBytes))),
		def("SPLIT_TO_MAP", catString, "Splits a string into key-value pairs and creates a map from them.",
			sig(sqltypes.MapOf(tStr, tStr), evalSplitToMap, pa("input", tStr), pa("entryDelimiter", tStr), pa("kvDelimiter", tStr))),
		def("UUID", catString, "Creates a random type 4 UUID.",
			sig(tStr, evalUUID)),
		def("CHR", catString, "Returns a single-character string for a Unicode code point given as a decimal number or as a '\\uXXXX' string.",
			sig(tStr, evalChrInt, pa("decimalCode", tInt)),
			sig(tStr, evalChrStr, pa("utf16Code", tStr))),
		def("ELT", catString, "Returns the element of args at index n (1-based), or NULL when out of range.",
			nulls(varsig(tStr, evalElt, pa("n", tInt), pa("args", tStr)))),
		def("FIELD", catString, "Returns the 1-based position of str in args, or 0 when not found or str is NULL.",
			nulls(varsig(tInt, evalField, pa("str", tStr), pa("args", tStr)))),
		def("MD5", catString, "Returns the hex-encoded MD5 hash of the input string.",
			sig(tStr, evalMD5, pa("input", tStr))),
	)
	registerRegex(r)
	registerMask(r)
	registerEncode(r)
}

// javaSpace reports the characters Java's String.trim removes.
func javaSpace(r rune) bool { return r <= ' ' }

// javaLen is Java's String.length(): UTF-16 code units.
func javaLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func evalConcat(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	var b strings.Builder
	for _, v := range a {
		if s, ok := v.(string); ok {
			b.WriteString(s)
		}
	}
	return b.String(), nil
}

func evalConcatBytes(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	out := []byte{}
	for _, v := range a {
		out = append(out, asBytes(v)...)
	}
	return out, nil
}

func evalConcatWS(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	if a[0] == nil {
		return nil, nil
	}
	var parts []string
	for _, v := range a[1:] {
		if s, ok := v.(string); ok {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, asStr(a[0])), nil
}

func evalConcatWSBytes(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	if a[0] == nil {
		return nil, nil
	}
	var parts [][]byte
	for _, v := range a[1:] {
		if b, ok := v.([]byte); ok {
			parts = append(parts, b)
		}
	}
	out := bytes.Join(parts, asBytes(a[0]))
	if out == nil {
		out = []byte{}
	}
	return out, nil
}

// evalPad implements LPAD / RPAD on strings: NULL for a negative length or
// an empty padding; the input is truncated to length when longer.
func evalPad(left bool) EvalFunc {
	return func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
		in, n, pad := []rune(asStr(a[0])), asInt(a[1]), []rune(asStr(a[2]))
		if n < 0 || len(pad) == 0 {
			return nil, nil
		}
		return string(padRunes(in, n, pad, left)), nil
	}
}

func padRunes(in []rune, n int, pad []rune, left bool) []rune {
	if len(in) >= n {
		return in[:n]
	}
	fill := make([]rune, 0, n-len(in))
	for len(fill) < n-len(in) {
		fill = append(fill, pad[len(fill)%len(pad)])
	}
	if left {
		return append(fill, in...)
	}
	return append(append([]rune{}, in...), fill...)
}

func evalPadBytes(left bool) EvalFunc {
	return func(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
		in, n, pad := asBytes(a[0]), asInt(a[1]), asBytes(a[2])
		if n < 0 || len(pad) == 0 {
			return nil, nil
		}
		if len(in) >= n {
			return append([]byte{}, in[:n]...), nil
		}
		fill := make([]byte, 0, n)
		for len(fill) < n-len(in) {
			fill = append(fill, pad[len(fill)%len(pad)])
		}
		if left {
			return append(fill, in...), nil
		}
		return append(append([]byte{}, in...), fill...), nil
	}
}

// evalSubstring implements SUBSTRING on strings (runes) and bytes, with
// ksqlDB's current 1-based positions, or the legacy 0-based start/end
// indexes when ksql.functions.substring.legacy.args is true.
func evalSubstring(ec *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	var n int
	var runes []rune
	b, isBytes := a[0].([]byte)
	if isBytes {
		n = len(b)
	} else {
		runes = []rune(asStr(a[0]))
		n = len(runes)
	}
	var start, end int
	if ec.Prop("ksql.functions.substring.legacy.args") == "true" {
		start, end = asInt(a[1]), n
		if len(a) > 2 {
			end = asInt(a[2])
		}
		if start < 0 || end > n || start > end {
			return nil, fnErr("substring index out of range: begin %d, end %d, length %d", start, end, n)
		}
	} else {
		pos := asInt(a[1])
		if pos < 0 {
			start = max(n+pos, 0)
		} else {
			start = max(min(pos-1, n), 0)
		}
		end = n
		if len(a) > 2 {
			end = max(min(start+asInt(a[2]), n), start)
		}
	}
	if isBytes {
		return append([]byte{}, b[start:end]...), nil
	}
	return string(runes[start:end]), nil
}

func evalInstr(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	str, sub := asStr(a[0]), asStr(a[1])
	pos, occ := 1, 1
	if len(a) > 2 {
		pos = asInt(a[2])
	}
	if len(a) > 3 {
		occ = asInt(a[3])
	}
	if occ <= 0 {
		return int32(0), nil
	}
	if pos >= 0 {
		idx := max(pos-1, 0)
		for i := 0; i < occ; i++ {
			if idx > len(str) {
				return int32(0), nil
			}
			j := strings.Index(str[idx:], sub)
			if j < 0 {
				return int32(0), nil
			}
			idx += j
			if i < occ-1 {
				idx++
			}
		}
		return int32(idx + 1), nil
	}
	idx := len(str) + pos
	for i := 0; i < occ; i++ {
		if idx < 0 {
			return int32(0), nil
		}
		limit := min(idx+len(sub), len(str))
		j := strings.LastIndex(str[:limit], sub)
		if j < 0 {
			return int32(0), nil
		}
		idx = j
		if i < occ-1 {
			idx--
		}
	}
	return int32(idx + 1), nil
}

func evalInitcap(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	var b strings.Builder
	start := true
	for _, r := range asStr(a[0]) {
		switch {
		case unicode.IsSpace(r):
			start = true
			b.WriteRune(r)
		case start:
			b.WriteRune(unicode.ToUpper(r))
			start = false
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String(), nil
}

func evalSplit(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	s, d := asStr(a[0]), asStr(a[1])
	var parts []string
	if d == "" {
		if s == "" {
			parts = []string{""}
		} else {
			for _, r := range s {
				parts = append(parts, string(r))
			}
		}
	} else {
		parts = strings.Split(s, d)
	}
	out := make([]sqltypes.Value, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

func evalSplitBytes(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	s, d := asBytes(a[0]), asBytes(a[1])
	var parts [][]byte
	if len(d) == 0 {
		if len(s) == 0 {
			parts = [][]byte{{}}
		}
		for i := range s {
			parts = append(parts, s[i:i+1])
		}
	} else {
		parts = bytes.Split(s, d)
	}
	out := make([]sqltypes.Value, len(parts))
	for i, p := range parts {
		out[i] = append([]byte{}, p...)
	}
	return out, nil
}

// evalSplitToMap splits "k1=v1;k2=v2"; entries without exactly one key-value
// delimiter are skipped, later keys win.
func evalSplitToMap(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	s, ed, kd := asStr(a[0]), asStr(a[1]), asStr(a[2])
	if ed == "" || kd == "" || ed == kd {
		return nil, nil
	}
	m := &sqltypes.Map{}
	for _, e := range strings.Split(s, ed) {
		if e == "" {
			continue
		}
		kv := strings.Split(e, kd)
		if len(kv) != 2 {
			continue
		}
		mapPut(m, kv[0], kv[1])
	}
	return m, nil
}

// mapPut sets key k to v, replacing an existing entry in place.
func mapPut(m *sqltypes.Map, k, v sqltypes.Value) {
	for i, old := range m.Keys {
		if old == k {
			m.Vals[i] = v
			return
		}
	}
	m.Keys = append(m.Keys, k)
	m.Vals = append(m.Vals, v)
}

func evalElt(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	if a[0] == nil {
		return nil, nil
	}
	n := asInt(a[0])
	if n < 1 || n >= len(a) {
		return nil, nil
	}
	return a[n], nil
}

func evalField(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	if a[0] == nil {
		return int32(0), nil
	}
	for i, v := range a[1:] {
		if v != nil && v == a[0] {
			return int32(i + 1), nil
		}
	}
	return int32(0), nil
}
