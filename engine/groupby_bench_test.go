package engine_test

import (
	"fmt"
	"strings"
	"testing"
)

// The aggregation benchmarks run a GROUP BY count over the same 1 M
// records as BenchmarkEngineFilterProjectEOS (exactly-once, 4 partitions),
// grouped by a non-key column: each record goes through the repartition
// topic, then updates its group's row in RocksDB, whose change goes to the
// changelog and the output topic in the cycle's transaction. The ratio
// against the stateless pipeline is the cost of state:
//
//	BenchmarkEngineGroupBy10k  10 k distinct groups (A % 10000)
//	BenchmarkEngineGroupBy1M   1 M distinct groups (A is unique)
func BenchmarkEngineGroupBy10k(b *testing.B) { benchGroupBy(b, "a % 10000") }
func BenchmarkEngineGroupBy1M(b *testing.B)  { benchGroupBy(b, "a") }

// benchGroupBy counts until every input record and every repartitioned
// record (one each) is consumed by a committed cycle.
func benchGroupBy(b *testing.B, key string) {
	k := strings.ReplaceAll(key, "%", "%%") // the DDL is a format (benchQuery)
	benchQuery(b, nil, 2, fmt.Sprintf("CREATE TABLE %%s AS SELECT %s AS k, COUNT(*) AS n, SUM(b) AS total FROM bsrc GROUP BY %s;", k, k))
}
