// Command gen prints docs/functions.md from the built-in registry:
// `go run ./udf/gen > docs/functions.md` (make docs).
package main

import (
	"fmt"

	"github.com/rql/rql/udf"
)

func main() { fmt.Print(udf.MarkdownReference(udf.Builtins())) }
