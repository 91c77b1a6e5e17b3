package exec

import (
	"regexp"
	"strings"

	"github.com/rql/rql/planner"
	"github.com/rql/rql/sqltypes"
)

// likeRegexp translates a LIKE pattern (% any run, _ one character,
// escape char making the next literal) into an anchored regexp.
func likeRegexp(pat string, esc rune) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("(?s)^")
	escaped := false
	for _, r := range pat {
		switch {
		case escaped:
			b.WriteString(regexp.QuoteMeta(string(r)))
			escaped = false
		case esc != 0 && r == esc:
			escaped = true
		case r == '%':
			b.WriteString(".*")
		case r == '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

func compileLike(x *planner.Like) (evalFn, error) {
	f, err := compile(x.X)
	if err != nil {
		return nil, err
	}
	pf, err := compile(x.Pattern)
	if err != nil {
		return nil, err
	}
	var ef evalFn
	if x.Escape != nil {
		if ef, err = compile(x.Escape); err != nil {
			return nil, err
		}
	}
	not := x.Not
	cache := map[string]*regexp.Regexp{}
	return func(c *evalCtx) (sqltypes.Value, error) {
		v, err := f(c)
		if v == nil || err != nil {
			return nil, err
		}
		p, err := pf(c)
		if p == nil || err != nil {
			return nil, err
		}
		var esc rune
		if ef != nil {
			e, err := ef(c)
			if err != nil {
				return nil, err
			}
			if s, _ := e.(string); s != "" {
				esc = []rune(s)[0]
			}
		}
		key := p.(string) + "\x00" + string(esc)
		re := cache[key]
		if re == nil {
			if re, err = likeRegexp(p.(string), esc); err != nil {
				return nil, evalErr("invalid LIKE pattern %q", p)
			}
			if len(cache) < 64 {
				cache[key] = re
			}
		}
		return re.MatchString(v.(string)) != not, nil
	}, nil
}
