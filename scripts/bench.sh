#!/usr/bin/env bash
# make bench: runs each benchmark pair (rql vs a baseline measured in the same
# run) and writes bench/RESULTS.md with the figures, the ratio, the machine
# and the command. Timing never decides pass/fail: this only reports.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
BENCHTIME=${BENCHTIME:-2s}
out=bench/RESULTS.md
raw=$(mktemp)

# package | benchmark | baseline | what the ratio means (higher is better for rql)
PAIRS=(
  "./format|BenchmarkJSONValueRoundTrip|BenchmarkBaselineEncodingJSONRoundTrip|typed JSON serde vs encoding/json into a map (speed-up)"
)
[ -d state ] && PAIRS+=("./state|BenchmarkBatchPut|BenchmarkBaselineMapPut|RocksDB batched put vs a Go map (fraction of an in-memory map)")
[ -d exec/driver ] && PAIRS+=("./exec/driver|BenchmarkDriverFilterProject|BenchmarkBaselineJSONFilterProject|CSAS filter+project through the test driver vs a hand-written encoding/json loop (speed-up)")
[ -d exec/driver ] && PAIRS+=("./exec/driver|BenchmarkDriverStreamTableJoin10k|BenchmarkDriverFilterProject|stream-table join (10 k table keys, lookup on the stream key) vs the stateless filter+project pipeline (fraction of the stateless records/s)")
[ -d exec/driver ] && PAIRS+=("./exec/driver|BenchmarkDriverStreamTableJoin1M|BenchmarkDriverFilterProject|the same with 1 M table keys (fraction of the stateless records/s)")
[ -d exec/driver ] && PAIRS+=("./exec/driver|BenchmarkDriverGlobalTableJoin|BenchmarkDriverRepartitionedJoin|stream-global-table join on a value column vs the same join re-keying the stream through a topic first, 10 k keys, in process (speed-up; a broker round trip would widen it)")
[ -d kafka ] && PAIRS+=("./kafka|BenchmarkTransactionalCopy|BenchmarkBaselineProduceConsume|transactional consume→produce vs plain produce+consume on the dev broker (fraction of the ceiling)")
[ -d engine ] && PAIRS+=("./engine|BenchmarkEngineFilterProjectEOS|BenchmarkBaselineTxnCopyEOS|rql filter+project over 1M JSON records of 250 B, exactly-once, 4 partitions, vs a raw confluent-kafka-go transactional copy loop (fraction of the ceiling; target 0.8)")
[ -d engine ] && PAIRS+=("./engine|BenchmarkEngineFilterProjectALO|BenchmarkBaselineCopyALO|the same at-least-once vs a raw consume/produce/commit loop (fraction of the ceiling; target 0.8)")
[ -d engine ] && PAIRS+=("./engine|BenchmarkEngineGroupBy10k|BenchmarkEngineFilterProjectEOS|GROUP BY count+sum over the same 1M records, 10 k groups (non-key: repartition topic, RocksDB, changelog), exactly-once, vs the stateless filter+project (fraction of the stateless records/s)")
[ -d engine ] && PAIRS+=("./engine|BenchmarkEngineGroupBy1M|BenchmarkEngineFilterProjectEOS|the same with 1 M groups (fraction of the stateless records/s)")

# Each pair runs COUNT times, the two benchmarks alternating (COUNT runs of
# go test -count 1, so that a drift of the machine's load during the pair
# weighs on both alike); ns prints
# the median ns/op of benchmark $1 in file $2 (the pair's own run).
COUNT=${COUNT:-5}
ns() {
  awk -v b="$1" '$1 ~ "^"b"(-[0-9]+)?$" {print $3}' "$2" | sort -g |
    awk '{v[NR]=$1} END { if (NR == 0) print 0; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2 }'
}
{
  echo "# Benchmark results"
  echo
  echo "Produced by \`make bench\` (scripts/bench.sh: $COUNT × \`go test -run '^\$' -bench <pair> -benchmem -benchtime $BENCHTIME -count 1\`)"
  echo "on $(date -u +%Y-%m-%d), $(nproc) cores, $(go version | awk '{print $3}'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')."
  echo "Each ratio compares two benchmarks measured in the same run (each $COUNT times, alternating; medians): baseline ns/op ÷ rql ns/op."
  echo
  echo "| benchmark | rql ns/op | baseline | baseline ns/op | ratio | meaning |"
  echo "| --- | --- | --- | --- | --- | --- |"
} > "$out.tmp"
for p in "${PAIRS[@]}"; do
  IFS='|' read -r pkg b base what <<<"$p"
  : > "$raw.one"
  ok=1
  for _ in $(seq "$COUNT"); do
    go test -run '^$' -bench "^($b|$base)\$" -benchmem -benchtime "$BENCHTIME" -count 1 "$pkg" >> "$raw.one" 2>&1 || { ok=0; break; }
  done
  if [ $ok = 0 ]; then
    echo "| $b | failed | $base | | | see \`go test -bench $b $pkg\` |" >> "$out.tmp"; cat "$raw.one" >&2; continue
  fi
  cat "$raw.one" >> "$raw"
  x=$(ns "$b" "$raw.one"); y=$(ns "$base" "$raw.one")
  r=$(awk -v x="$x" -v y="$y" 'BEGIN{ if (x>0) printf "%.2f", y/x; else print "n/a" }')
  echo "| $b | $x | $base | $y | $r | $what |" >> "$out.tmp"
