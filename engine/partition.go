package engine

// murmur2 is Kafka's murmur2 hash (org.apache.kafka.common.utils.Utils),
// the hash of the Java client's default partitioner and of librdkafka's
// murmur2_random partitioner.
func murmur2(data []byte) int32 {
	const (
		seed uint32 = 0x9747b28c
		m    uint32 = 0x5bd1e995
		r           = 24
	)
	n := len(data)
	h := seed ^ uint32(n)
	n4 := n / 4
	for i := 0; i < n4; i++ {
		j := i * 4
		k := uint32(data[j]) | uint32(data[j+1])<<8 | uint32(data[j+2])<<16 | uint32(data[j+3])<<24
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
	}
	tail := n &^ 3
	switch n % 4 {
	case 3:
		h ^= uint32(data[tail+2]) << 16
		fallthrough
	case 2:
		h ^= uint32(data[tail+1]) << 8
		fallthrough
	case 1:
		h ^= uint32(data[tail])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}

// partitionFor returns the partition of a record with a non-null key among
// n partitions, as Kafka's default partitioner chooses it:
// toPositive(murmur2(key)) % n.
func partitionFor(key []byte, n int) int32 {
	return int32(uint32(murmur2(key)) & 0x7fffffff % uint32(n))
}
