package build

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/rql/rql/exec"
	"github.com/rql/rql/exec/asyncio"
	"github.com/rql/rql/parser"
	"github.com/rql/rql/planner"
	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/sqltypes"
	"github.com/rql/rql/udf"
)

// syncOptions are the ENRICH options that apply without ASYNC: the call
// runs on the task goroutine, so workers, buffer, order, rate and cache
// have no meaning there.
var syncOptions = map[string]bool{"timeout": true, "retry": true, "jitter": true, "max_retry_after": true,
	"on_failure": true, "dlq_topic": true}

// CheckEnrichOptions validates an ENRICH clause's WITH options: it is the
// planner.PlanOptions.CheckEnrich hook. Errors have code EnrichOption and
// the offending property's position (cross-option errors have none).
func CheckEnrichOptions(async bool, props parser.Properties) error {
	_, err := EnrichOptions(async, props)
	return err
}

// EnrichOptions parses an ENRICH clause's WITH options into
// asyncio.Options (see CheckEnrichOptions).
func EnrichOptions(async bool, props parser.Properties) (asyncio.Options, error) {
	o := asyncio.DefaultOptions()
	for _, p := range props {
		name := strings.ToLower(p.Name)
		if err := o.Set(name, p.Value); err != nil {
			return o, placed(err, p.Pos)
		}
		if !async && !syncOptions[name] {
			return o, rqlerr.At(rqlerr.EnrichOption, p.Pos, "ENRICH option %s needs ENRICH USING ASYNC", name)
		}
	}
	return o, o.Validate()
}

func placed(err error, pos rqlerr.Pos) error {
	if e, ok := err.(*rqlerr.Error); ok && !e.Pos.IsValid() {
		c := *e
		c.Pos = pos
		return &c
	}
	return err
}

// enrich builds the operator of an ENRICH clause; out receives its rows.
func (b *builder) enrich(n *planner.Enrich, out exec.Collector) (exec.Operator, error) {
	opts, err := EnrichOptions(n.Async, n.Options)
	if err != nil {
		return nil, placed(err, n.Pos)
	}
	if n.Call.Fn == nil || n.Call.Fn.Variant == nil || n.Call.Fn.Variant.Eval == nil {
		return nil, rqlerr.Bug("ENRICH %s without an implementation", n.Call.Name)
	}
	if n.Async {
		return newAsyncEnrich(n, opts, b.o, out)
	}
	f := &syncFailure{n: n, opts: opts, dlq: b.deadLetters()}
	op, err := exec.NewEnrich(n, b.o.Props, syncCall(n, opts, b.o.Props), f.handle)
	if err != nil {
		return nil, err
	}
	f.env = func() *exec.Env { return b.p.Env }
	return op, nil
}

// deadLetters is where dead letters go: Options.DeadLetters, else the
// sink's record sink.
func (b *builder) deadLetters() exec.RecordSink {
	if b.o.DeadLetters != nil {
		return b.o.DeadLetters
	}
	return b.o.Emit
}

// syncCall makes a synchronous call with the options' per-attempt timeout
// and retries, on the calling goroutine.
func syncCall(n *planner.Enrich, opts asyncio.Options, props map[string]string) exec.EnrichCall {
	v := n.Call.Fn.Variant
	return func(ctx context.Context, _ *exec.Row, args []sqltypes.Value, key string) (sqltypes.Value, error) {
		for attempt := 1; ; attempt++ {
			actx, cancel := context.WithTimeout(ctx, opts.Timeout)
			val, err := v.Eval(&udf.EvalContext{Ctx: actx, Props: props, IdempotencyKey: key}, args)
			timedOut := err != nil && actx.Err() == context.DeadlineExceeded && ctx.Err() == nil
			cancel()
			if err == nil {
				return val, nil
			}
			if timedOut {
				err = &rqlerr.Error{Code: rqlerr.UserFuncUnavailable, Domain: rqlerr.External,
					Msg: "call timed out after " + opts.Timeout.String(), Err: &udf.RetryableError{Err: context.DeadlineExceeded}}
			}
			retry, after := udf.Retryable(err)
			if !retry || opts.Retry.Kind == asyncio.RetryNone || attempt > opts.Retry.Retries {
				return nil, &attemptsError{err: err, attempts: attempt}
			}
			t := time.NewTimer(max(retryDelay(opts.Retry, attempt), min(after, opts.MaxRetryAfter)))
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			case <-t.C:
			}
		}
	}
}

