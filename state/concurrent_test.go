package state

import (
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentReadersAndCommits runs readers and scanners against a
// committing writer (run with -race) and checks that a scan never sees a
// half-applied commit: every commit writes all of a..e with one value.
func TestConcurrentReadersAndCommits(t *testing.T) {
	d := openTest(t)
	keys := []string{"a", "b", "c", "d", "e"}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				it := d.Range("t", nil, nil)
				var vals []string
				for ; it.Valid(); it.Next() {
					vals = append(vals, string(it.Value()))
				}
				if err := it.Err(); err != nil {
					t.Error(err)
				}
				it.Close()
				for _, v := range vals {
					if v != vals[0] || len(vals) != len(keys) && len(vals) != 0 {
						t.Errorf("torn commit: %v", vals)
						return
					}
				}
				if _, _, err := d.Get("t", []byte("c"), nil); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	b := d.NewBatch()
	for i := 0; i < 300; i++ {
		for _, k := range keys {
			b.Put("t", []byte(k), []byte(fmt.Sprint(i)))
		}
		if err := d.Commit(b, Offsets{"in/0": int64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}
