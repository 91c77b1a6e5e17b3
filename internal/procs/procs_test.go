package procs

import (
	"runtime"
	"testing"
)

func TestApplyAddsASpare(t *testing.T) {
	t.Setenv("GOMAXPROCS", "")
	before := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(before)
	n, fromEnv := Apply()
	if fromEnv || n != before+Spare || runtime.GOMAXPROCS(0) != n {
		t.Fatalf("Apply() = %d, %v with a default of %d; GOMAXPROCS now %d, want %d from the default",
			n, fromEnv, before, runtime.GOMAXPROCS(0), before+Spare)
	}
}

func TestApplyLeavesAnExplicitSetting(t *testing.T) {
	t.Setenv("GOMAXPROCS", "3")
	before := runtime.GOMAXPROCS(0)
	n, fromEnv := Apply()
	if !fromEnv || n != before || runtime.GOMAXPROCS(0) != before {
		t.Fatalf("Apply() = %d, %v with GOMAXPROCS set; GOMAXPROCS %d → %d, want unchanged", n, fromEnv, before, runtime.GOMAXPROCS(0))
	}
}
