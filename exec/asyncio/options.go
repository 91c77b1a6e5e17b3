package asyncio

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/udf"
)

// Order is the output order of an enrichment (WITH order='...').
type Order uint8

const (
	// Ordered emits results per partition in input offset order (the default).
	Ordered Order = iota
	// KeyOrdered keeps each key's order; different keys overtake each other.
	KeyOrdered
	// Unordered emits results as they complete.
	Unordered
)

func (o Order) String() string {
	switch o {
	case KeyOrdered:
		return "key"
	case Unordered:
		return "unordered"
	}
	return "ordered"
}

// FailurePolicy says what happens to an input whose call failed after its
// retries (WITH on_failure='...').
type FailurePolicy uint8

const (
	// FailQuery stops the query with the error (the default, 'fail').
	FailQuery FailurePolicy = iota
	// FailDrop drops the row silently ('drop'; counted in Stats).
	FailDrop
	// FailLog drops the row and writes a processing-log entry ('log').
	FailLog
	// FailNull emits the row with a NULL enrichment ('null').
	FailNull
	// FailDLQ sends the input record to Options.DLQTopic with headers
	// describing the failure ('dlq').
	FailDLQ
)

var failureNames = [...]string{FailQuery: "fail", FailDrop: "drop", FailLog: "log", FailNull: "null", FailDLQ: "dlq"}

func (f FailurePolicy) String() string { return failureNames[f] }

// Options are an enrichment's settings, parsed from ENRICH ... WITH (...).
// The zero value is not valid; start from DefaultOptions.
type Options struct {
	// Workers is the number of calls run concurrently (workers; default 16).
	Workers int
	// Buffer bounds the inputs held from Submit until their result is
	// emitted (buffer; default 4 × workers).
	Buffer int
	// Order of the output (order; default ordered).
	Order Order
	// Timeout bounds each attempt of a call (timeout; default 10s).
	Timeout time.Duration
	// Retry is the retry policy for retryable failures (retry; default none).
	Retry RetryPolicy
	// OnFailure applies once the retries are exhausted (on_failure; default fail).
	OnFailure FailurePolicy
	// DLQTopic receives dead letters (dlq_topic; required with on_failure='dlq').
	DLQTopic string
	// Rate caps calls per second across the workers (rate; default 0: no cap).
	// Each attempt, retries included, takes a token.
	Rate float64
	// RateBurst is the token bucket's size (rate_burst; default the tokens of
	// 100 ms at Rate, at least 1).
	RateBurst int
	// CacheSize bounds the result cache in entries (cache_size; default 0: no cache).
	CacheSize int
	// CacheTTL is how long a cached result is used (cache_ttl; default 1m).
	CacheTTL time.Duration
	// SingleFlight coalesces identical calls in flight into one
	// (single_flight; default true when the cache is on, else false).
	SingleFlight bool
	// MaxRetryAfter caps a server's Retry-After (max_retry_after; default 1m).
	MaxRetryAfter time.Duration

	singleFlightSet bool
	burstSet        bool
	bufferSet       bool
}

// DefaultOptions returns the defaults documented on Options.
func DefaultOptions() Options {
	return Options{Workers: 16, Order: Ordered, Timeout: 10 * time.Second, OnFailure: FailQuery,
		CacheTTL: time.Minute, MaxRetryAfter: time.Minute, Retry: RetryPolicy{Jitter: 0.2}}
}

