package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Tally counts results by status.
type Tally struct{ Pass, Fail, Error int }

// Add counts one result.
func (t *Tally) Add(s Status) {
	switch s {
	case Pass:
		t.Pass++
	case Fail:
		t.Fail++
	default:
		t.Error++
	}
}

// Total is the number of results counted.
func (t Tally) Total() int { return t.Pass + t.Fail + t.Error }

// Percent is the pass rate in percent (0 for no results).
func (t Tally) Percent() float64 {
	if t.Total() == 0 {
		return 0
	}
	return 100 * float64(t.Pass) / float64(t.Total())
}

// String prints "pass/total (pct%)".
func (t Tally) String() string {
	return fmt.Sprintf("%d/%d (%.1f%%)", t.Pass, t.Total(), t.Percent())
}

// ByArea tallies results per area and overall.
func ByArea(results []Result) (map[string]*Tally, Tally) {
	areas := map[string]*Tally{}
	var total Tally
	for _, r := range results {
		t := areas[r.Area]
		if t == nil {
			t = &Tally{}
			areas[r.Area] = t
		}
		t.Add(r.Status)
		total.Add(r.Status)
	}
	return areas, total
}

// TallyOf tallies the results whose id satisfies keep.
func TallyOf(results []Result, keep func(id string) bool) Tally {
	var t Tally
	for _, r := range results {
		if keep(r.ID) {
			t.Add(r.Status)
		}
	}
	return t
}

// WriteAreaTable prints pass / fail / error / total per area and a TOTAL
// line.
func WriteAreaTable(w io.Writer, results []Result) {
	areas, total := ByArea(results)
	fmt.Fprintf(w, "%-24s %6s %6s %6s %6s %7s\n", "area", "pass", "fail", "error", "total", "pass%")
	for _, a := range sortedKeys(areas) {
		t := areas[a]
		fmt.Fprintf(w, "%-24s %6d %6d %6d %6d %6.1f%%\n", a, t.Pass, t.Fail, t.Error, t.Total(), t.Percent())
	}
	fmt.Fprintf(w, "%-24s %6d %6d %6d %6d %6.1f%%\n", "TOTAL", total.Pass, total.Fail, total.Error, total.Total(), total.Percent())
}

// WriteJSONLines writes one {"id","area","status","reason"} object per line.
func WriteJSONLines(w io.Writer, results []Result) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range results {
		if err := enc.Encode(struct {
			ID     string `json:"id"`
			Area   string `json:"area"`
			Status Status `json:"status"`
			Reason string `json:"reason"`
		}{r.ID, r.Area, r.Status, r.Reason}); err != nil {
			return err
		}
	}
	return nil
}

// ReasonGroup is a set of results that failed for the same kind of reason.
type ReasonGroup struct {
	Key     string
	Count   int
	Example string // id of one case of the group
}

var (
	reQuoted = regexp.MustCompile("(^|[^A-Za-z])('[^']*'|`[^`]*`|\"(?:[^\"\\\\]|\\\\.)*\")")
	reNumber = regexp.MustCompile(`\b\d+(\.\d+)?\b`)
	rePos    = regexp.MustCompile(`line \d+, column \d+: `)
)

// GroupKey reduces a failure reason to its kind: the error of a failed
// statement with names and numbers blanked, or which part of an output
// record differed.
func GroupKey(r Result) string {
	reason := r.Reason
	switch {
	case r.Status == Error:
		line, _, _ := strings.Cut(reason, "\n")
		return "error: " + reNumber.ReplaceAllString(line, "N")
	case strings.HasPrefix(reason, "statement ") && strings.Contains(reason, " failed with \""):
		// An expected-error case failed with another message.
		_, msg, _ := strings.Cut(reason, " failed with ")
		if i := strings.LastIndex(msg, "; expected an error containing"); i >= 0 {
			msg = msg[:i]
		}
		if u, err := strconv.Unquote(msg); err == nil {
			msg = u
		}
		return "wrong error: " + blank(rePos.ReplaceAllString(msg, ""))
	case strings.HasPrefix(reason, "statement "):
		_, msg, _ := strings.Cut(reason, "failed")
		msg, _, _ = strings.Cut(msg, " (statement:")
		msg, _, _ = strings.Cut(msg, "; expected an error containing")
		msg = rePos.ReplaceAllString(msg, "")
		return "statement failed" + blank(msg)
	case strings.HasPrefix(reason, "expected an error containing"):
		return "expected error not raised"
	case strings.HasPrefix(reason, "topic "):
		_, rest, _ := strings.Cut(reason, ": ")
		switch {
		case strings.HasPrefix(rest, "expected "):
			if strings.Contains(rest, "got 0;") {
				return "output: no records"
			}
			return "output: record count differs"
		case strings.HasPrefix(rest, "record "):
			_, d, _ := strings.Cut(rest, "): ")
			d, _, _ = strings.Cut(d, " | expected")
			field, _, _ := strings.Cut(d, ":")
			if i := strings.IndexAny(field, ".["); i >= 0 {
				field = field[:i] + " field"
			}
			return "output: " + field + " differs"
		}
	case strings.HasPrefix(reason, "post: "):
		rest := reason[len("post: "):]
		if _, d, ok := strings.Cut(rest, ": "); ok {
			k, _, _ := strings.Cut(d, ":")
			return "post: " + k + " differs"
		}
		return "post: " + blank(rest)
	case strings.HasPrefix(reason, "producing inputs failed"):
		return "producing inputs failed" + blank(strings.TrimPrefix(reason, "producing inputs failed"))
	}
	return blank(reason)
}

func blank(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = reQuoted.ReplaceAllString(s, "${1}_")
	s = reNumber.ReplaceAllString(s, "N")
	if len(s) > 140 {
		s = s[:140] + "…"
	}
	return s
}

// TopReasons groups the results that did not pass by GroupKey, largest
// groups first.
func TopReasons(results []Result, n int) []ReasonGroup {
	groups := map[string]*ReasonGroup{}
	for _, r := range results {
		if r.Status == Pass {
			continue
		}
		k := GroupKey(r)
		g := groups[k]
		if g == nil {
			g = &ReasonGroup{Key: k, Example: r.ID}
			groups[k] = g
		}
		g.Count++
	}
	out := make([]ReasonGroup, 0, len(groups))
	for _, g := range groups {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Key < out[j].Key
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// UpdatePassing adds the ids of passing results to the sorted id list in
// path (created if missing) and never removes one. It returns the ids it
// added and the listed ids that ran in results without passing.
func UpdatePassing(path string, results []Result) (added, regressed []string, err error) {
	listed, err := LoadIDs(path)
	if err != nil && !os.IsNotExist(err) {
		return nil, nil, err
	}
	set := map[string]bool{}
	for _, id := range listed {
		set[id] = true
	}
	for _, r := range results {
		switch {
		case r.Status == Pass && !set[r.ID]:
			set[r.ID] = true
			added = append(added, r.ID)
		case r.Status != Pass && set[r.ID]:
			regressed = append(regressed, r.ID)
		}
	}
	ids := sortedKeys(set)
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(id)
		b.WriteByte('\n')
	}
	sort.Strings(added)
	sort.Strings(regressed)
	return added, regressed, os.WriteFile(path, []byte(b.String()), 0o644)
}
