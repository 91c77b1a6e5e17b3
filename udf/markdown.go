package udf

import (
	"fmt"
	"sort"
	"strings"
)

// MarkdownReference renders r as docs/functions.md: one table per category,
// one row per function with every variant's signature.
func MarkdownReference(r *Registry) string {
	var b strings.Builder
	byCat := map[string][]*FuncDef{}
	for _, d := range r.List() {
		c := d.Category
		if c == "" {
			c = "OTHER"
		}
		byCat[c] = append(byCat[c], d)
	}
	cats := make([]string, 0, len(byCat))
	for c := range byCat {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	fmt.Fprintln(&b, "# Built-in functions")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "Generated from the registry by `make docs`; do not edit by hand. `SHOW FUNCTIONS` lists the")
	fmt.Fprintln(&b, "same names and `DESCRIBE FUNCTION name` prints one function's variants. Semantics follow")
	fmt.Fprintln(&b, "ksqlDB's reference: unless a variant says otherwise, a NULL argument gives a NULL result.")
	fmt.Fprintln(&b)
	for _, c := range cats {
		fmt.Fprintf(&b, "## %s\n\n", strings.Title(strings.ToLower(c)))
		fmt.Fprintln(&b, "| function | kind | variants | description |")
		fmt.Fprintln(&b, "| --- | --- | --- | --- |")
		for _, d := range byCat[c] {
			var sigs []string
			for _, v := range d.Variants {
				sigs = append(sigs, "`"+signature(d.Name, v)+"`")
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", d.Name, strings.ToLower(d.Kind.String()), strings.Join(sigs, "<br>"), oneLine(d.Description))
		}
		fmt.Fprintln(&b)
	}
	return b.String()
}

// signature renders one variant: "NAME(name TYPE, name TYPE...) → TYPE",
// "..." marking the parameter a call may repeat.
func signature(name string, v *Variant) string {
	var ps []string
	vi := v.VariadicIndex()
	for i, p := range v.Params {
		s := SignatureType(p.Type)
		if p.Name != "" {
			s = p.Name + " " + s
		}
		if i == vi {
			s += "..."
		}
		ps = append(ps, s)
	}
	ret := "?"
	if v.Return != nil {
		ret = SignatureType(v.Return)
	}
	return name + "(" + strings.Join(ps, ", ") + ") → " + ret
}

func oneLine(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", "\\|")
}