done
# Benchmarks that measure their own ratio in one run (e.g. async enrichment
# against Little's law workers / latency): package ; regex ; -benchtime ;
# meaning (";" separates the fields, since a regex may hold "|"). Benchmarks
# sized by b.N need a duration; those that size themselves run once (1x).
SELF=(
  "./exec/asyncio;^(BenchmarkEnrich|BenchmarkSyncBaseline|BenchmarkServiceMax|BenchmarkClientOnly);3s;async enrichment operator alone: records/s vs Little's law workers / 0.05 s (ratio) and vs min(limit, service max) (ratio-vs-cap; target 0.9); 50 ms loopback HTTP service (exec/asyncio/loopsvc), 4 partitions, checkpoint every 100 ms; cpu-us/rec = process CPU per record (client, operator and service), cores = average cores used, call-p50-ms = median call latency, svc-late-ms = the service's mean lateness; ClientOnly = the HTTP function called in a closed loop by as many goroutines, no operator (the client's ceiling on this machine)"
  "./engine;^BenchmarkEngineEnrich$;1x;async enrichment on the Kafka runtime (dev broker, 4 partitions, exactly-once, commit.interval.ms=100, 50 ms loopback HTTP service): sustained records/s vs Little's law workers / 0.05 s (ratio) and vs min(limit, service max) (ratio-vs-cap; target 0.9), per order mode, for workers 32, 256 and 1024; the synchronous ENRICH USING baseline (limit 4 / 0.05 s); drain-on-commit vs the default carry-over; p99-ms = produce → committed output at half the measured rate"
  "./engine;^BenchmarkRestore$;1x;state restore from a changelog (issue #5): one task's store restored into an empty state directory through the runtime's restore path, 100 k and 1 M distinct keys of ~80 B values on the dev broker; records/s vs a raw read of the same changelog partition with the same PartitionReader (raw-records/s; ratio = fraction of the reader's ceiling); RocksDB memory right after the restore (memtable-MB, table-readers-MB, block-cache-MB) and the state directory's size (disk-MB, disk-B/key)"
  "./exec/fkjoin;^BenchmarkFKJoin;1x;foreign-key join, one merchant: LeftSkew = operator with RocksDB state, ns per product update at 10 / 1k / 100k products (max/min: flatness, target ≤ 2); RightFanout = ns per merchant update and per subscriber (max/min-per-subscriber: proportionality, 1 is exact) and subscription store bytes per reference; VsNaive = product update with 10k products, the FK join query vs the naive re-key + COLLECT_LIST + primary-key join plan as pipelines with JSON and RocksDB state (naive/rql: speed-up, target ≥ 50)"
)
echo -e "\n## Benchmarks that report their own ratio" >> "$out.tmp"
for p in "${SELF[@]}"; do
  IFS=';' read -r pkg re bt what <<<"$p"
  [ -d "$pkg" ] || continue
  {
    echo
    echo "\`go test -run '^\$' -bench '$re' -benchtime $bt $pkg\`: $what"
    echo
    echo "| benchmark | metrics |"
    echo "| --- | --- |"
  } >> "$out.tmp"
  if ! go test -run '^$' -bench "$re" -benchtime "$bt" -count 1 "$pkg" > "$raw.one" 2>&1; then
    echo "| $re | failed: see the command above |" >> "$out.tmp"; cat "$raw.one" >&2; continue
  fi
  cat "$raw.one" >> "$raw"
  grep -E '^Benchmark' "$raw.one" | while read -r name _ rest; do
    echo "| $name | $(echo "$rest" | tr -s ' \t' ' ' | sed 's/|/\\|/g') |" >> "$out.tmp"
  done
done
{
  echo
  echo "Raw output:"
  echo
  echo '```'
  grep -E '^(Benchmark|goos|goarch|pkg|cpu)' "$raw" || true
  echo '```'
} >> "$out.tmp"
mv "$out.tmp" "$out"
rm -f "$raw" "$raw.one"
cat "$out"
