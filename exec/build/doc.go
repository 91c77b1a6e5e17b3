// Package build turns a planner.QueryPlan into a wired exec.Pipeline. It
// sits above exec and exec's specialised subpackages so that exec never
// imports them: exec/fkjoin runs foreign-key joins (join.go; the other
// joins are exec's), exec/asyncio runs ENRICH USING ASYNC (enrich.go,
// enrich_async.go, which also validate and parse an ENRICH clause's WITH
// options for the planner and the runtimes).
package build
