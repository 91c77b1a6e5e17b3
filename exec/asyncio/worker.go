package asyncio

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/rql/rql/rqlerr"
	"github.com/rql/rql/udf"
)

// worker runs queued calls until the operator closes (which closes
// jobs). A plain receive rather than a select with ctx.Done: the wake-up
// of one of many idle workers per call is the hot path.
//
// Each worker derives its attempts' contexts from a context of its own, so
// that 1 024 workers do not all register and unregister a child of the
// operator's context (one mutex) twice per call.
func (o *Operator) worker() {
	defer o.wg.Done()
	wctx, cancel := context.WithCancel(o.ctx)
	defer cancel()
	for e := range o.jobs {
		if wctx.Err() != nil {
			continue // closing: drop what is queued
		}
		o.attempt(wctx, e)
	}
}

// attempt makes one attempt of e's call: it waits for a rate-limit token,
// calls with the per-attempt timeout, and then completes e or schedules a
// retry. A retry releases the worker; a timer re-queues the entry.
func (o *Operator) attempt(wctx context.Context, e *entry) {
	if o.bucket != nil {
		d, err := o.bucket.wait(wctx)
		if d > 0 {
			o.c.rateWaits.Add(1)
			o.c.rateWaitNanos.Add(int64(d))
		}
		if err != nil {
			return // closing
		}
	}
	e.attempts++
	if e.attempts > 1 {
		o.c.retries.Add(1)
	}
	o.c.calls.Add(1)
	actx, cancel := context.WithTimeout(wctx, o.opts.Timeout)
	t0 := time.Now()
	v, err := o.call(actx, e)
	o.c.recordLatency(time.Since(t0))
	timedOut := err != nil && errors.Is(actx.Err(), context.DeadlineExceeded)
	cancel()
	if o.ctx.Err() != nil {
		return // closing: the result is discarded
	}
	if timedOut {
		o.c.timeouts.Add(1)
		err = &rqlerr.Error{Code: rqlerr.UserFuncUnavailable, Domain: rqlerr.External,
			Msg: "call timed out after " + o.opts.Timeout.String(),
			Err: &udf.RetryableError{Err: context.DeadlineExceeded}}
	}
	if err != nil && e.attempts <= o.opts.Retry.Retries && o.opts.Retry.Kind != RetryNone {
		if retry, after := udf.Retryable(err); retry {
			d := o.opts.Retry.backoff(e.attempts, min(after, o.opts.MaxRetryAfter))
			time.AfterFunc(d, func() { o.requeue(e) })
			return
		}
	}
	o.mu.Lock()
	if !o.closed {
		e.val, e.err = v, err
		if err != nil {
			e.val = nil
		}
		o.complete(e)
	}
	o.mu.Unlock()
}

// call runs the function, turning a panic into an error.
func (o *Operator) call(ctx context.Context, e *entry) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			v, err = nil, rqlerr.Bug("enrichment %s panicked: %v", o.cfg.Function, p)
		}
	}()
	return o.fn(ctx, e.in)
}

// requeue puts a call waiting for its retry back on the job queue.
func (o *Operator) requeue(e *entry) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.closed {
		o.dispatch(e)
	}
}

func (o *Operator) where(in *Input) string {
	return "partition " + itoa(int(in.Partition)) + " offset " + strconv.FormatInt(in.Offset, 10)
}

func itoa(n int) string { return strconv.Itoa(n) }
