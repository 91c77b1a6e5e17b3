package procs

import (
	"os"
	"runtime"
)

// Spare is how many Ps rql runs beyond the runtime's default
// (runtime.GOMAXPROCS's own default: the CPU count, or the container's CPU
// limit).
//
// Why a spare P: a goroutine in a librdkafka call (the run loop's poll,
// a transaction commit, confluent-kafka-go's own event pollers) blocks in
// C while holding its P until the runtime's system monitor hands the P to
// another thread, up to 10 ms later when the monitor has backed off; and
// network readiness is looked at only when a P runs out of work. On a
// 2-core machine, 1024 enrichment workers on the Kafka runtime (broker and
// HTTP service in their own processes) ran at 0.92–0.95 of Little's law
// limit with 2 Ps and at 0.94–0.96 with 3; with the broker and service
// goroutines in rql's own process, 0.82 and 0.92–0.95 (figures in
// bench/RESULTS.md and docs/enrichment.md).
const Spare = 1

// Apply sets GOMAXPROCS to the runtime's default plus Spare unless the
// GOMAXPROCS environment variable is set (then the runtime has already
// applied it and Apply leaves it). It returns the value in force and
// whether it came from the environment. Call it once, at the start of
// main or TestMain, before any goroutine depends on the value.
func Apply() (n int, fromEnv bool) {
	if os.Getenv("GOMAXPROCS") != "" {
		return runtime.GOMAXPROCS(0), true
	}
	n = runtime.GOMAXPROCS(0) + Spare
	runtime.GOMAXPROCS(n)
	return n, false
}
