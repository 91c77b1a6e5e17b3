package asyncio

import (
	"context"
	"sync"
	"time"
)

// bucket is a token bucket shared by the workers: rate tokens per second,
// at most burst stored. wait reserves a token and sleeps until it is due,
// so concurrent waiters are spaced evenly (a reservation, as
// golang.org/x/time/rate's Reserve).
type bucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, burst int) *bucket {
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: time.Now()}
}

// wait takes a token, sleeping as long as needed; it returns how long it
// slept, or ctx's error (the token is then lost, which only makes the
// limiter stricter).
func (b *bucket) wait(ctx context.Context) (time.Duration, error) {
	b.mu.Lock()
	now := time.Now()
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	b.tokens--
	var d time.Duration
	if b.tokens < 0 {
		d = time.Duration(-b.tokens / b.rate * float64(time.Second))
	}
	b.mu.Unlock()
	if d <= 0 {
		return 0, nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return d, nil
	case <-ctx.Done():
		return d, ctx.Err()
	}
}