// OptionNames lists the WITH options ENRICH accepts, in lower case.
func OptionNames() []string {
	ns := make([]string, 0, len(setters))
	for n := range setters {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

func optErr(name string, v any, format string, args ...any) *rqlerr.Error {
	return rqlerr.New(rqlerr.EnrichOption, "invalid ENRICH option %s=%v: %s", strings.ToLower(name), v, fmt.Sprintf(format, args...))
}

var setters = map[string]func(o *Options, v any) error{
	"workers": func(o *Options, v any) error { return setInt(&o.Workers, "workers", v, 1, 1<<16) },
	"buffer": func(o *Options, v any) error {
		o.bufferSet = true
		return setInt(&o.Buffer, "buffer", v, 1, 1<<22)
	},
	"order": func(o *Options, v any) error {
		switch strings.ToLower(fmt.Sprint(v)) {
		case "ordered":
			o.Order = Ordered
		case "key":
			o.Order = KeyOrdered
		case "unordered":
			o.Order = Unordered
		default:
			return optErr("order", v, "want 'ordered', 'key' or 'unordered'")
		}
		return nil
	},
	"timeout": func(o *Options, v any) error { return setDur(&o.Timeout, "timeout", v, false) },
	"retry": func(o *Options, v any) error {
		s, ok := v.(string)
		if !ok {
			return optErr("retry", v, "want 'none', 'fixed(n, delay)' or 'backoff(n, initial, multiplier[, cap])'")
		}
		p, err := ParseRetry(s)
		if err != nil {
			return optErr("retry", v, "%v", err)
		}
		p.Jitter = o.Retry.Jitter
		o.Retry = p
		return nil
	},
	"jitter": func(o *Options, v any) error {
		f, ok := number(v)
		if !ok || f < 0 || f > 1 {
			return optErr("jitter", v, "want a fraction between 0 and 1")
		}
		o.Retry.Jitter = f
		return nil
	},
	"on_failure": func(o *Options, v any) error {
		for i, n := range failureNames {
			if strings.EqualFold(fmt.Sprint(v), n) {
				o.OnFailure = FailurePolicy(i)
				return nil
			}
		}
		return optErr("on_failure", v, "want 'fail', 'drop', 'log', 'null' or 'dlq'")
	},
	"dlq_topic": func(o *Options, v any) error {
		s, ok := v.(string)
		if !ok || s == "" {
			return optErr("dlq_topic", v, "want a topic name")
		}
		o.DLQTopic = s
		return nil
	},
	"rate": func(o *Options, v any) error {
		f, ok := number(v)
		if !ok || f < 0 || math.IsInf(f, 0) {
			return optErr("rate", v, "want calls per second, a non-negative number")
		}
		o.Rate = f
		return nil
	},
	"rate_burst": func(o *Options, v any) error {
		o.burstSet = true
		return setInt(&o.RateBurst, "rate_burst", v, 1, 1<<20)
	},
	"cache_size": func(o *Options, v any) error { return setInt(&o.CacheSize, "cache_size", v, 0, 1<<24) },
	"cache_ttl":  func(o *Options, v any) error { return setDur(&o.CacheTTL, "cache_ttl", v, false) },
	"single_flight": func(o *Options, v any) error {
		b, ok := v.(bool)
		if !ok {
			s, isStr := v.(string)
			pb, err := strconv.ParseBool(s)
			if !isStr || err != nil {
				return optErr("single_flight", v, "want true or false")
			}
			b = pb
		}
		o.SingleFlight, o.singleFlightSet = b, true
		return nil
	},
	"max_retry_after": func(o *Options, v any) error { return setDur(&o.MaxRetryAfter, "max_retry_after", v, true) },
}

// Set applies one WITH option (name in any case; value a string, int64,
// float64 or bool as the parser produces). Errors have code EnrichOption;
// the planner adds the property's position.
func (o *Options) Set(name string, value any) error {
	f, ok := setters[strings.ToLower(name)]
	if !ok {
		return rqlerr.New(rqlerr.EnrichOption, "unknown ENRICH option %s (known: %s)", strings.ToLower(name), strings.Join(OptionNames(), ", "))
	}
	return f(o, value)
}

// ParseOptions returns DefaultOptions with props applied, validated.
func ParseOptions(props map[string]any) (Options, error) {
	o := DefaultOptions()
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names) // deterministic: the first bad option is reported
	for _, n := range names {
		if err := o.Set(n, props[n]); err != nil {
			return o, err
		}
	}
	return o, o.Validate()
}

// Validate checks the options together and fills the defaults that depend
// on other options (buffer, rate_burst, single_flight).
func (o *Options) Validate() error {
	if o.Workers < 1 {
		return optErr("workers", o.Workers, "want at least 1")
	}
	if !o.bufferSet && o.Buffer == 0 {
		o.Buffer = 4 * o.Workers
	}
	if o.Buffer < 1 {
		return optErr("buffer", o.Buffer, "want at least 1")
	}
	if o.Timeout <= 0 {
		return optErr("timeout", o.Timeout, "want a positive duration")
	}
	if o.OnFailure == FailDLQ && o.DLQTopic == "" {
		return rqlerr.New(rqlerr.EnrichOption, "invalid ENRICH options: on_failure='dlq' needs dlq_topic")
	}
	if o.OnFailure != FailDLQ && o.DLQTopic != "" {
		return rqlerr.New(rqlerr.EnrichOption, "invalid ENRICH options: dlq_topic is only used with on_failure='dlq'")
	}
	if o.Rate > 0 && !o.burstSet && o.RateBurst == 0 {
		o.RateBurst = max(1, int(math.Ceil(o.Rate/10)))
	}
	if o.CacheSize > 0 && o.CacheTTL <= 0 {
		return optErr("cache_ttl", o.CacheTTL, "want a positive duration")
	}
	if !o.singleFlightSet && o.CacheSize > 0 {
		o.SingleFlight = true
	}
	return nil
}

func setInt(dst *int, name string, v any, lo, hi int64) error {
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case int:
		n = int64(x)
	case string:
		p, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return optErr(name, v, "want an integer")
		}
		n = p
	default:
		return optErr(name, v, "want an integer")
	}
	if n < lo || n > hi {
		return optErr(name, v, "want an integer between %d and %d", lo, hi)
	}
	*dst = int(n)
	return nil
}

func setDur(dst *time.Duration, name string, v any, zeroOK bool) error {
	d, err := udf.ParseDuration(v)
	if err != nil || d < 0 || (d == 0 && !zeroOK) {
		return optErr(name, v, "want a positive duration such as '2s', '250ms' or milliseconds")
	}
	*dst = d
	return nil
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}
