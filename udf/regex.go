package udf

import (
	"regexp"
	"strings"

	"github.com/rql/rql/sqltypes"
)

// Java regular expressions run on Go's RE2: the common syntax is the same;
// what RE2 lacks (possessive quantifiers, lookaround, backreferences) fails
// to compile and the call returns NULL with an error.

func compileJavaRegex(pattern string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fnErr("invalid regular expression pattern %q: %v", pattern, err)
	}
	return re, nil
}

// javaReplacement converts a Java Matcher replacement ("$1", "\\$") to Go's
// Expand syntax ("${1}", "$$").
func javaReplacement(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			if s[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(s[i])
			}
		case c == '$' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			b.WriteString("${" + s[i+1:j] + "}")
			i = j - 1
		case c == '$' && i+1 < len(s) && s[i+1] == '{':
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				b.WriteString("$$")
				continue
			}
			b.WriteString(s[i : i+j+1])
			i += j
		case c == '$':
			b.WriteString("$$")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func registerRegex(r *Registry) {
	r.MustRegister(
		def("REGEXP_EXTRACT", catRegex, "Returns the first substring of input that matches the regex pattern, or the given capturing group of that match; NULL when nothing matches.",
			sig(tStr, evalRegexpExtract, pa("pattern", tStr), pa("input", tStr)),
			sig(tStr, evalRegexpExtract, pa("pattern", tStr), pa("input", tStr), pa("group", tInt))),
		def("REGEXP_EXTRACT_ALL", catRegex, "Returns every substring of input that matches the regex pattern, or the given capturing group of each match.",
			sig(sqltypes.ArrayOf(tStr), evalRegexpExtractAll, pa("pattern", tStr), pa("input", tStr)),
			sig(sqltypes.ArrayOf(tStr), evalRegexpExtractAll, pa("pattern", tStr), pa("input", tStr), pa("group", tInt))),
		def("REGEXP_REPLACE", catRegex, "Replaces every substring of input that matches the regex pattern with replacement ($1 refers to a group).",
			sig(tStr, evalRegexpReplace, pa("input", tStr), pa("regex", tStr), pa("replacement", tStr))),
		def("REGEXP_SPLIT_TO_ARRAY", catRegex, "Splits a string into an array of substrings around the matches of a regex.",
			sig(sqltypes.ArrayOf(tStr), evalRegexpSplit, pa("string", tStr), pa("regexp", tStr))),
	)
}

func evalRegexpExtract(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	re, err := compileJavaRegex(asStr(a[0]))
	if err != nil {
		return nil, err
	}
	g := 0
	if len(a) > 2 {
		g = asInt(a[2])
	}
	m := re.FindStringSubmatchIndex(asStr(a[1]))
	if m == nil || g < 0 || 2*g+1 >= len(m) || m[2*g] < 0 {
		return nil, nil
	}
	return asStr(a[1])[m[2*g]:m[2*g+1]], nil
}

func evalRegexpExtractAll(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	re, err := compileJavaRegex(asStr(a[0]))
	if err != nil {
		return nil, err
	}
	g := 0
	if len(a) > 2 {
		g = asInt(a[2])
	}
	if g < 0 || g > re.NumSubexp() {
		return nil, fnErr("no group %d in pattern %q", g, asStr(a[0]))
	}
	s := asStr(a[1])
	out := []sqltypes.Value{}
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		if m[2*g] < 0 {
			out = append(out, nil)
			continue
		}
		out = append(out, s[m[2*g]:m[2*g+1]])
	}
	return out, nil
}

func evalRegexpReplace(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	re, err := compileJavaRegex(asStr(a[1]))
	if err != nil {
		return nil, err
	}
	return re.ReplaceAllString(asStr(a[0]), javaReplacement(asStr(a[2]))), nil
}

func evalRegexpSplit(_ *EvalContext, a []sqltypes.Value) (sqltypes.Value, error) {
	re, err := compileJavaRegex(asStr(a[1]))
	if err != nil {
		return nil, err
	}
	s := asStr(a[0])
	parts := re.Split(s, -1)
	// Java drops the leading empty string produced by a zero-width match at
	// the start of the input.
	if len(parts) > 1 && parts[0] == "" {
		if loc := re.FindStringIndex(s); loc != nil && loc[0] == 0 && loc[1] == 0 {
			parts = parts[1:]
		}
	}
	out := make([]sqltypes.Value, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}
