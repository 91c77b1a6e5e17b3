package engine

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rql/rql/kafka"
	"github.com/rql/rql/kafka/devbroker"
)

// BenchmarkRestore measures the restore of one task's state store from
// its changelog (issue #5): a one-partition changelog topic on the dev
// broker (kfake over TCP, in process) holding N distinct keys with values
// of about 80 bytes (an aggregate's state row), restored into an empty
// state directory through the runtime's own path (query.openTaskState →
// restore: PartitionReader, RocksDB batches of 10 000 with their
// checkpoint). The baseline, measured in the same run on the same
// partition with the same reader settings, reads every record and does
// nothing with it. Per variant:
//
//   - records/s: restored records per second; raw-records/s: the raw
//     read's; ratio = records/s ÷ raw-records/s (the fraction of the
//     reader's ceiling the restore keeps; RocksDB writes are the rest);
//   - memtable-MB, table-readers-MB, block-cache-MB: RocksDB's memory
//     right after the restore (rocksdb.cur-size-all-mem-tables,
//     rocksdb.estimate-table-readers-mem, rocksdb.block-cache-usage);
//   - disk-MB and disk-B/key: the size of the task's state directory
//     right after the restore (SST files, WAL, RocksDB's own files), and
//     per key.
//
// keys=100k is the smoke variant:
//
//	go test ./engine -run '^$' -bench 'BenchmarkRestore/keys=100k' -benchtime 1x
//	go test ./engine -run '^$' -bench 'BenchmarkRestore/keys=1M' -benchtime 1x
func BenchmarkRestore(b *testing.B) {
	for _, n := range []struct {
		name string
		keys int
	}{{"100k", 100_000}, {"1M", 1_000_000}} {
		b.Run("keys="+n.name, func(b *testing.B) { benchRestore(b, n.keys) })
	}
}

// restoreBenchValue is a state row of about 80 bytes.
func restoreBenchValue(i int) []byte {
	return fmt.Appendf(nil, `{"COUNT":%d,"SUM":%d.5,"LAST":"user-%08d","MAX":%d,"MIN":%d,"AVG":1.25}`,
		i%977, i, i, i%10007, i%13)
}

func benchRestore(b *testing.B, keys int) {
	ctx := context.Background()
	br, err := devbroker.Start(devbroker.Config{Partitions: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	e, err := New(ctx, Options{Bootstrap: br.Addr(), StateDir: b.TempDir(), ServiceID: "rbench"})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = e.Close(ctx) }()
	log := changelog{table: "RB-Aggregate-Materialize", topic: "rbench-RB-Aggregate-Materialize-changelog"}
	if err := e.createChangelogs(ctx, []changelog{log}, 1); err != nil {
		b.Fatal(err)
	}
	if err := produceChangelog(ctx, br.Addr(), log.topic, keys); err != nil {
		b.Fatal(err)
	}

	var rawNs, restoreNs, restored, rawRead int64
	var memtable, readers, cache, disk float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Baseline: the same reader, reading the same partition, keeping nothing.
		b.StopTimer()
		r, err := kafka.NewPartitionReader(append(e.clientOpts(), kafka.MaxPollRecords(10000))...)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now().UnixNano()
		low, high, err := r.Offsets(ctx, log.topic, 0)
		if err != nil {
			b.Fatal(err)
		}
		n, err := r.Read(ctx, log.topic, 0, low, high, func(*kafka.Record) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		rawNs += time.Now().UnixNano() - t0
		rawRead += n
		b.StopTimer()
		r.Close()

		// The restore into an empty state directory (a fresh query id).
		q := &query{e: e, id: "RB" + strconv.Itoa(i), topo: &topology{}, changelogs: []changelog{log},
			tasks: map[kafka.TopicPartition]*task{}, taskNames: map[string]bool{}}
		b.StartTimer()
		t0 = time.Now().UnixNano()
		ts, err := q.openTaskState(ctx, &subTopology{}, 0, nil)
		if err != nil {
			b.Fatal(err)
		}
		restoreNs += time.Now().UnixNano() - t0
		b.StopTimer()
		restored += ts.restored
		u := ts.db.Usage()
		memtable += float64(u.Memtables) / (1 << 20)
		readers += float64(u.TableReaders) / (1 << 20)
		cache += float64(u.BlockCache) / (1 << 20)
		disk += float64(dirSize(ts.dir))
		if ts.restored != int64(keys) {
			b.Fatalf("restored %d records, want %d", ts.restored, keys)
		}
		ts.close()
		q.reader.Close()
		b.StartTimer()
	}
	b.StopTimer()
	runs := float64(b.N)
	rate := float64(restored) / (float64(restoreNs) / 1e9)
	raw := float64(rawRead) / (float64(rawNs) / 1e9)
	b.ReportMetric(rate, "records/s")
	b.ReportMetric(raw, "raw-records/s")
	b.ReportMetric(rate/raw, "ratio")
	b.ReportMetric(memtable/runs, "memtable-MB")
	b.ReportMetric(readers/runs, "table-readers-MB")
	b.ReportMetric(cache/runs, "block-cache-MB")
	b.ReportMetric(disk/runs/(1<<20), "disk-MB")
	b.ReportMetric(disk/runs/float64(keys), "disk-B/key")
}

// produceChangelog writes keys distinct keys to partition 0 of topic.
func produceChangelog(ctx context.Context, addr, topic string, keys int) error {
	p, err := kafka.NewProducer(kafka.BootstrapServers(addr), kafka.Property("log_level", "3"),
		kafka.Property("linger.ms", "5"))
	if err != nil {
		return err
	}
	defer p.Close(ctx)
	batch := make([]*kafka.Record, 0, 50000)
	for i := 0; i < keys; i++ {
		batch = append(batch, &kafka.Record{Topic: topic, Partition: 0,
			Key: fmt.Appendf(nil, "user-%08d", i), Value: restoreBenchValue(i)})
		if len(batch) == cap(batch) || i == keys-1 {
			if err := p.Produce(ctx, batch...); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return nil
}

// dirSize is the total size of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
