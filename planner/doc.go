// Package planner owns everything between the parsed AST and the operators:
// the Catalog (sources, custom types, persistent queries, properties), the
// binder that resolves names and types into typed expressions (Expr), the
// statement planner (PlanStatement) that validates DDL and turns queries
// into a physical plan — a DAG of plan nodes (Scan, Filter, FlatMap, Rekey,
// Project, Sink; Aggregate and Repartition for GROUP BY and windows; Join
// for every join kind, foreign-key and global-table joins included; Enrich
// for ENRICH USING; Materialize, which only runtimes add, for pull
// queries) whose schemas, keys and changelog modes are fixed at plan time —
// pull-query plans (PullPlan), and EXPLAIN, which renders the DAG through
// an OutputBuilder.
//
// The plan is data: planner never imports exec. Package exec/build turns a
// plan into operators.
package planner
