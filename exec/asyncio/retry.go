package asyncio

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/rql/rql/udf"
)

// RetryKind selects the retry strategy.
type RetryKind uint8

const (
	RetryNone    RetryKind = iota // the first failure is final
	RetryFixed                    // Retries retries, Delay apart
	RetryBackoff                  // Retries retries, Delay × Multiplier^(k-1), at most Cap
)

// RetryPolicy decides whether and when a failed call is tried again. Only
// retryable failures are retried (udf.Retryable: timeouts, connection
// errors, HTTP 429/502/503/504, errors of Go functions); a server's
// Retry-After raises the delay. A call waiting to be retried keeps its
// in-flight slot but not its worker.
type RetryPolicy struct {
	Kind       RetryKind
	Retries    int           // retries after the first attempt
	Delay      time.Duration // fixed delay, or the first backoff delay
	Multiplier float64       // backoff growth per retry (≥ 1)
	Cap        time.Duration // largest backoff delay (default 30s)
	// Jitter spreads each delay uniformly over ±Jitter of it (0..1,
	// default 0.2), so that calls failing together do not retry together.
	Jitter float64
}

func (p RetryPolicy) String() string {
	switch p.Kind {
	case RetryFixed:
		return fmt.Sprintf("fixed(%d, %s)", p.Retries, p.Delay)
	case RetryBackoff:
		return fmt.Sprintf("backoff(%d, %s, %g, %s)", p.Retries, p.Delay, p.Multiplier, p.Cap)
	}
	return "none"
}

// ParseRetry reads 'none', 'fixed(n, delay)' or 'backoff(n, initial,
// multiplier[, cap])'; delays are durations ('100ms') or milliseconds.
func ParseRetry(s string) (RetryPolicy, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "none" || s == "" {
		return RetryPolicy{}, nil
	}
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end != len(s)-1 {
		return RetryPolicy{}, fmt.Errorf("want 'none', 'fixed(n, delay)' or 'backoff(n, initial, multiplier[, cap])'")
	}
	kind, args := strings.TrimSpace(s[:open]), strings.Split(s[open+1:end], ",")
	for i := range args {
		args[i] = strings.TrimSpace(args[i])
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 0 || n > 1000 {
		return RetryPolicy{}, fmt.Errorf("retries %q: want an integer between 0 and 1000", args[0])
	}
	dur := func(i int) (time.Duration, error) {
		d, err := udf.ParseDuration(args[i])
		if err != nil || d < 0 {
			return 0, fmt.Errorf("delay %q: want a duration such as '100ms'", args[i])
		}
		return d, nil
	}
	switch kind {
	case "fixed":
		if len(args) != 2 {
			return RetryPolicy{}, fmt.Errorf("fixed takes (retries, delay)")
		}
		d, err := dur(1)
		return RetryPolicy{Kind: RetryFixed, Retries: n, Delay: d}, err
	case "backoff":
		if len(args) != 3 && len(args) != 4 {
			return RetryPolicy{}, fmt.Errorf("backoff takes (retries, initial, multiplier[, cap])")
		}
		d, err := dur(1)
		if err != nil {
			return RetryPolicy{}, err
		}
		m, err := strconv.ParseFloat(args[2], 64)
		if err != nil || m < 1 || m > 100 {
			return RetryPolicy{}, fmt.Errorf("multiplier %q: want a number between 1 and 100", args[2])
		}
		p := RetryPolicy{Kind: RetryBackoff, Retries: n, Delay: d, Multiplier: m, Cap: 30 * time.Second}
		if len(args) == 4 {
			if p.Cap, err = dur(3); err != nil {
				return RetryPolicy{}, err
			}
		}
		return p, nil
	}
	return RetryPolicy{}, fmt.Errorf("unknown retry strategy %q", kind)
}

// delay returns the wait before retry number k (1-based), before jitter.
func (p RetryPolicy) delay(k int) time.Duration {
	switch p.Kind {
	case RetryFixed:
		return p.Delay
	case RetryBackoff:
		d := float64(p.Delay) * math.Pow(p.Multiplier, float64(k-1))
		if c := float64(p.Cap); p.Cap > 0 && d > c {
			d = c
		}
		return time.Duration(d)
	}
	return 0
}

// backoff returns the jittered wait before retry k, at least after (a
// server's Retry-After, already capped).
func (p RetryPolicy) backoff(k int, after time.Duration) time.Duration {
	d := p.delay(k)
	if p.Jitter > 0 && d > 0 {
		d = time.Duration(float64(d) * (1 + p.Jitter*(2*rand.Float64()-1)))
	}
	return max(d, after)
}
