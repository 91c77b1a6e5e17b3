package conformance

import "regexp"

// foundationExcl matches the constructs outside the "foundation" subset:
// GROUP BY, JOIN, WINDOW (as a word, so WINDOWSTART does not count) and
// CREATE [OR REPLACE] [SOURCE] TABLE, case-insensitively.
var foundationExcl = regexp.MustCompile(`(?i)\bGROUP\s+BY\b|\bJOIN\b|\bWINDOW\b|\bCREATE\s+(OR\s+REPLACE\s+)?(SOURCE\s+)?TABLE\b`)

// IsFoundation reports whether c belongs to the foundation subset: none of
// its statements uses GROUP BY, JOIN, WINDOW or CREATE TABLE (stateless
// stream processing only).
func IsFoundation(c *Case) bool {
	for _, s := range c.Statements {
		if foundationExcl.MatchString(s) {
			return false
		}
	}
	return true
}
