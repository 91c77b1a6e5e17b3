package procs

import (
	"os"
	"runtime"
)

// Factor is how many Ps rql runs per core the Go runtime would use by
// default (runtime.GOMAXPROCS's own default: the CPU count, or the
// container's CPU limit).
//
// Why more Ps than cores: rql's throughput on I/O-bound work (asynchronous
// enrichment with hundreds of calls in flight) is bounded by how soon a
// goroutine made runnable by the network poller, or returning from a
// blocking librdkafka call, gets a P. A librdkafka call (poll, flush,
// transaction commit) blocks in C while holding its P until the runtime's
// system monitor hands that P to another thread, and network readiness is
// looked at only when a P runs out of work. With one P per core, a 2-core
// machine ran 1024 enrichment workers at 0.82 of Little's law limit; with
// two per core at 0.95, while the CPU-bound pipelines (exactly-once
// filter+project, GROUP BY) kept or improved their rates (figures in
// bench/RESULTS.md and docs/runtime.md).
const Factor = 2

// Apply sets GOMAXPROCS to Factor times the runtime's default unless the
// GOMAXPROCS environment variable is set (then the runtime has already
// applied it and Apply leaves it). It returns the value in force and
// whether it came from the environment. Call it once, at the start of
// main or TestMain, before any goroutine depends on the value.
func Apply() (n int, fromEnv bool) {
	if os.Getenv("GOMAXPROCS") != "" {
		return runtime.GOMAXPROCS(0), true
	}
	n = Factor * runtime.GOMAXPROCS(0)
	runtime.GOMAXPROCS(n)
	return n, false
}
