package state

import (
	"encoding/binary"
	"testing"
)

// Benchmarks: keys are 8 bytes (a scrambled counter over 1 M distinct
// keys), values 32 bytes, the shape of a GROUP BY count's state.

const benchKeys = 1 << 20

func benchKey(dst []byte, i int) []byte {
	return binary.BigEndian.AppendUint64(dst, uint64(i%benchKeys)*0x9E3779B97F4A7C15)
}

var benchVal = make([]byte, 32)

// BenchmarkBatchPut: one Put per op into a Batch, committed every 1000 puts
// (commit cost included), as an aggregation flushing per transaction does.
func BenchmarkBatchPut(b *testing.B) {
	d := openTest(b)
	wb := d.NewBatch()
	var k []byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k = benchKey(k[:0], i)
		wb.Put("agg", k, benchVal)
		if wb.Len() == 1000 {
			if err := d.Commit(wb, Offsets{"in/0": int64(i)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := d.Commit(wb, nil); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkBaselineMapPut is BenchmarkBatchPut's baseline: the same puts
// into a Go map (no durability, no ordering), cleared every 1000 puts.
func BenchmarkBaselineMapPut(b *testing.B) {
	m := map[string][]byte{}
	var k []byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k = benchKey(k[:0], i)
		m[string(k)] = append(m[string(k)][:0], benchVal...)
		if len(m) == 1000 {
			clear(m)
		}
	}
}

// loadBench commits n keys into table "agg".
func loadBench(b *testing.B, d *DB, n int) {
	wb := d.NewBatch()
	var k []byte
	for i := 0; i < n; i++ {
		k = benchKey(k[:0], i)
		wb.Put("agg", k, benchVal)
		if wb.Len() == 10000 {
			if err := d.Commit(wb, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := d.Commit(wb, nil); err != nil {
		b.Fatal(err)
	}
	if err := d.Flush(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkGet: random point reads of 100 k committed keys (flushed to SST
// files, so reads go through the block cache).
func BenchmarkGet(b *testing.B) {
	const n = 100_000
	d := openTest(b)
	loadBench(b, d, n)
	var k, v []byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k = benchKey(k[:0], (i*7919)%n)
		var ok bool
		var err error
		v, ok, err = d.Get("agg", k, v[:0])
		if err != nil || !ok {
			b.Fatal("missing key", err)
		}
	}
}

// BenchmarkPrefixScan: one op is a prefix scan returning 100 entries (the
// windows of one key), from 1000 keys x 100 windows.
func BenchmarkPrefixScan(b *testing.B) {
	const keys, windows = 1000, 100
	d := openTest(b)
	wb := d.NewBatch()
	var k []byte
	for i := 0; i < keys; i++ {
		for w := 0; w < windows; w++ {
			k = WindowKey(k[:0], benchKey(nil, i), int64(w)*60_000)
			wb.Put("win", k, benchVal)
		}
	}
	if err := d.Commit(wb, nil); err != nil {
		b.Fatal(err)
	}
	if err := d.Flush(); err != nil {
		b.Fatal(err)
	}
	var p []byte
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p = WindowPrefix(p[:0], benchKey(nil, (i*7919)%keys))
		it := d.Prefix("win", p)
		n := 0
		for ; it.Valid(); it.Next() {
			n += len(it.Key()) + len(it.Value())
			_ = n
		}
		it.Close()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*windows)/b.Elapsed().Seconds(), "entries/s")
}
