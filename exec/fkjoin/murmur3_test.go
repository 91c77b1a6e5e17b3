package fkjoin

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"testing"
)

// Reference values of MurmurHash3_x64_128 (seed 0): as h1, h2 printed as
// hex numbers, and as the 16 output bytes.
func TestMurmur3(t *testing.T) {
	words := func(h Hash) string {
		return fmt.Sprintf("%016x%016x", binary.LittleEndian.Uint64(h[:]), binary.LittleEndian.Uint64(h[8:]))
	}
	bytesOf := func(h Hash) string { return hex.EncodeToString(h[:]) }
	tests := []struct {
		in, want string
		render   func(Hash) string
	}{
		{"", "00000000000000000000000000000000", bytesOf},
		{"hello", "cbd8a7b341bd9b025b1e906a48ae1d19", words},
		{"The quick brown fox jumps over the lazy dog", "6c1b07bc7bbc4be347939ac4a93c437a", bytesOf},
	}
	for _, tt := range tests {
		if got := tt.render(murmur3([]byte(tt.in))); got != tt.want {
			t.Errorf("murmur3(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
