// Package procs owns one process-wide decision: how many Go Ps (GOMAXPROCS)
// an rql process runs with. The rql command applies it at start; the test
// binaries that benchmark the runtime apply it in TestMain, so that their
// figures are those of the binary.
package procs
