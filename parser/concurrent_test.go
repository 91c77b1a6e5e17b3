package parser

import (
	"sync"
	"testing"
)

// TestConcurrentParse parses from several goroutines at once; run with
// -race, it catches a TiDB parser returned to the pool while its AST is
// still being converted.
func TestConcurrentParse(t *testing.T) {
	const sql = `CREATE STREAM OUT AS SELECT ID, UCASE(NAME) AS N, A->B, CAST(X AS BIGINT) + 1 AS Y
		FROM S WHERE X BETWEEN 1 AND 10 AND NAME LIKE 'a%' PARTITION BY NAME EMIT CHANGES;`
	want, err := Parse(sql, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantText := len(want[0].(*CreateAsSelect).Query.Select)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				got, err := Parse(sql, ParseOptions{})
				if err != nil {
					t.Error(err)
					return
				}
				if n := len(got[0].(*CreateAsSelect).Query.Select); n != wantText {
					t.Errorf("select list has %d items, want %d", n, wantText)
					return
				}
			}
		}()
	}
	wg.Wait()
}
