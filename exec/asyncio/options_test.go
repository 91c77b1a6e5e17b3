package asyncio

import (
	"errors"
	"testing"
	"time"

	"github.com/rql/rql/rqlerr"
)

func TestParseOptions(t *testing.T) {
	o, err := ParseOptions(nil)
	if err != nil || o.Workers != 16 || o.Buffer != 64 || o.Order != Ordered || o.Timeout != 10*time.Second ||
		o.Retry.Kind != RetryNone || o.OnFailure != FailQuery || o.Rate != 0 || o.CacheSize != 0 || o.SingleFlight {
		t.Fatalf("defaults %+v, %v", o, err)
	}
	o, err = ParseOptions(map[string]any{"WORKERS": int64(32), "Buffer": int64(512), "order": "KEY", "timeout": "2s",
		"retry": "backoff(3, 100ms, 2)", "on_failure": "dlq", "dlq_topic": "dead", "rate": 50.5, "cache_size": "1000",
		"cache_ttl": int64(30000)})
	if err != nil {
		t.Fatal(err)
	}
	want := RetryPolicy{Kind: RetryBackoff, Retries: 3, Delay: 100 * time.Millisecond, Multiplier: 2, Cap: 30 * time.Second, Jitter: 0.2}
	if o.Workers != 32 || o.Buffer != 512 || o.Order != KeyOrdered || o.Timeout != 2*time.Second || o.Retry != want ||
		o.OnFailure != FailDLQ || o.DLQTopic != "dead" || o.Rate != 50.5 || o.RateBurst != 6 || o.CacheSize != 1000 ||
		o.CacheTTL != 30*time.Second || !o.SingleFlight {
		t.Errorf("parsed %+v", o)
	}
	if p, err := ParseRetry("fixed(2, 250)"); err != nil || p.Kind != RetryFixed || p.Retries != 2 || p.Delay != 250*time.Millisecond {
		t.Errorf("fixed: %+v %v", p, err)
	}
	bad := []map[string]any{
		{"workers": int64(0)},
		{"workers": "many"},
		{"buffer": int64(-1)},
		{"order": "sorted"},
		{"timeout": "0s"},
		{"retry": "sometimes"},
		{"retry": "backoff(3, 1ms)"},
		{"retry": "backoff(3, 1ms, 0.5)"},
		{"retry": "fixed(x, 1ms)"},
		{"on_failure": "ignore"},
		{"on_failure": "dlq"},
		{"dlq_topic": "d"},
		{"rate": int64(-1)},
		{"jitter": 2.0},
		{"cache_size": int64(-5)},
		{"colour": "red"},
	}
	for _, props := range bad {
		if _, err := ParseOptions(props); !errors.Is(err, rqlerr.EnrichOption) {
			t.Errorf("%v: err %v, want EnrichOption", props, err)
		}
	}
}

func TestRetryDelays(t *testing.T) {
	p := RetryPolicy{Kind: RetryBackoff, Retries: 5, Delay: 100 * time.Millisecond, Multiplier: 2, Cap: 300 * time.Millisecond}
	var got []time.Duration
	for k := 1; k <= 4; k++ {
		got = append(got, p.backoff(k, 0))
	}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond, 300 * time.Millisecond}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("delays %v, want %v", got, want)
		}
	}
	if d := p.backoff(1, time.Second); d != time.Second {
		t.Errorf("Retry-After not honoured: %v", d)
	}
	p.Jitter = 0.5
	for range 100 {
		if d := p.backoff(1, 0); d < 50*time.Millisecond || d > 150*time.Millisecond {
			t.Fatalf("jittered delay %v outside ±50%%", d)
		}
	}
}
