package udf

import (
	"hash/fnv"
	"math"
	"math/bits"

	"github.com/rql/rql/sqltypes"
)

// COUNT_DISTINCT is a HyperLogLog sketch like ksqlDB's (2^14 registers of 6
// bits, packed 5 to an INT as its RegisterSet packs them, so the
// accumulator is an ARRAY<INT>), with the same estimator: linear counting
// for small cardinalities, the raw HyperLogLog estimate above 5/2 m.
const (
	hllLog2M    = 14
	hllM        = 1 << hllLog2M
	hllPerWord  = 5
	hllRegBits  = 6
	hllRegMask  = 1<<hllRegBits - 1
	hllWords    = (hllM + hllPerWord - 1) / hllPerWord
	hllRankBits = 64 - hllLog2M
)

func newCountDistinct(call *AggregateCall) (Aggregator, error) {
	t := firstArgType(call)
	return &aggImpl{
		name: call.Name, accType: sqltypes.ArrayOf(tInt), retType: tBig,
		init: func() Acc { return make([]sqltypes.Value, 0) },
		add: func(acc Acc, args []sqltypes.Value) (Acc, error) {
			if args[0] == nil {
				return acc, nil
			}
			h := hllHash(args[0], t)
			idx := int(h >> hllRankBits)
			rank := bits.LeadingZeros64(h<<hllLog2M|1<<(hllLog2M-1)) + 1
			if hllGet(accList(acc), idx) >= rank {
				return acc, nil
			}
			return hllSet(accList(acc), idx, rank), nil
		},
		merge: func(a, b Acc) (Acc, error) {
			out := hllWordsOf(accList(a))
			for i, w := range accList(b) {
				bw := uint32(asI64(w))
				ow := uint32(asI64(out[i]))
				for j := 0; j < hllPerWord; j++ {
					sh := uint(j * hllRegBits)
					if (bw>>sh)&hllRegMask > (ow>>sh)&hllRegMask {
						ow = ow&^(hllRegMask<<sh) | bw&(hllRegMask<<sh)
					}
				}
				out[i] = int32(ow)
			}
			return out, nil
		},
		resultFn: func(acc Acc) sqltypes.Value { return hllEstimate(accList(acc)) },
	}, nil
}

// hllHash hashes a value by its text and SQL type.
func hllHash(v sqltypes.Value, t *sqltypes.Type) uint64 {
	h := fnv.New64a()
	h.Write([]byte(ValueText(v, t)))
	x := h.Sum64()
	// fmix64 from MurmurHash3 spreads FNV's low-entropy high bits.
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// hllWordsOf returns a full-size copy of the register words (an empty
// accumulator stands for all zeros).
func hllWordsOf(l []sqltypes.Value) []sqltypes.Value {
	out := make([]sqltypes.Value, hllWords)
	for i := range out {
		out[i] = int32(0)
		if i < len(l) {
			out[i] = int32(asI64(l[i]))
		}
	}
	return out
}

func hllGet(l []sqltypes.Value, idx int) int {
	w := idx / hllPerWord
	if w >= len(l) {
		return 0
	}
	return int(uint32(asI64(l[w])) >> uint((idx%hllPerWord)*hllRegBits) & hllRegMask)
}

func hllSet(l []sqltypes.Value, idx, rank int) []sqltypes.Value {
	out := hllWordsOf(l)
	w := idx / hllPerWord
	sh := uint((idx % hllPerWord) * hllRegBits)
	ow := uint32(out[w].(int32))
	out[w] = int32(ow&^(hllRegMask<<sh) | uint32(rank)<<sh)
	return out
}

func hllEstimate(l []sqltypes.Value) int64 {
	sum, zeros := 0.0, 0
	for i := 0; i < hllM; i++ {
		r := hllGet(l, i)
		sum += 1 / float64(uint64(1)<<uint(r))
		if r == 0 {
			zeros++
		}
	}
	m := float64(hllM)
	alphaMM := 0.7213 / (1 + 1.079/m) * m * m
	est := alphaMM / sum
	if est <= 2.5*m && zeros > 0 {
		return int64(math.Round(m * math.Log(m/float64(zeros))))
	}
	return int64(math.Round(est))
}
