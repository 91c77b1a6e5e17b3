// Command gen prints docs/errors.md from rqlerr.Codes: `go run ./rqlerr/gen > docs/errors.md`.
package main

import (
	"fmt"

	"github.com/rql/rql/rqlerr"
)

func main() {
	fmt.Println("# Error codes")
	fmt.Println()
	fmt.Println("Every error rql shows a user carries one of these codes (generated from `rqlerr.Codes` by `make docs`; do not edit by hand).")
	fmt.Println("Codes are stable: search for one to find what it means. Prefixes: P parsing, B binding and planning,")
	fmt.Println("S statements against the catalog, F formats, E execution.")
	fmt.Println()
	fmt.Println("| code | meaning |")
	fmt.Println("| --- | --- |")
	for _, c := range rqlerr.Codes {
		fmt.Printf("| `%s` | %s |\n", c.Code, c.Description)
	}
}
