// Package conformance runs ksqlDB's query-validation test cases (the corpus
// in ../shared/qtt, see its README.md) and rql's own test files against the
// in-process test driver, and compares what the queries wrote with what the
// case expects.
//
// One mechanism serves three users: `rql conformance` (the corpus),
// `rql test` (ksql-test-runner style files) and the golden tests in
// testdata/. Each builds a *Case, runs it with a Runner and gets a Result:
//
//	cases, err := conformance.LoadFile("../shared/qtt/corpus.jsonl")
//	r := conformance.Runner{}
//	for _, c := range cases {
//		res := r.Run(ctx, c) // pass | fail (with a reason) | error
//	}
//
// A case runs on a fresh engine: its statements execute in order, then its
// inputs are produced in file order (keys and values serialized with the
// formats of the source declared on the topic), then every output topic
// with expected records is compared record by record, then the
// post-conditions (source schemas, types and formats) are checked. The
// comparison rules are those of ksqlDB's TestExecutor as summarised in the
// corpus README ("How a runner compares").
package conformance
