package engine

import "testing"

// Vectors from Kafka's UtilsTest.testMurmur2 and the partitioner's rule.
func TestMurmur2(t *testing.T) {
	cases := []struct {
		in   string
		want int32
	}{
		{"21", -973932308},
		{"foobar", -790332482},
		{"a-little-bit-long-string", -985981536},
		{"a-little-bit-longer-string", -1486304829},
		{"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971},
		{"abc", 479470107},
	}
	for _, c := range cases {
		if got := murmur2([]byte(c.in)); got != c.want {
			t.Errorf("murmur2(%q) = %d, want %d", c.in, got, c.want)
		}
	}
	for _, c := range cases {
		p := partitionFor([]byte(c.in), 7)
		want := int32((int64(c.want) & 0x7fffffff) % 7)
		if p != want {
			t.Errorf("partitionFor(%q, 7) = %d, want %d", c.in, p, want)
		}
	}
}
