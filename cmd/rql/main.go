// Command rql is rql's command-line tool: an interactive SQL shell over the
// Kafka engine (by default on an embedded dev broker; --bootstrap-servers
// for a cluster, --in-process for the in-process test driver), `rql test`
// for ksql-test-runner style tests, `rql conformance` for ksqlDB's own test
// corpus, and `rql version`.
package main

import (
	"fmt"
	"os"

	"github.com/rql/rql/internal/procs"
)

func main() {
	procs.Apply() // one P more than cores unless GOMAXPROCS is set: see package procs
	if err := newRootCmd().Execute(); err != nil {
		if _, silent := err.(exitError); !silent {
			fmt.Fprintln(os.Stderr, "rql:", err)
		}
		os.Exit(1)
	}
}

// exitError makes rql exit with status 1 without printing anything more
// (the command already reported the failure).
type exitError struct{}

func (exitError) Error() string { return "failed" }
