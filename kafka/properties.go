package kafka

import (
	"os"
	"strings"

	"github.com/rql/rql/rqlerr"
)

// readPropertiesFile reads a Java .properties file (the format of Kafka's
// client.properties): see parseProperties.
func readPropertiesFile(path string) ([][2]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, rqlerr.Wrap(rqlerr.KafkaConfig, err, "reading properties file")
	}
	kv, err := parseProperties(string(b))
	if err != nil {
		return nil, rqlerr.Wrap(rqlerr.KafkaConfig, err, "properties file %s", path)
	}
	return kv, nil
}

// parseProperties parses the subset of java.util.Properties that client
// configuration files use: one "key=value", "key: value" or "key value"
// per logical line; blank lines and lines starting with # or ! are
// comments; a line ending in an odd number of backslashes continues on the
// next line (leading whitespace of the continuation is dropped); \t \n \r
// \\ \= \: \uXXXX escapes. Pairs are returned in file order.
func parseProperties(text string) ([][2]string, error) {
	var out [][2]string
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimLeft(lines[i], " \t\f")
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		for endsWithContinuation(line) && i+1 < len(lines) {
			i++
			line = line[:len(line)-1] + strings.TrimLeft(lines[i], " \t\f")
		}
		key, val := splitProperty(line)
		k, err := unescapeProperty(key)
		if err != nil {
			return nil, err
		}
		v, err := unescapeProperty(val)
		if err != nil {
			return nil, err
		}
		out = append(out, [2]string{k, v})
	}
	return out, nil
}

func endsWithContinuation(s string) bool {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// splitProperty splits at the first unescaped '=', ':' or whitespace.
func splitProperty(line string) (key, val string) {
	for i := 0; i < len(line); i++ {
		switch c := line[i]; c {
		case '\\':
			i++
		case '=', ':', ' ', '\t', '\f':
			key = line[:i]
			rest := strings.TrimLeft(line[i+1:], " \t\f")
			if c == ' ' || c == '\t' || c == '\f' {
				if rest != "" && (rest[0] == '=' || rest[0] == ':') {
					rest = strings.TrimLeft(rest[1:], " \t\f")
				}
			}
			return key, rest
		}
	}
	return line, ""
}

func unescapeProperty(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case 'u':
			if i+5 > len(s) {
				return "", rqlerr.New(rqlerr.KafkaConfig, "malformed \\u escape in %q", s)
			}
			var r rune
			for _, h := range s[i+1 : i+5] {
				r <<= 4
				switch {
				case h >= '0' && h <= '9':
					r |= h - '0'
				case h >= 'a' && h <= 'f':
					r |= h - 'a' + 10
				case h >= 'A' && h <= 'F':
					r |= h - 'A' + 10
				default:
					return "", rqlerr.New(rqlerr.KafkaConfig, "malformed \\u escape in %q", s)
				}
			}
			b.WriteRune(r)
			i += 4
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), nil
}