// retryDelay is the wait before retry k (1-based), without jitter: the
// synchronous baseline has no other calls to spread out.
func retryDelay(p asyncio.RetryPolicy, k int) time.Duration {
	if p.Kind == asyncio.RetryFixed {
		return p.Delay
	}
	d := p.Delay
	for i := 1; i < k; i++ {
		d = time.Duration(float64(d) * p.Multiplier)
		if p.Cap > 0 && d > p.Cap {
			return p.Cap
		}
	}
	return d
}

// attemptsError carries how many attempts a failed synchronous call made.
type attemptsError struct {
	err      error
	attempts int
}

func (e *attemptsError) Error() string { return e.err.Error() }
func (e *attemptsError) Unwrap() error { return e.err }

// syncFailure applies on_failure to a failed synchronous call.
type syncFailure struct {
	n    *planner.Enrich
	opts asyncio.Options
	dlq  exec.RecordSink
	env  func() *exec.Env
}

func (f *syncFailure) handle(ctx context.Context, r *exec.Row, err error) (bool, error) {
	attempts := 1
	if ae, ok := err.(*attemptsError); ok {
		attempts, err = ae.attempts, ae.err
	}
	env := f.env()
	name := strings.ToLower(f.n.Call.Name)
	switch f.opts.OnFailure {
	case asyncio.FailDrop:
		return false, nil
	case asyncio.FailNull:
		return true, nil
	case asyncio.FailLog:
		if env.Log != nil {
			env.Log(exec.LogEntry{QueryID: env.QueryID, Topic: env.TopicOf(r), Partition: r.Partition, Offset: r.Offset,
				Reason: "enrichment " + name + " failed after " + strconv.Itoa(attempts) + " attempt(s): " + err.Error()})
		}
		return false, nil
	case asyncio.FailDLQ:
		if f.dlq == nil {
			return false, rqlerr.New(rqlerr.EnrichFailed, "enrichment %s: no sink for dead letters", name)
		}
		return false, f.dlq.Emit(ctx, deadLetter(f.opts.DLQTopic, name, env.TopicOf(r), r, r.Raw, attempts, err))
	}
	return false, &rqlerr.Error{Code: rqlerr.EnrichFailed, Domain: rqlerr.External, Err: err,
		Msg: "enrichment " + name + " failed for partition " + strconv.Itoa(int(r.Partition)) + " offset " +
			strconv.FormatInt(r.Offset, 10) + " after " + strconv.Itoa(attempts) + " attempt(s): " + err.Error()}
}

// deadLetter builds the dead letter of a row of a synchronous enrichment,
// as asyncio.Operator.DeadLetter does for the asynchronous one.
func deadLetter(topic, fn, srcTopic string, r *exec.Row, raw *exec.Record, attempts int, err error) exec.Record {
	rec := exec.Record{Topic: topic, Partition: -1, Offset: -1, Timestamp: r.Rowtime}
	if raw != nil {
		rec.Key, rec.Value, rec.Timestamp = raw.Key, raw.Value, raw.Timestamp
		rec.Headers = append(rec.Headers, raw.Headers...)
	}
	rec.Headers = append(rec.Headers,
		exec.Header{Key: asyncio.HeaderFunction, Value: []byte(fn)},
		exec.Header{Key: asyncio.HeaderAttempts, Value: []byte(strconv.Itoa(attempts))},
		exec.Header{Key: asyncio.HeaderError, Value: []byte(err.Error())},
		exec.Header{Key: asyncio.HeaderSourceTopic, Value: []byte(srcTopic)},
		exec.Header{Key: asyncio.HeaderSourcePartition, Value: []byte(strconv.Itoa(int(r.Partition)))},
		exec.Header{Key: asyncio.HeaderSourceOffset, Value: []byte(strconv.FormatInt(r.Offset, 10))},
	)
	return rec
}
